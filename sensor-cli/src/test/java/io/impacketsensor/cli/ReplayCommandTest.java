package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.core.capture.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static io.impacketsensor.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replay command end to end on the bundled sample (lab atk_psexec.pcap: 119 frames, 1 TCP flow). */
class ReplayCommandTest {
    private static final Path SAMPLE = Path.of("..", "samples", "atk_psexec.pcap");

    @TempDir
    Path dir;

    /** The stats records of an EVE file (other records, from analyzers, are only checked to be JSON). */
    private static List<JsonNode> lines(Path eve) throws Exception {
        ObjectMapper m = new ObjectMapper();
        return Files.readAllLines(eve).stream().map(l -> {
            try {
                return m.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + l, e);
            }
        }).filter(n -> n.get("event_type").asText().equals("stats")).toList();
    }

    @Test
    void replayWritesOneStatsRecordWithTheRequiredFields() throws Exception {
        Path eve = dir.resolve("eve.json");
        CliRun r = run("replay", "--eve", eve.toString(), "--workers", "2", SAMPLE.toString());
        assertEquals(0, r.code(), r.err());
        List<JsonNode> recs = lines(eve);
        assertEquals(1, recs.size());
        JsonNode rec = recs.get(0);
        assertEquals("stats", rec.get("event_type").asText());
        assertTrue(rec.get("timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+0000"));
        // Suricata's stats keys for the counters that count the same thing.
        JsonNode su = rec.get("stats");
        assertEquals(119, su.get("decoder").get("pkts").asLong());
        assertEquals(119, su.get("decoder").get("ipv4").asLong());
        assertEquals(119, su.get("decoder").get("ethernet").asLong());
        assertEquals(1, su.get("flow").get("tcp").asLong());
        assertEquals(1, su.get("app_layer").get("flow").get("smb").asLong());
        assertTrue(su.get("uptime").isIntegralNumber());
        JsonNode s = rec.get("impacket_sensor");
        assertEquals(2, s.get("eve_version").asInt());
        assertEquals("replay", s.get("mode").asText());
        assertEquals(119, s.get("packets").asLong());
        assertEquals(119, s.get("capture").get("records").asLong());
        assertEquals(Files.size(SAMPLE) - 24 - 16 * 119, s.get("bytes").asLong());
        assertEquals(119, s.get("linktype").get("ethernet").asLong());
        assertEquals(119, s.get("ipv4").asLong());
        assertEquals(0, s.get("ipv6").asLong());
        assertEquals(1, s.get("flow").get("tcp").asLong());
        assertEquals(0, s.get("flow").get("udp").asLong());
        assertTrue(s.get("tcp").has("reassembled_bytes_to_server"));
        assertTrue(s.get("tcp").has("reassembled_bytes_to_client"));
        assertTrue(s.get("tcp").has("gaps"));
        assertEquals(0, s.get("capture").get("truncated_records").asLong());
        assertEquals(0, s.get("capture").get("corrupt_blocks").asLong());
        JsonNode workers = s.get("workers");
        assertEquals(2, workers.size());
        assertEquals(119, workers.get(0).get("packets").asLong() + workers.get(1).get("packets").asLong());
        assertTrue(r.err().contains("119 packets"), r.err());
        assertTrue(r.err().contains("flows       1 TCP, 0 UDP"), r.err());
    }

    /**
     * The shared token decoder's counters reach the stats record like every decoder's, summed over
     * the workers: the sample's NTLM login is NEGOTIATE, CHALLENGE and AUTHENTICATE in SPNEGO
     * tokens, and a fourth token (the server's final NegTokenResp) carries no NTLMSSP message.
     */
    @Test
    void theStatsRecordCountsTheSecurityTokens() throws Exception {
        Path eve = dir.resolve("eve.json");
        CliRun r = run("replay", "--eve", eve.toString(), "--workers", "2", SAMPLE.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode proto = lines(eve).get(0).get("impacket_sensor").get("proto");
        assertEquals(4, proto.get("gssapi").get("pdus").asLong());
        assertEquals(3, proto.get("gssapi").get("ntlmssp").asLong());
        assertEquals(0, proto.get("gssapi").get("kerberos").asLong());
        assertEquals(0, proto.get("gssapi").get("parser_error").asLong());
        assertEquals(3, proto.get("ntlmssp").get("pdus").asLong());
        assertEquals(1, proto.get("ntlmssp").get("authenticate").asLong());
        assertEquals(0, proto.get("ntlmssp").get("parser_error").asLong());
    }

    @Test
    void damagedFileCountsEarlierPacketsWarnsAndSucceeds() throws Exception {
        byte[] whole = Files.readAllBytes(SAMPLE);
        Path cut = Files.write(dir.resolve("cut.pcap"), Arrays.copyOf(whole, whole.length - 10));
        Path eve = dir.resolve("eve.json");
        CliRun r = run("replay", "--eve", eve.toString(), cut.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode s = lines(eve).get(0).get("impacket_sensor");
        assertEquals(118, s.get("packets").asLong());
        assertEquals(1, s.get("capture").get("truncated_records").asLong());
        assertTrue(r.err().contains("warning     " + cut + ": last record truncated at byte"), r.err());
    }

    @Test
    void severalFilesAreOneCapture() throws Exception {
        Path eve = dir.resolve("eve.json");
        Path extra = PcapWriter.ethernet().packet(1_000_000_000L, new byte[60]).writeTo(dir.resolve("one.pcap"));
        CliRun r = run("replay", "--eve", eve.toString(), SAMPLE.toString(), extra.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode s = lines(eve).get(0).get("impacket_sensor");
        assertEquals(120, s.get("packets").asLong());
        assertTrue(r.err().startsWith("replay 2 files: 120 packets"), r.err());
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() throws Exception {
        Path notPcap = Files.writeString(dir.resolve("notes.txt"), "not a capture at all\n");
        Path missing = dir.resolve("missing.pcap");
        String[][] cases = {
            {"replay", missing.toString()},
            {"replay", notPcap.toString()},
            {"replay", SAMPLE.toString(), missing.toString()},
            {"replay", "--no-such-flag", SAMPLE.toString()},
            {"replay", "--workers", "zero", SAMPLE.toString()},
            {"replay", "--workers", "999", SAMPLE.toString()},
            {"replay"},
            {"replay", "--config", dir.resolve("nope.yaml").toString(), SAMPLE.toString()},
            {"live"},
            {"live", "-i", "eth0", "--snaplen", "10"},
            {"frobnicate"},
        };
        for (String[] args : cases) {
            CliRun r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + " -> " + r.err());
            assertEquals(1, r.err().strip().lines().count(), String.join(" ", args) + " -> " + r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
        assertEquals("replay: " + missing + ": no such file", run("replay", missing.toString()).err().strip());
        assertEquals("replay: " + notPcap + ": not a pcap or pcapng file (unknown magic 0x6e6f7420)",
                run("replay", notPcap.toString()).err().strip());
    }

    @Test
    void configFileSetsWorkersAndRejectsBadValues() throws Exception {
        Path cfg = Files.writeString(dir.resolve("c.yaml"), "pipeline:\n  workers: 3\nengine:\n  thresholds:\n    block: 0.8\n");
        Path eve = dir.resolve("eve.json");
        CliRun r = run("replay", "--config", cfg.toString(), "--eve", eve.toString(), SAMPLE.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(3, lines(eve).get(0).get("impacket_sensor").get("workers").size());
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "pipeline:\n  ring_size: 1000\n");
        CliRun b = run("replay", "--config", bad.toString(), SAMPLE.toString());
        assertEquals(2, b.code());
        assertEquals("replay: config " + bad + ": pipeline.ring_size: ring size must be a power of two >= 64, got 1000", b.err().strip());
    }

    @Test
    void helpTeachesWithExamples() {
        CliRun r = run("replay", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Examples:"));
        assertTrue(r.out().contains("impacket-sensor replay capture.pcap"));
    }
}
