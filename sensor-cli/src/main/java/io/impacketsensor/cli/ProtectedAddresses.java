package io.impacketsensor.cli;

import io.impacketsensor.detection.response.AllowListMatcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The addresses a live sensor never blocks, whatever an event says: blocking any of them with
 * enforcement on cuts the sensor (or the site) off. Loopback; the host's own interface addresses;
 * its default gateways ({@code /proc/self/net/route}, {@code /proc/self/net/ipv6_route}); its DNS servers
 * ({@code /etc/resolv.conf}); the configured domain controllers ({@code engine.domain_controllers});
 * and {@code response.protected}. Files that cannot be read add nothing (another OS, a container).
 *
 * <p>The tables are read under {@code /proc/self/net}, not {@code /proc/net}: the unit mounts
 * {@code /proc} with {@code ProcSubset=pid}, which removes the top-level {@code net} link but keeps
 * {@code self} (proc(5), "subset=pid"). For the same reason the JDK's own list of interface
 * addresses lacks the IPv6 ones there (it reads {@code /proc/net/if_inet6}), so they are read here
 * from {@code /proc/self/net/if_inet6} too.
 */
final class ProtectedAddresses {
    private ProtectedAddresses() {
    }

    /** Network (CIDR) → where it comes from, in discovery order. */
    static Map<String, String> discover(SensorConfig cfg) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("127.0.0.0/8", "loopback");
        out.put("::1/128", "loopback");
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    out.putIfAbsent(host(a), "interface " + ni.getName());
                }
            }
        } catch (SocketException e) {
            // no interface list: loopback and the configured networks still hold
        }
        for (Map.Entry<String, String> a : ipv6Addresses(readOrEmpty(Path.of("/proc/self/net/if_inet6"))).entrySet()) {
            out.putIfAbsent(a.getKey(), "interface " + a.getValue());
        }
        for (String g : gateways(readOrEmpty(Path.of("/proc/self/net/route")))) {
            out.putIfAbsent(g, "default gateway");
        }
        for (String g : ipv6Gateways(readOrEmpty(Path.of("/proc/self/net/ipv6_route")))) {
            out.putIfAbsent(g, "default gateway");
        }
        for (String d : nameservers(readOrEmpty(Path.of("/etc/resolv.conf")))) {
            out.putIfAbsent(d, "DNS server");
        }
        for (String dc : cfg.engine().domainControllers()) {
            InetAddress a = AllowListMatcher.parseAddress(dc);
            if (a != null) {
                out.putIfAbsent(host(a), "domain controller");
            }
        }
        for (String n : cfg.guard().protectedNetworks()) {
            out.putIfAbsent(n, "response.protected");
        }
        return out;
    }

    private static String host(InetAddress a) {
        String s = a.getHostAddress();
        int pct = s.indexOf('%');
        if (pct > 0) {
            s = s.substring(0, pct);
        }
        return s + (a.getAddress().length == 4 ? "/32" : "/128");
    }

    private static String readOrEmpty(Path p) {
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * Default-route gateways of {@code /proc/net/route}: rows with Destination 00000000 and a
     * gateway; addresses are hex in host (little-endian on x86/arm) byte order, as the kernel prints
     * a {@code __be32} with {@code %08X}.
     */
    static List<String> gateways(String procNetRoute) {
        List<String> out = new ArrayList<>();
        for (String line : procNetRoute.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 3 || !f[1].equals("00000000") || f[2].equals("00000000") || f[2].length() != 8) {
                continue;
            }
            try {
                long v = Long.parseLong(f[2], 16);
                byte[] b = {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
                if (java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.BIG_ENDIAN) {
                    b = new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
                }
                out.add(host(InetAddress.getByAddress(b)));
            } catch (NumberFormatException | java.net.UnknownHostException e) {
                // not a route row (the header)
            }
        }
        return out;
    }

    /**
     * The interface addresses of {@code /proc/net/if_inet6} (address in 32 hex digits, index, prefix
     * length, scope, flags, interface name per line) to their interface, in file order.
     */
    static Map<String, String> ipv6Addresses(String procNetIfInet6) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : procNetIfInet6.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || f[0].length() != 32) {
                continue;
            }
            byte[] b = new byte[16];
            try {
                for (int i = 0; i < 16; i++) {
                    b[i] = (byte) Integer.parseInt(f[0].substring(2 * i, 2 * i + 2), 16);
                }
                out.putIfAbsent(host(InetAddress.getByAddress(b)), f[5]);
            } catch (NumberFormatException | java.net.UnknownHostException e) {
                // not an address row
            }
        }
        return out;
    }

    /** Default-route next hops of {@code /proc/net/ipv6_route} (destination ::/0, next hop not ::). */
    static List<String> ipv6Gateways(String procNetIpv6Route) {
        List<String> out = new ArrayList<>();
        String zero = "0".repeat(32);
        for (String line : procNetIpv6Route.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5 || !f[0].equals(zero) || !f[1].equals("00") || f[4].equals(zero) || f[4].length() != 32) {
                continue;
            }
            byte[] b = new byte[16];
            try {
                for (int i = 0; i < 16; i++) {
                    b[i] = (byte) Integer.parseInt(f[4].substring(2 * i, 2 * i + 2), 16);
                }
                out.add(host(InetAddress.getByAddress(b)));
            } catch (NumberFormatException | java.net.UnknownHostException e) {
                // not a route row
            }
        }
        return out;
    }

    /** The {@code nameserver} addresses of a resolv.conf (resolv.conf(5)); names and junk are skipped. */
    static List<String> nameservers(String resolvConf) {
        List<String> out = new ArrayList<>();
        for (String line : resolvConf.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals("nameserver")) {
                String addr = f[1];
                int pct = addr.indexOf('%');
                InetAddress a = AllowListMatcher.parseAddress(pct > 0 ? addr.substring(0, pct) : addr);
                if (a != null) {
                    out.add(host(a));
                }
            }
        }
        return out;
    }
}
