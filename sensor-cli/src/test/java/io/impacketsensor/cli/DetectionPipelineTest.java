package io.impacketsensor.cli;

import io.impacketsensor.core.testkit.Captures;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The detection engine on the events thread: replay of the bundled sample (lab atk_psexec.pcap:
 * Impacket psexec.py, service {@code elfh} running {@code %systemroot%\XAsDIoMW.exe}) raises a
 * psexec alert in the same EVE output as the protocol records and the stats record, validated
 * against the committed schema.
 */
class DetectionPipelineTest {
    private static final Path SAMPLE = Path.of("..", "samples", "atk_psexec.pcap");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchema SCHEMA;

    static {
        try (InputStream in = DetectionPipelineTest.class.getResourceAsStream("/schema/eve.schema.json")) {
            SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @TempDir
    Path dir;

    private record Run(int code, String err, List<JsonNode> records) {
    }

    private static Run replay(Path eve, String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("replay", "--eve", eve.toString()));
        all.addAll(List.of(args));
        all.add(SAMPLE.toString());
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        List<JsonNode> recs = new ArrayList<>();
        for (String line : Files.exists(eve) ? Files.readAllLines(eve) : List.<String>of()) {
            JsonNode n = JSON.readTree(line);
            String type = n.get("event_type").asText();
            if (type.equals("alert") || type.equals("stats")) {
                Set<ValidationMessage> errors = SCHEMA.validate(n);
                assertTrue(errors.isEmpty(), "schema violations " + errors + " in " + line);
            }
            recs.add(n);
        }
        return new Run(code, err.toString(), recs);
    }

    private static List<JsonNode> ofType(List<JsonNode> recs, String type) {
        return recs.stream().filter(n -> n.get("event_type").asText().equals(type)).toList();
    }

    @Test
    void psexecAlertWithoutProtocolRecordsQuotesTheServiceAndBlocks() throws Exception {
        Run r = replay(dir.resolve("eve.json"));
        assertEquals(0, r.code(), r.err());
        assertTrue(ofType(r.records(), "smb").isEmpty(), "no protocol records without -P");
        List<JsonNode> psexec = ofType(r.records(), "alert").stream()
                .filter(n -> n.get("impacket").get("attack_type").asText().equals("psexec")).toList();
        assertFalse(psexec.isEmpty(), r.err());
        JsonNode last = psexec.get(psexec.size() - 1).get("impacket");
        String indicators = last.get("indicators").toString();
        assertTrue(indicators.contains("elfh"), indicators);
        assertTrue(indicators.contains("XAsDIoMW.exe"), indicators);
        assertEquals("block", last.get("action").asText());
        assertTrue(last.get("confidence").asDouble() >= 0.7);
        assertTrue(last.get("chain").size() >= 2, last.toString());
        // offline: nothing enforces the block, so Suricata's alert.action is "allowed"
        assertEquals("allowed", psexec.get(psexec.size() - 1).get("alert").get("action").asText());
        assertEquals("10.99.0.2", psexec.get(0).get("src_ip").asText());
        // every alert of one instance carries the same instance id, revisions increase
        long id = psexec.get(0).get("impacket").get("instance_id").asLong();
        int rev = 0;
        for (JsonNode n : psexec) {
            assertEquals(id, n.get("impacket").get("instance_id").asLong());
            assertTrue(n.get("impacket").get("revision").asInt() > rev);
            rev = n.get("impacket").get("revision").asInt();
        }
        List<JsonNode> stats = ofType(r.records(), "stats");
        assertEquals(1, stats.size());
        JsonNode det = stats.get(0).get("impacket_sensor").get("detection");
        assertEquals(1, det.get("by_attack_type").get("psexec").asLong());
        assertEquals(46, det.get("total_events").asLong(), "every decoded event went through the engine");
        assertTrue(r.err().contains("psexec 1"), r.err());
        assertTrue(r.err().contains("blocked     10.99.0.2 (psexec)"), r.err());
    }

    /**
     * The CreateServiceW call is one smb record (request and response, {@code smb.dcerpc}), written
     * when its response completes the transaction as Suricata writes it; the block alert, raised by
     * the request, is written at once. Both are in the same output and name the same flow.
     */
    @Test
    void theCallRecordAndItsAlertShareTheFlow() throws Exception {
        Run r = replay(dir.resolve("eve.json"), "-P");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> recs = r.records();
        JsonNode createService = null;
        JsonNode firstPsexecBlock = null;
        for (JsonNode n : recs) {
            if (createService == null && n.get("event_type").asText().equals("smb")
                    && n.path("smb").path("dcerpc").path("interfaces").path(0).path("procedure").asText()
                    .equals("CreateServiceW")) {
                createService = n;
            }
            if (firstPsexecBlock == null && n.get("event_type").asText().equals("alert")
                    && n.get("impacket").get("attack_type").asText().equals("psexec")
                    && n.get("impacket").get("action").asText().equals("block")) {
                firstPsexecBlock = n;
            }
        }
        assertNotNull(createService, "CreateServiceW record");
        // The lab's Samba answers CreateServiceW with a FAULT PDU (frame 108, nca_s_op_rng_error).
        assertEquals("FAULT", createService.get("smb").get("dcerpc").get("response").asText());
        assertEquals(0x1C010002L, createService.get("impacket_sensor").get("fault_status").asLong());
        assertEquals("elfh", createService.get("impacket_sensor").get("args").get("service_name").asText());
        assertNotNull(firstPsexecBlock, "psexec block alert");
        assertEquals(createService.get("community_id"), firstPsexecBlock.get("community_id"));
        assertEquals("stats", recs.get(recs.size() - 1).get("event_type").asText());
    }

    @Test
    void encryptedSmbIsReportedAsNotInspectedAndTheCleartextStillAlerts() throws Exception {
        // lab atk_psexec.smbenc.pcap (sensor-core test-jar): SMB 3 encryption after SESSION_SETUP
        Path pcap = Captures.lab("atk_psexec.smbenc.pcap");
        Path eve = dir.resolve("eve.json");
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "replay",
                "--eve", eve.toString(), pcap.toString());
        assertEquals(0, code, err.toString());
        List<JsonNode> recs = new ArrayList<>();
        for (String line : Files.readAllLines(eve)) {
            recs.add(JSON.readTree(line));
        }
        List<JsonNode> anomalies = ofType(recs, "anomaly");
        assertEquals(1, anomalies.size(), anomalies.toString());
        assertEquals("smb2.encrypted", anomalies.get(0).get("anomaly").get("event").asText());
        assertTrue(anomalies.get(0).get("impacket_sensor").get("detail").asText().endsWith("encrypted, not inspected"));
        assertTrue(ofType(recs, "alert").stream().anyMatch(a -> a.get("impacket").get("attack_type").asText()
                .equals("impacket_fingerprint")), recs.toString());
    }

    @Test
    void oneConfigFileCarriesPipelineFlowAndEngineSections() throws Exception {
        Path cfg = dir.resolve("sensor.yaml");
        Files.writeString(cfg, "pipeline:\n  workers: 2\nflow:\n  max_flows: 1024\n"
                + "engine:\n  thresholds:\n    block: 1.0\n");
        Run r = replay(dir.resolve("eve.json"), "--config", cfg.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(2, ofType(r.records(), "stats").get(0).get("impacket_sensor").get("workers").size());
        assertFalse(ofType(r.records(), "alert").isEmpty());
        for (JsonNode a : ofType(r.records(), "alert")) {
            assertEquals("allowed", a.get("alert").get("action").asText(), "block threshold 1.0: nobody blocked");
        }
        assertTrue(r.err().contains("blocked     -"), r.err());

        Files.writeString(cfg, "engine:\n  thresholds:\n    block: 1.5\n");
        Run bad = replay(dir.resolve("eve2.json"), "--config", cfg.toString());
        assertEquals(Main.EXIT_USAGE, bad.code());
        assertTrue(bad.err().contains("engine.thresholds.block"), bad.err());
    }
}
