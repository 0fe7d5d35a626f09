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
