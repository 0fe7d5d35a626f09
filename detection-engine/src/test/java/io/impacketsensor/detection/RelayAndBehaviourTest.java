package io.impacketsensor.detection;

import com.fasterxml.jackson.databind.JsonNode;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.detection.config.EngineConfigLoader;
import io.impacketsensor.detection.model.Action;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.Statistics;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layer 5 (NTLM relay correlation) and layer 4 (behaviour windows, memory bounds). Synthetic events. */
class RelayAndBehaviourTest {
    static final String VICTIM = "10.6.0.21";
    static final String RELAY = "10.6.0.66";
    static final String TARGET = "10.6.0.10";
    static final byte[] CHALLENGE = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88};

    @Test
    void sameServerChallengeOnTwoConnectionsNamesTheRelayHost() throws Exception {
        Harness h = new Harness();
        // ntlmrelayx: the target's challenge (relay as client) is forwarded to the victim (relay as server).
        h.feed(h.challenge(h.hf(1, RELAY, TARGET, 445, 0), CHALLENGE));
        AnalysisResult r = h.feed(h.challenge(h.hf(2, VICTIM, RELAY, 445, 0), CHALLENGE));
        assertTrue(r.isAttack());
        assertEquals(AttackType.NTLM_RELAY, r.analysis().attackType());
        assertEquals(RELAY, r.analysis().sourceIp());
        assertTrue(r.analysis().confidence() >= 0.9);
        List<JsonNode> alerts = h.alerts();
        JsonNode last = alerts.get(alerts.size() - 1);
        assertEquals(RELAY, last.get("src_ip").textValue(), "the alert names the relay host as source");
        assertEquals(1, h.engine.getStatistics().ntlmRelayAttempts());
    }

    @Test
    void replayedProofReportedVictimSecondStillNamesTheRelayHost() {
        // Lab atk_ntlmrelayx_smb.pcap order: the relay's AUTHENTICATE to the target is answered
        // (and reported) before the relay answers the victim's.
        Harness h = new Harness();
        byte[] proof = new byte[16];
        for (int i = 0; i < 16; i++) {
            proof[i] = (byte) (i * 5 + 1);
        }
        h.feed(h.auth(h.hf(1, RELAY, TARGET, 445, 0), "LAB", "carol", "WS01", true, 2, 0xE2888215, proof, 0));
        AnalysisResult r = h.feed(h.auth(h.hf(2, VICTIM, RELAY, 445, 0), "LAB", "carol", "WS01", true, 2, 0xE2888215,
                proof, 0));
        assertTrue(r.isAttack());
        assertEquals(AttackType.NTLM_RELAY, r.analysis().attackType());
        assertEquals(RELAY, r.analysis().sourceIp(), "the victim is not the attacker");
        assertTrue(r.analysis().indicators().contains("Same NTLMv2 response on two connections: " + VICTIM
                + " authenticated to " + RELAY + ", which replayed it to " + TARGET), r.analysis().indicators().toString());
        assertTrue(h.engine.getBlockedIps().stream().noneMatch(b -> b.ip().equals(VICTIM)), "victim not blocked");
    }

    @Test
    void differentChallengesAreNotRelay() {
        Harness h = new Harness();
        h.feed(h.challenge(h.hf(1, "10.6.0.30", TARGET, 445, 0), CHALLENGE));
        byte[] other = CHALLENGE.clone();
        other[0] = 0x12;
        assertFalse(h.feed(h.challenge(h.hf(2, "10.6.0.31", TARGET, 445, 0), other)).isAttack());
    }

    @Test
    void sameNtlmv2ProofOnASecondConnection() {
        Harness h = new Harness();
        byte[] proof = new byte[16];
        for (int i = 0; i < 16; i++) {
            proof[i] = (byte) (i * 7);
        }
        h.feed(h.auth(h.hf(1, VICTIM, RELAY, 445, 0), "LAB", "alice", "WS01", true, 2, 0xE2888215, proof, 0));
        AnalysisResult r = h.feed(h.auth(h.hf(2, RELAY, TARGET, 445, 0), "LAB", "alice", "WS01", true, 2, 0xE2888215,
                proof, 0));
        assertTrue(r.isAttack());
        assertEquals(AttackType.NTLM_RELAY, r.analysis().attackType());
        assertTrue(r.analysis().indicators().stream().anyMatch(s -> s.startsWith("Same NTLMv2 response")));
    }

    @Test
    void micRemovedIsRelay() {
        Harness h = new Harness();
        AnalysisResult r = h.feed(h.auth(h.h(RELAY, TARGET, 445, 0), "LAB", "alice", "WS01", false, 2, 0x60088215,
                null, 0));
        assertTrue(r.isAttack());
        assertEquals(AttackType.NTLM_RELAY, r.analysis().attackType());
    }

    @Test
    void workstationMismatchAndOneUserFromTwoAddresses() {
        Harness h = new Harness();
        h.feed(h.auth(h.h("10.6.0.40", TARGET, 445, 0), "LAB", "carol", "WS40", true, 2, 0xE2888215, null, 0));
        AnalysisResult mismatch = h.feed(h.auth(h.h("10.6.0.40", TARGET, 445, 100), "LAB", "carol", "WS99", true, 2,
                0xE2888215, null, 0));
        assertTrue(mismatch.analysis().indicators().stream().anyMatch(s -> s.contains("does not match")),
                mismatch.analysis().toString());
        AnalysisResult twoIps = h.feed(h.auth(h.h("10.6.0.41", TARGET, 445, 101), "LAB", "carol", "WS99", true, 2,
                0xE2888215, null, 0));
        assertTrue(twoIps.analysis().indicators().stream().anyMatch(s -> s.contains("from 2 addresses")),
                twoIps.analysis().toString());
        // Monitor-level on its own: a roaming user is not blocked for this alone.
        assertFalse(twoIps.isAttack());
    }

    @Test
    void smbSessionFloodAndTwoFailures() {
        Harness h = new Harness();
        AnalysisResult r = AnalysisResult.BENIGN;
        for (int i = 0; i < 21; i++) {
            r = h.feed(new SmbEvent.SmbSessionSetup(h.h("10.6.0.50", "10.6.1." + i, 445, i), i, 1, 0, "ntlmssp", 100, 0, 0));
        }
        assertEquals(AttackType.RECONNAISSANCE, r.analysis().attackType());
        assertEquals(Action.MONITOR, r.analysis().action());
        // a user mistyping twice, then succeeding
        h.feed(h.auth(h.h("10.6.0.51", TARGET, 445, 0), "LAB", "dave", "WS51", true, 2, 0xE2888215, null, 0xC000006DL));
        h.feed(h.auth(h.h("10.6.0.51", TARGET, 445, 5), "LAB", "dave", "WS51", true, 2, 0xE2888215, null, 0xC000006DL));
        AnalysisResult ok = h.feed(h.auth(h.h("10.6.0.51", TARGET, 445, 9), "LAB", "dave", "WS51", true, 2, 0xE2888215,
                null, 0));
        assertFalse(ok.isAttack());
    }

    @Test
    void trackedSourcesAreBoundedWithLruEviction() {
        Harness h = new Harness(EngineConfigLoader.parse("engine:\n  behaviour:\n    max_tracked_ips: 100\n"));
        for (int i = 0; i < 1000; i++) {
            EventHeader hd = h.h("10.7." + (i / 250) + "." + (i % 250), TARGET, 445, i);
            h.feed(new SmbEvent.SmbCommand(hd, 13, 1, 1, "", 0));
        }
        Statistics s = h.engine.getStatistics();
        assertEquals(100, s.trackedSources());
        assertEquals(900, s.evictedSources());
        assertEquals(1000, s.totalEvents());
    }

    @Test
    void repeatedIdenticalEvidenceUpdatesOneInstanceWithoutRepeatingTheAlert() throws Exception {
        Harness h = new Harness();
        for (int i = 0; i < 5; i++) {
            h.feed(h.create("10.6.0.60", TARGET, i, "IPC$", "RemCom_communicaton", true, true));
        }
        List<JsonNode> alerts = h.alerts();
        assertEquals(1, alerts.size(), alerts.toString());
        Statistics s = h.engine.getStatistics();
        assertEquals(4, s.alertsSuppressed());
        assertEquals(1, s.attacksDetected());
    }
}
