package io.impacketsensor.detection;

import com.fasterxml.jackson.databind.JsonNode;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.eve.EveAlertWriter;
import io.impacketsensor.detection.model.Action;
import io.impacketsensor.detection.model.Analysis;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.Severity;
import io.impacketsensor.detection.model.Statistics;
import io.impacketsensor.detection.response.BlocklistStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The specification's examples as written ({@code samples/specification-examples.jsonl}) reach the
 * confidences it states ({@code samples/specification-examples.expected.tsv}) through the Java API.
 */
class SpecificationExamplesTest {
    static final Path EXAMPLES = Path.of("..", "samples", "specification-examples.jsonl");
    static final Path EXPECTED = Path.of("..", "samples", "specification-examples.expected.tsv");

    /** One expectation: line, attack type id ("none"), comparison and bound. */
    record Expectation(int line, String attackType, String op, double bound, String what) {
        void check(String type, double confidence) {
            String at = "line " + line + " (" + what + "): " + type + " " + confidence;
            if (!"none".equals(attackType)) {
                assertEquals(attackType, type, at);
            }
            switch (op) {
                case ">=" -> assertTrue(confidence >= bound, at);
                case "<" -> assertTrue(confidence < bound, at);
                case "=" -> assertEquals(bound, confidence, 1e-9, at);
                default -> throw new IllegalArgumentException(op);
            }
        }
    }

    static List<Expectation> expectations() throws IOException {
        List<Expectation> l = new ArrayList<>();
        for (String s : Files.readAllLines(EXPECTED)) {
            if (s.isBlank() || s.startsWith("#")) {
                continue;
            }
            String[] f = s.split("\t");
            String c = f[2];
            int n = c.startsWith(">=") ? 2 : 1;
            l.add(new Expectation(Integer.parseInt(f[0]), f[1], c.substring(0, n), Double.parseDouble(c.substring(n)), f[3]));
        }
        return l;
    }

    @Test
    void everyExampleReachesTheStatedConfidence() throws Exception {
        List<String> lines = Files.readAllLines(EXAMPLES);
        ImpacketProtection p = new ImpacketProtection(EngineConfig.defaults(), BlocklistStore.NONE,
                () -> 1_768_464_000_000_000_000L);
        ByteArrayOutputStream eve = new ByteArrayOutputStream();
        EveAlertWriter writer = new EveAlertWriter(eve);
        p.setAlertSink(writer);
        List<AnalysisResult> results = new ArrayList<>();
        for (String line : lines) {
            results.add(p.analyzeNetworkEvent(NetworkEvent.fromJson(line)));
        }
        List<Expectation> exp = expectations();
        assertEquals(11, exp.size());
        for (Expectation e : exp) {
            Analysis a = results.get(e.line() - 1).analysis();
            e.check(a.attackTypeId(), a.confidence());
        }
        Analysis dump = results.get(15).analysis();
        assertEquals(Severity.CRITICAL, dump.severity(), "secretsdump 1.0 is critical");
        assertEquals(Action.BLOCK, dump.action());
        assertFalse(results.get(17).isAttack());

        // get_statistics(), named as the specification: events submitted, not the typed sub-events.
        Statistics st = p.getStatistics();
        assertEquals(lines.size(), st.totalEvents());
        assertTrue(st.engineEvents() > st.totalEvents(), "flat events map to several typed events");
        assertEquals(9, st.attacksDetected());
        assertEquals(2, st.smbAttacks(), "psexec and secretsdump");
        assertEquals(1, st.kerberosAttacks());
        assertEquals(1, st.ntlmRelayAttempts());
        assertEquals(1, st.secretDumps());

        writer.writeStats(1_768_464_100_000_000_000L, st);
        writer.flush();
        List<JsonNode> records = EveSchema.validate(eve.toString(StandardCharsets.UTF_8));
        JsonNode det = records.get(records.size() - 1).get("impacket_sensor").get("detection");
        assertEquals(lines.size(), det.get("total_events").asLong());
        assertEquals(st.engineEvents(), det.get("engine_events").asLong());
        assertEquals(9, det.get("attacks_detected").asLong());
        assertEquals(2, det.get("smb_attacks").asLong());
        assertEquals(1, det.get("kerberos_attacks").asLong());
        assertEquals(1, det.get("ntlm_relay_attempts").asLong());
        assertEquals(1, det.get("secret_dumps").asLong());
        assertFalse(det.has("events"));
    }

