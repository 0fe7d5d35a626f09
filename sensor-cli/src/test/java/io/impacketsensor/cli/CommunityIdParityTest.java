package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.core.testkit.Captures;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code community_id} of every EVE record (protocol records and alerts) equals the one tshark
 * computes for the same flow ({@code --enable-protocol communityid}, seed 0), over TCP and UDP,
 * IPv4 and IPv6 captures. Runs where tshark is installed (CI installs it).
 */
class CommunityIdParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @TestFactory
    List<DynamicTest> everyRecordAgreesWithTshark() {
        return List.of(
                Captures.lab("atk_psexec.pcap"),
                Captures.lab("atk_GetNPUsers.pcap"),
                Captures.lab("ben_kinit_kvno.pcap"),
                Captures.lab("atk_wmiexec.pcap"),
                Captures.pub("zeek_zeek/testing/btest/Traces/ldap/modify-request.pcapng"))
                .stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p))).toList();
    }

    private void check(Path pcap) throws Exception {
        assumeTrue(tsharkPresent(), "tshark not installed");
        Map<String, String> expected = tshark(pcap);
        Path eve = dir.resolve(pcap.getFileName() + ".json");
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "replay", "-P", "--eve", eve.toString(), pcap.toString());
        assertEquals(0, code, err.toString());
        int compared = 0;
        for (String line : Files.readAllLines(eve)) {
            JsonNode n = JSON.readTree(line);
            if (!n.has("src_ip")) {
                continue; // stats
            }
            String key = key(n.get("proto").asText(), n.get("src_ip").asText(), n.get("src_port").asInt(),
                    n.get("dest_ip").asText(), n.get("dest_port").asInt());
            String want = expected.get(key);
            assertNotNull(want, "tshark has no flow " + key + " for " + line);
            assertEquals(want, n.get("community_id").asText(), line);
            compared++;
        }
        assertTrue(compared > 0, "no record compared in " + pcap);
    }

    /** Flow key independent of direction. */
    private static String key(String proto, String a, int ap, String b, int bp) {
        String x = a + "/" + ap;
        String y = b + "/" + bp;
        return proto + " " + (x.compareTo(y) < 0 ? x + " " + y : y + " " + x);
    }

    private static boolean tsharkPresent() {
        try {
            Process p = new ProcessBuilder("tshark", "-v").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static Map<String, String> tshark(Path pcap) throws Exception {
        Process p = new ProcessBuilder("tshark", "-n", "-r", pcap.toString(), "--enable-protocol", "communityid",
                "-Y", "tcp or udp", "-T", "fields", "-E", "occurrence=f",
                "-e", "ip.src", "-e", "ipv6.src", "-e", "ip.dst", "-e", "ipv6.dst",
                "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "udp.srcport", "-e", "udp.dstport",
                "-e", "communityid").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Map<String, String> m = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split("\t", -1);
                if (f.length < 9 || f[8].isEmpty()) {
                    continue;
                }
                String src = f[0].isEmpty() ? f[1] : f[0];
                String dst = f[2].isEmpty() ? f[3] : f[2];
                boolean tcp = !f[4].isEmpty();
                int sp = Integer.parseInt(tcp ? f[4] : f[6]);
                int dp = Integer.parseInt(tcp ? f[5] : f[7]);
                m.put(key(tcp ? "TCP" : "UDP", canonical(src), sp, canonical(dst), dp), f[8]);
            }
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "tshark did not finish on " + pcap);
        return m;
    }

    /** tshark prints IPv6 compressed; EVE writes what InetAddress prints. Compare both as InetAddress text. */
    private static String canonical(String ip) throws Exception {
        return java.net.InetAddress.getByName(ip).getHostAddress();
    }
}
