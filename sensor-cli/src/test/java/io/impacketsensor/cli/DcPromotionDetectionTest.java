package io.impacketsensor.cli;

import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A new domain controller's first replication is not DCSync. The lab capture (sensor-core's
 * pcaps-fixtures/README.md: Samba dc2, 10.99.0.4, joins lab.test with {@code samba-tool domain join
 * ... DC} against dc1, 10.99.0.1, while Impacket secretsdump -just-dc runs from 10.99.0.2): dc2 binds
 * DRSUAPI and calls IDL_DRSAddEntry, which dc1 answers, before its first DRSGetNCChanges; the attacker
 * goes straight to DRSGetNCChanges.
 */
class DcPromotionDetectionTest {

    /** Sources of the alerts of one attack type (every action level). */
    private static Set<String> sourcesOf(CaptureDetection.Result r, String type) {
        Set<String> out = new TreeSet<>();
        for (Alert a : r.alerts()) {
            if (a.analysis().attackType().id().equals(type)) {
                out.add(a.header().clientIp().getHostAddress());
            }
        }
        return out;
    }

    /** Names of the rules that alerts of {@code source} quote (every action level). */
    private static Set<String> signaturesOf(CaptureDetection.Result r, String source) {
        Set<String> out = new TreeSet<>();
        for (Alert a : r.alerts()) {
            if (a.header().clientIp().getHostAddress().equals(source)) {
                out.addAll(a.analysis().matchedSignatures());
            }
        }
        return out;
    }

    private static CaptureDetection.Result run(String fixture) throws Exception {
        Path pcap = Captures.fixture(fixture);
        assertTrue(Files.isRegularFile(pcap), pcap.toString());
        CaptureDetection.Result r = CaptureDetection.run(pcap, CaptureConfig.DEFAULTS, EngineConfig.defaults());
        assertNull(r.failure());
        return r;
    }

    /**
     * The promotion evasion: the same capture with dc2's address rewritten to the attacker's
     * (pcaps-fixtures/README.md), so one host has dc1 answer its IDL_DRSAddEntry, starts replicating,
     * then runs secretsdump -just-dc. The host is a DC only provisionally, and secretsdump's
     * DsGetDomainControllerInfo/DsCrackNames before DRSGetNCChanges is not how a first replication pulls.
     */
    @Test
    void aHostPassingAsANewDcIsStillCaughtPullingSecretsTheDcsyncWay() throws Exception {
        CaptureDetection.Result r = run("lab_dc_promotion_evasion.pcap");
        assertTrue(sourcesOf(r, "dcsync").contains("10.99.0.2"), r.alerts().toString());
        Set<String> sigs = signaturesOf(r, "10.99.0.2");
        assertTrue(sigs.contains("dcsync_after_promotion"), sigs.toString());
        assertFalse(sigs.contains("dcsync"), "the host is a (provisional) DC: the plain non-DC rule stays quiet " + sigs);
    }

    /**
     * Three hosts promoted within 20 minutes (dc2's join, readdressed to 10.99.0.5 and 10.99.0.6 and
     * shifted by 10 and 20 minutes): the first two are learned, the third is past the cap.
     */
    @Test
    void pastThePromotionCapTheHostIsRefusedAndItsReplicationIsDcsync() throws Exception {
        CaptureDetection.Result r = run("lab_dc_promotion_cap.pcap");
        Set<String> dcsync = sourcesOf(r, "dcsync");
        assertFalse(dcsync.contains("10.99.0.4"), r.alerts().toString());
        assertFalse(dcsync.contains("10.99.0.5"), r.alerts().toString());
        assertTrue(dcsync.contains("10.99.0.6"), r.alerts().toString());
        Set<String> sigs = signaturesOf(r, "10.99.0.6");
        assertTrue(sigs.contains("dc_promotion_refused") && sigs.contains("dcsync"), sigs.toString());
    }

    @Test
    void joiningDcReplicatesWithoutDcsyncWhileTheAttackerIsStillDcsync() throws Exception {
        Path pcap = Captures.fixture("lab_dc2_join_dcsync.pcap");
        assertTrue(Files.isRegularFile(pcap), pcap.toString());
        CaptureDetection.Result r = CaptureDetection.run(pcap, CaptureConfig.DEFAULTS, EngineConfig.defaults());
        assertNull(r.failure());
        Set<String> dcsync = sourcesOf(r, "dcsync");
        assertTrue(dcsync.contains("10.99.0.2"), r.alerts().toString());
        assertFalse(dcsync.contains("10.99.0.4"), r.alerts().toString());
    }
}
