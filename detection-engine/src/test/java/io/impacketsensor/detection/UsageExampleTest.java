package io.impacketsensor.detection;

import com.fasterxml.jackson.databind.JsonNode;
import io.impacketsensor.detection.eve.EveAlertWriter;
import io.impacketsensor.detection.model.Action;
import io.impacketsensor.detection.model.Analysis;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.AuthAttempt;
import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.model.Severity;
import io.impacketsensor.detection.model.Statistics;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The specification's usage examples, as the README shows them. */
class UsageExampleTest {

    @Test
    void psexecEventIsAnAttackWithTheSpecifiedIndicators() throws Exception {
        ImpacketProtection protection = new ImpacketProtection();
        ByteArrayOutputStream eve = new ByteArrayOutputStream();
        EveAlertWriter writer = new EveAlertWriter(eve);
        protection.setAlertSink(writer);

        NetworkEvent event = NetworkEvent.builder("192.168.1.100", NetworkEvent.Protocol.SMB)
                .destIp("192.168.1.10")
                .eventType("service_creation")
                .share("ADMIN$")
                .path("\\PIPE\\PSEXESVC")
                .serviceName("PSEXESVC")
                .command("cmd.exe")
                .username("administrator")
                .build();
        AnalysisResult result = protection.analyzeNetworkEvent(event);

        assertTrue(result.isAttack());
        Analysis a = result.analysis();
        assertEquals(AttackType.PSEXEC, a.attackType());
        assertTrue(a.confidence() >= 0.9, "confidence " + a.confidence());
        assertEquals(Action.BLOCK, a.action());
        assertEquals(Severity.HIGH, a.severity());
        assertTrue(a.indicators().contains("Admin share access: ADMIN$"), a.indicators().toString());
        assertTrue(a.indicators().stream().anyMatch(i -> i.startsWith("Service control: CreateServiceW")), a.indicators().toString());
        assertTrue(a.indicators().stream().anyMatch(i -> i.contains("PSEXESVC") && i.contains("pipe")), a.indicators().toString());
        assertTrue(a.matchedSignatures().contains("psexec"));
        assertTrue(a.mitreTechniques().contains("T1569.002"));
        assertEquals(3, a.chain().size(), a.chain().toString());
        assertTrue(a.recommendations().stream().anyMatch(r -> r.contains("RequireSecuritySignature")));

        List<BlockEntry> blocked = protection.getBlockedIps();
        assertEquals(1, blocked.size());
        assertEquals("192.168.1.100", blocked.get(0).ip());
        assertEquals("psexec", blocked.get(0).attackType());
        assertNotNull(blocked.get(0).expiresAt());
        assertTrue(protection.unblock("192.168.1.100"));
        assertTrue(protection.getBlockedIps().isEmpty());

        Statistics st = protection.getStatistics();
        assertEquals(1, st.attacksDetected());
        assertEquals(1, st.smbAttacks());
        assertEquals(1L, st.byAttackType().get("psexec"));

        writer.writeStats(0, st);
        writer.flush();
        List<JsonNode> records = EveSchema.validate(eve.toString(StandardCharsets.UTF_8));
        JsonNode lastAlert = null;
        for (JsonNode n : records) {
            if ("alert".equals(n.get("event_type").textValue())) {
                lastAlert = n;
                assertEquals(records.get(0).get("impacket").get("instance_id"), n.get("impacket").get("instance_id"),
                        "one attack instance, updated");
            }
        }
        assertNotNull(lastAlert);
        // The engine blocked the source, but no packet filter stood behind this writer: Suricata's
        // alert.action says what happened to the traffic, impacket.action what the engine decided.
        assertEquals("allowed", lastAlert.get("alert").get("action").textValue());
        assertEquals("block", lastAlert.get("impacket").get("action").textValue());
        assertEquals("192.168.1.100", lastAlert.get("src_ip").textValue());
        // The alert is named by its strongest rule (a psexec rule of the catalog), every contributing rule listed.
        JsonNode rules = lastAlert.get("impacket").get("rules");
        assertTrue(rules.size() >= 1, lastAlert.toString());
        assertEquals(rules.get(0).get("sid").intValue(), lastAlert.get("alert").get("signature_id").intValue());
        io.impacketsensor.detection.rules.Rule top = io.impacketsensor.detection.rules.RuleCatalog.builtin()
                .bySid(rules.get(0).get("sid").intValue());
        assertNotNull(top);
        assertEquals(AttackType.PSEXEC, top.attackType());
        assertEquals(top.msg(), lastAlert.get("alert").get("signature").textValue());
        assertEquals("stats", records.get(records.size() - 1).get("event_type").textValue());
    }

    @Test
    void benignFileReadIsNotAnAttack() {
        ImpacketProtection protection = new ImpacketProtection();
        AnalysisResult r = protection.analyzeNetworkEvent(NetworkEvent.builder("10.0.0.8", NetworkEvent.Protocol.SMB)
                .share("Finance").path("\\Q3\\report.xlsx").eventType("file_read").build());
        assertFalse(r.isAttack());
        assertEquals(Action.LOG, r.analysis().action());
        assertTrue(protection.getBlockedIps().isEmpty());
    }

    @Test
    void reportedAuthAttemptsFeedTheBehaviourLayer() {
        long[] now = {1_800_000_000_000_000_000L};
        ImpacketProtection p = new ImpacketProtection(io.impacketsensor.detection.config.EngineConfig.defaults(),
                io.impacketsensor.detection.response.BlocklistStore.NONE, () -> now[0]);
        AnalysisResult r = null;
        // A spray goes wide: failures for 10 different accounts (fewer is monitor-level, see PublicCaptureRulesTest).
        for (int i = 0; i < 10; i++) {
            now[0] += 1_000_000_000L;
            r = p.reportAuthAttempt("10.9.9.9", new AuthAttempt("User" + i, "SMB", "ntlmv2", false));
        }
        assertTrue(r.isAttack());
        assertEquals(AttackType.PASSWORD_SPRAY, r.analysis().attackType());
        assertEquals(10, p.getStatistics().authAttempts());
    }
}
