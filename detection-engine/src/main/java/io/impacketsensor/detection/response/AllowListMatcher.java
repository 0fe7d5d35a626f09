package io.impacketsensor.detection.response;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Admin networks and authorised service names of the allow-list. Addresses are parsed as literals
 * only (never resolved: a name in the config must not trigger DNS).
 */
public final class AllowListMatcher {
    private final byte[][] networks;
    private final int[] prefixes;
    private final Set<String> serviceNames;

    public AllowListMatcher(List<String> adminNetworks, List<String> serviceNames) {
        List<byte[]> nets = new ArrayList<>();
        List<Integer> lens = new ArrayList<>();
        for (String n : adminNetworks) {
            int slash = n.indexOf('/');
            InetAddress a = parseAddress(slash < 0 ? n : n.substring(0, slash));
            if (a == null) {
                throw new IllegalArgumentException("not an address: " + n);
            }
            byte[] b = a.getAddress();
            nets.add(b);
            lens.add(slash < 0 ? b.length * 8 : Integer.parseInt(n.substring(slash + 1)));
        }
        this.networks = nets.toArray(new byte[0][]);
        this.prefixes = lens.stream().mapToInt(Integer::intValue).toArray();
        Set<String> names = new HashSet<>();
        for (String s : serviceNames) {
            names.add(s.toLowerCase(Locale.ROOT));
        }
        this.serviceNames = Set.copyOf(names);
    }

    /** True when the address is inside one of the admin networks. */
    public boolean isAdmin(InetAddress ip) {
        if (ip == null || networks.length == 0) {
            return false;
        }
        byte[] b = ip.getAddress();
        for (int i = 0; i < networks.length; i++) {
            if (networks[i].length == b.length && prefixMatches(networks[i], b, prefixes[i])) {
                return true;
            }
        }
        return false;
    }

    /** True when the service name is authorised (case-insensitive). */
    public boolean isAuthorisedService(String name) {
        return name != null && !serviceNames.isEmpty() && serviceNames.contains(name.toLowerCase(Locale.ROOT));
    }

    private static boolean prefixMatches(byte[] net, byte[] ip, int bits) {
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (net[i] != ip[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (net[full] & mask) == (ip[full] & mask);
    }

    /** Null when the text is an address or CIDR network, else the reason. */
    public static String checkNetwork(String text) {
        int slash = text.indexOf('/');
        InetAddress a = parseAddress(slash < 0 ? text : text.substring(0, slash));
        if (a == null) {
            return "not an IP address or CIDR network: '" + text + "'";
        }
        if (slash >= 0) {
            int max = a.getAddress().length * 8;
            try {
                int p = Integer.parseInt(text.substring(slash + 1));
                if (p < 0 || p > max) {
                    return "prefix length must be within 0.." + max + ": '" + text + "'";
                }
            } catch (NumberFormatException e) {
                return "bad prefix length: '" + text + "'";
            }
        }
        return null;
    }

    /** Parses an IPv4 or IPv6 literal without any name resolution; null when it is not one. */
    public static InetAddress parseAddress(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return null;
        }
        try {
            if (text.indexOf(':') >= 0) {
                for (int i = 0; i < text.length(); i++) {
                    char c = text.charAt(i);
                    if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%')) {
                        return null;
                    }
                }
                return InetAddress.getByName(text);
            }
            byte[] b = new byte[4];
            int part = 0;
            int value = -1;
            for (int i = 0; i <= text.length(); i++) {
                char c = i == text.length() ? '.' : text.charAt(i);
                if (c == '.') {
                    if (value < 0 || part > 3) {
                        return null;
                    }
                    b[part++] = (byte) value;
                    value = -1;
                } else if (c >= '0' && c <= '9') {
                    value = value < 0 ? c - '0' : value * 10 + (c - '0');
                    if (value > 255) {
                        return null;
                    }
                } else {
                    return null;
                }
            }
            return part == 4 ? InetAddress.getByAddress(b) : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