    /** The near misses of the specification's conditions stay below them (synthetic events). */
    @Test
    void nearMissesStayBelowTheStatedConfidences() {
        ImpacketProtection p = new ImpacketProtection(EngineConfig.defaults(), BlocklistStore.NONE,
                () -> 1_768_464_000_000_000_000L);
        // One account from two addresses, but with MIC and signing (a roaming user): no relay block.
        p.analyzeNetworkEvent(NetworkEvent.fromJson("{\"source_ip\":\"10.40.0.1\",\"protocol\":\"NTLM\","
                + "\"username\":\"CORP\\\\alice\"}"));
        AnalysisResult roam = p.analyzeNetworkEvent(NetworkEvent.fromJson("{\"source_ip\":\"10.40.0.2\","
                + "\"protocol\":\"NTLM\",\"username\":\"CORP\\\\alice\"}"));
        assertTrue(roam.analysis().confidence() < 0.5, roam.analysis().toString());
        // Six service tickets with AES: no Kerberoasting.
        AnalysisResult aes = null;
        for (int i = 0; i < 6; i++) {
            aes = p.analyzeNetworkEvent(NetworkEvent.builder("10.40.0.3", NetworkEvent.Protocol.KERBEROS)
                    .ticketType("TGS").username("svc").servicePrincipal("MSSQLSvc/db" + i + ".corp.local:1433")
                    .encryptionType(18).build());
        }
        assertFalse(aes.isAttack(), aes.analysis().toString());
        // A presence test outside the OR is an ordinary filter, not the injection shape.
        AnalysisResult ldap = p.analyzeNetworkEvent(NetworkEvent.builder("10.40.0.4", NetworkEvent.Protocol.LDAP)
                .ldapFilter("(&(objectClass=*)(|(cn=jdoe)(mail=jdoe@corp.local)))").build());
        assertFalse(ldap.isAttack(), ldap.analysis().toString());
        // A hive saved but never read back is strong evidence, not yet the evidenced extraction (1.0).
        p.analyzeNetworkEvent(NetworkEvent.builder("10.40.0.5", NetworkEvent.Protocol.RPC).interfaceUuid("winreg")
                .operation("OpenLocalMachine").build());
        AnalysisResult saved = p.analyzeNetworkEvent(NetworkEvent.builder("10.40.0.5", NetworkEvent.Protocol.RPC)
                .interfaceUuid("winreg").operation("BaseRegSaveKey").path("SAM").command("..\\Temp\\abcdefgh.tmp")
                .build());
        assertEquals(AttackType.SECRETSDUMP, saved.analysis().attackType());
        assertTrue(saved.analysis().confidence() < 1.0, saved.analysis().toString());
    }

    /** secretsdump -use-vss: NTDS.DIT copied out of a shadow copy by a service, then read back (synthetic). */
    @Test
    void ntdsExtractionThroughAShadowCopyIsEvidencedExtraction() {
        ImpacketProtection p = new ImpacketProtection(EngineConfig.defaults(), BlocklistStore.NONE,
                () -> 1_768_464_000_000_000_000L);
        p.analyzeNetworkEvent(NetworkEvent.builder("10.41.0.1", NetworkEvent.Protocol.SMB).destIp("10.41.0.10")
                .eventType("service_creation").serviceName("RDMSvXQa").binaryPath("%COMSPEC% /C copy "
                        + "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\Windows\\NTDS\\ntds.dit "
                        + "%SYSTEMROOT%\\Temp\\tPqWzXcV.tmp & vssadmin delete shadows /for=C: /quiet").build());
        AnalysisResult read = p.analyzeNetworkEvent(NetworkEvent.builder("10.41.0.1", NetworkEvent.Protocol.SMB)
                .destIp("10.41.0.10").eventType("file_read").share("ADMIN$").path("\\Temp\\tPqWzXcV.tmp").build());
        assertEquals(AttackType.SECRETSDUMP, read.analysis().attackType());
        assertEquals(1.0, read.analysis().confidence(), 1e-9);
        assertEquals(Severity.CRITICAL, read.analysis().severity());
    }

    @Test
    void typedEventsCountOnceEach() {
        Harness h = new Harness();
        h.feed(h.rpc("10.30.0.2", "10.30.0.1", 0, "svcctl", io.impacketsensor.detection.engine.RpcCatalog.SVCCTL, 15,
                null));
        Statistics st = h.engine.getStatistics();
        assertEquals(1, st.totalEvents());
        assertEquals(1, st.engineEvents());
    }

    @Test
    void dcomClassTakesANameOrACLSIDAndRejectsOthers() {
        NetworkEvent byName = NetworkEvent.fromJson("{\"source_ip\":\"10.0.0.1\",\"protocol\":\"RPC\","
                + "\"dcom_class\":\"mmc20.application\"}");
        NetworkEvent byClsid = NetworkEvent.fromJson("{\"source_ip\":\"10.0.0.1\",\"protocol\":\"RPC\","
                + "\"dcom_class\":\"{49B2791A-B1AE-4C90-9B8E-E860BA07F889}\"}");
        assertEquals(byName.dcomClass(), byClsid.dcomClass());
        NetworkEventException ex = org.junit.jupiter.api.Assertions.assertThrows(NetworkEventException.class,
                () -> NetworkEvent.fromJson("{\"source_ip\":\"10.0.0.1\",\"protocol\":\"RPC\",\"dcom_class\":\"Paint\"}"));
        assertTrue(ex.getMessage().contains("dcom_class"), ex.getMessage());
    }

    @Test
    void anActivationAloneOfAnOrdinaryClassIsNoAttack() {
        ImpacketProtection p = new ImpacketProtection();
        AnalysisResult r = p.analyzeNetworkEvent(NetworkEvent.fromJson("{\"source_ip\":\"10.0.0.1\",\"dest_ip\":"
                + "\"10.0.0.2\",\"protocol\":\"RPC\",\"interface_uuid\":\"IRemUnknown2\",\"dcom_class\":\"WbemLevel1Login\"}"));
        assertFalse(r.isAttack(), r.analysis().toString());
        AnalysisResult plain = p.analyzeNetworkEvent(NetworkEvent.fromJson("{\"source_ip\":\"10.0.0.3\",\"dest_ip\":"
                + "\"10.0.0.2\",\"protocol\":\"RPC\",\"interface_uuid\":\"IRemUnknown2\"}"));
        assertFalse(plain.isAttack());
    }
}
