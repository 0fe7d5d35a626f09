package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.impacketsensor.detection.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtectedAddressesTest {

    @Test
    void defaultGatewaysFromProcNetRoute() {
        // synthetic, in the kernel's format (little-endian host): default via 192.168.1.1 on eth0,
        // a connected route without a gateway, a second default route via 10.0.0.254
        String route = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
                + "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
                + "eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"
                + "eth1\t00000000\tFE00000A\t0003\t0\t0\t200\t00000000\t0\t0\t0\n";
        assertEquals(List.of("192.168.1.1/32", "10.0.0.254/32"), ProtectedAddresses.gateways(route));
        assertEquals(List.of(), ProtectedAddresses.gateways("garbage\n\n00000000 zz\n"));
    }

    @Test
    void defaultGatewaysFromProcNetIpv6Route() {
        // synthetic, in the kernel's format: default via fe80::1 on eth0, and a local route
        String route = "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
                + "fe800000000000000000000000000001 00000400 00000001 00000000 00000003 eth0\n"
                + "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 "
                + "00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth0\n";
        assertEquals(List.of("fe80:0:0:0:0:0:0:1/128"), ProtectedAddresses.ipv6Gateways(route));
    }

    @Test
    void interfaceAddressesFromProcNetIfInet6() {
        // synthetic, in the kernel's format: a link-local and a ULA address on eth0, loopback, junk
        String ifInet6 = "fe8000000000000000fc00fffe000001 04 40 20 80     eth0\n"
                + "00000000000000000000000000000001 01 80 10 80       lo\n"
                + "fd000000000000000000000000000002 04 40 00 82     eth0\n"
                + "zz 04 40 00 82 eth0\n";
        assertEquals(Map.of("fe80:0:0:0:fc:ff:fe00:1/128", "eth0", "0:0:0:0:0:0:0:1/128", "lo", "fd00:0:0:0:0:0:0:2/128", "eth0"),
                ProtectedAddresses.ipv6Addresses(ifInet6));
    }

    /** The unit mounts /proc with ProcSubset=pid: only /proc/self/net is there, and it is what is read. */
    @Test
    void procTablesAreReadUnderProcSelf() throws Exception {
        String src = java.nio.file.Files.readString(java.nio.file.Path.of("src/main/java/io/impacketsensor/cli/ProtectedAddresses.java"));
        assertTrue(src.contains("Path.of(\"/proc/self/net/route\")") && src.contains("Path.of(\"/proc/self/net/ipv6_route\")")
                && src.contains("Path.of(\"/proc/self/net/if_inet6\")"), "reads /proc/self/net");
        assertTrue(!src.contains("Path.of(\"/proc/net/"), "no /proc/net path: it is hidden under ProcSubset=pid");
    }

    @Test
    void nameserversFromResolvConf() {
        String conf = "# synthetic\nsearch corp.example\nnameserver 10.0.0.53\nnameserver fe80::53%eth0\n"
                + "nameserver dns.example\noptions edns0\n";
        assertEquals(List.of("10.0.0.53/32", "fe80:0:0:0:0:0:0:53/128"), ProtectedAddresses.nameservers(conf));
    }

    @Test
    void discoveryHasLoopbackTheDcsAndTheConfiguredNetworks() throws Exception {
        SensorConfig cfg = SensorConfig.fromRoot(new ObjectMapper(new YAMLFactory()).readTree(
                "engine:\n  domain_controllers: [10.0.0.10]\nresponse:\n  protected: [172.16.0.0/12]\n"));
        Map<String, String> p = ProtectedAddresses.discover(cfg);
        assertEquals("loopback", p.get("127.0.0.0/8"));
        assertEquals("loopback", p.get("::1/128"));
        assertEquals("domain controller", p.get("10.0.0.10/32"));
        assertEquals("response.protected", p.get("172.16.0.0/12"));
        assertTrue(p.values().stream().anyMatch(v -> v.startsWith("interface ")), p.toString());
    }

    @Test
    void newKeysAreCheckedAtBothEndsAndNamed() throws Exception {
        ObjectMapper y = new ObjectMapper(new YAMLFactory());
        SensorConfig lo = SensorConfig.fromRoot(y.readTree("http:\n  max_clock_skew_seconds: 0\n"
                + "response:\n  max_blocks_per_minute: 0\n"));
        assertEquals(0, lo.guard().maxClockSkewSeconds());
        assertEquals(0, lo.guard().maxBlocksPerMinute());
        SensorConfig hi = SensorConfig.fromRoot(y.readTree("http:\n  max_clock_skew_seconds: 86400\n  read_auth: TOKEN\n"
                + "response:\n  max_blocks_per_minute: 1000000\n"));
        assertEquals(86400, hi.guard().maxClockSkewSeconds());
        assertEquals(1_000_000, hi.guard().maxBlocksPerMinute());
        assertEquals(SensorConfig.Guard.ReadAuth.TOKEN, hi.guard().readAuth());
        for (String[] c : new String[][] {
            {"http:\n  max_clock_skew_seconds: 86401\n", "http.max_clock_skew_seconds: must be within 0..86400"},
            {"http:\n  max_clock_skew_seconds: -1\n", "http.max_clock_skew_seconds: must be within 0..86400"},
            {"response:\n  max_blocks_per_minute: 1000001\n", "response.max_blocks_per_minute: must be within 0..1000000"},
            {"http:\n  read_auth: sometimes\n", "http.read_auth: must be auto, token or open, not 'sometimes'"},
            {"http:\n  allowed_hosts: sensor.example\n", "http.allowed_hosts: must be a list of strings"},
            {"response:\n  protected: [10.0.0.0/33]\n", "response.protected: prefix length must be within 0..32"},
            {"response:\n  protected: [dc1.example]\n", "response.protected: not an IP address or CIDR network"},
            {"response:\n  protect: []\n", "response.protect: unknown key"},
            {"http:\n  token_file: 5\n", "http.token_file: must be a string"}}) {
            String m = assertThrows(ConfigException.class, () -> SensorConfig.fromRoot(y.readTree(c[0]))).getMessage();
            assertTrue(m.startsWith(c[1]), m + " / expected " + c[1]);
        }
    }
}
