package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.core.capture.PcapWriter;
import io.impacketsensor.core.packet.Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Memory bounded as a whole: 800 connections each start a PDU they never finish — 350 Kerberos TCP
 * records and 350 LDAP messages announcing 1 MiB, 100 DCE/RPC fragments announcing 65,535 bytes,
 * each with about 4 KB sent (synthetic attacker input, written by this test). Without a global
 * budget the sensor would try to hold some 700 MiB. The real {@code replay} runs in a forked JVM
 * with {@code -Xmx256m}, the synthetic capture first and the lab psexec capture after it: the
 * process must finish normally, the budget counter must rise, and psexec must still be detected.
 */
class BufferBudgetReplayTest {
    private static final Path PSEXEC = Path.of("..", "samples", "atk_psexec.pcap");
    /** First timestamp of the psexec capture, 1795791059 s: the flood runs in the ten minutes before. */
    private static final long FLOOD_START_NANOS = (1_795_791_059L - 600) * 1_000_000_000L;
    private static final int SEGMENT = 1400;
    private static final int SEGMENTS = 3;

    @TempDir
    Path dir;

    @Test
    void eightHundredUnfinishedPdusUnder256MiBDoNotStopDetection() throws Exception {
        Path flood = dir.resolve("flood.pcap");
        writeFlood(flood);
        Path eve = dir.resolve("eve.json");
        // The default tables need ~509 MB when full, so the start-up heap check would refuse 256 MB:
        // smaller tables (as an operator on a small host would set them) fit, and the budget is
        // what must keep the flood bounded.
        Path cfg = dir.resolve("small.yaml");
        Files.writeString(cfg, "pipeline:\n  ring_size: 4096\nflow:\n  max_flows: 16384\n"
                + "engine:\n  behaviour:\n    max_tracked_ips: 10000\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "replay", "-P", "--config", cfg.toString(),
                "--eve", eve.toString(), flood.toString(), PSEXEC.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile())
                .start();
        boolean ended = p.waitFor(300, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        String out = Files.readString(dir.resolve("out.txt"));
        assertTrue(ended, "replay did not finish: " + out);
        assertEquals(0, p.exitValue(), "exit 3 is an OutOfMemoryError: " + out);

        ObjectMapper m = new ObjectMapper();
        JsonNode stats = null;
        int budgetAnomalies = 0;
        List<String> attacks = new ArrayList<>();
        for (String line : Files.readAllLines(eve, StandardCharsets.UTF_8)) {
            JsonNode n = m.readTree(line);
            switch (n.get("event_type").asText()) {
                case "stats" -> stats = n.get("impacket_sensor");
                case "anomaly" -> {
                    if (n.get("anomaly").get("event").asText().equals("flow.buffer_budget_exceeded")) {
                        budgetAnomalies++;
                    }
                }
                case "alert" -> attacks.add(n.get("impacket").get("attack_type").asText());
                default -> { }
            }
        }
        assertTrue(stats != null, "a stats record");
        JsonNode flow = stats.get("flow");
        System.out.println("flood replay under -Xmx256m: flow=" + flow + " alerts=" + attacks + "\n" + out);
        long exceeded = flow.get("buffer_budget_exceeded").asLong();
        long budget = flow.get("buffer_budget_bytes").asLong();
        assertEquals(64L << 20, budget, "the default budget");
        // 700 buffers of 1 MiB in a 64 MiB budget: all but about 64 of them are taken back.
        assertTrue(exceeded >= 600, "flow.buffer_budget_exceeded " + exceeded);
        assertTrue(flow.get("buffer_bytes_peak").asLong() <= budget, flow.toString());
        assertEquals(800, flow.get("tcp").asLong() - 1, "800 flood connections and the psexec one");
        assertEquals(exceeded, budgetAnomalies, "one anomaly record per dropped partial PDU");
        assertTrue(attacks.contains("psexec"), "psexec detected after the flood: " + attacks);
    }

    /** The synthetic flood: per connection a handshake and three client segments of an unfinished PDU. */
    private static void writeFlood(Path file) throws Exception {
        PcapWriter w = PcapWriter.ethernet();
        long ts = FLOOD_START_NANOS;
        for (int i = 0; i < 800; i++) {
            int port = i < 350 ? 88 : i < 700 ? 389 : 135;
            byte[] head = port == 88 ? kerberosHead() : port == 389 ? ldapHead() : dcerpcHead();
            String client = "10.66." + (1 + i / 250) + "." + (1 + i % 250);
            String server = "10.66.0.1";
            int cport = 40_000 + i;
            long cisn = 1_000L + i;
            long sisn = 900_000L + i;
            ts = frame(w, ts, client, server, Frames.tcp(cport, port, cisn, 0, Frames.SYN, null, new byte[0]));
            ts = frame(w, ts, server, client, Frames.tcp(port, cport, sisn, cisn + 1, Frames.SYN | Frames.ACK, null,
                    new byte[0]));
            ts = frame(w, ts, client, server, Frames.tcp(cport, port, cisn + 1, sisn + 1, Frames.ACK, null, new byte[0]));
            long seq = cisn + 1;
            for (int s = 0; s < SEGMENTS; s++) {
                byte[] payload = new byte[SEGMENT];
                if (s == 0) {
                    System.arraycopy(head, 0, payload, 0, head.length);
                }
                ts = frame(w, ts, client, server, Frames.tcp(cport, port, seq, sisn + 1, Frames.ACK | Frames.PSH, null,
                        payload));
                seq += SEGMENT;
            }
        }
        try (OutputStream os = Files.newOutputStream(file)) {
            w.writeTo(os);
        }
    }

    private static long frame(PcapWriter w, long ts, String src, String dst, byte[] l4) {
        w.packet(ts, Frames.ether(Frames.ipv4(src, dst, 6, l4)));
        return ts + 100_000;
    }

    /**
     * RFC 4120 7.2.2 record mark of 1 MiB (the largest the Kerberos limit admits), then an AS-REQ
     * tag ([APPLICATION 10]) whose DER length fills the record.
     */
    private static byte[] kerberosHead() {
        int record = 1 << 20;
        int der = record - 5;
        return new byte[] {0x00, 0x10, 0x00, 0x00, 0x6a, (byte) 0x83, (byte) (der >> 16), (byte) (der >> 8), (byte) der};
    }

    /** An LDAPMessage SEQUENCE of 1 MiB in all (RFC 4511 4.1.1): messageID 1, a SearchRequest. */
    private static byte[] ldapHead() {
        int body = (1 << 20) - 5;
        int op = body - 3 - 5;
        return new byte[] {0x30, (byte) 0x83, (byte) (body >> 16), (byte) (body >> 8), (byte) body,
            0x02, 0x01, 0x01, 0x63, (byte) 0x83, (byte) (op >> 16), (byte) (op >> 8), (byte) op};
    }

    /** A DCE/RPC REQUEST header (C706 12.6.4.9) with frag_length 65,535, little-endian. */
    private static byte[] dcerpcHead() {
        return new byte[] {0x05, 0x00, 0x00, 0x03, 0x10, 0x00, 0x00, 0x00, (byte) 0xff, (byte) 0xff, 0x00, 0x00,
            0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    }
}
