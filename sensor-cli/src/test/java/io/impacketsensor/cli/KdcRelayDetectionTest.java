package io.impacketsensor.cli;

import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import io.impacketsensor.detection.model.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host that answers Kerberos by relaying it to the DC is not a DC: Impacket's kintercept.py on the
 * attacker (10.99.0.2:88, lab captures {@code atk_kintercept.*}) passes dc1's (10.99.0.1) answers on
 * to svc_web on ws01. Seen by the same sensor before the attacker's secretsdump {@code -just-dc}
 * ({@code atk_secretsdump_dcsync.pcap}, same address), the relay must not make its DRSGetNCChanges
 * replication between DCs. The captures run in order through one engine, as one sensor sees them.
 */
class KdcRelayDetectionTest {

    private record Run(CaptureDetection.Result result, Statistics stats) {
    }

    private static Run run(Path... pcaps) throws Exception {
        AtomicReference<ImpacketProtection> engine = new AtomicReference<>();
        CaptureDetection.Result r = CaptureDetection.run(List.of(pcaps), CaptureConfig.DEFAULTS, EngineConfig.defaults(),
                engine::set);
        assertNull(r.failure());
        return new Run(r, engine.get().getStatistics());
    }

    private static List<Alert> dcsyncFrom(CaptureDetection.Result r, String source) {
        return r.alerts().stream().filter(a -> a.analysis().attackType().id().equals("dcsync")
                && a.header().clientIp().getHostAddress().equals(source)).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"atk_kintercept.i014.pcap", "atk_kintercept.i010.pcap"})
    void aKerberosRelayIsNotTrustedToReplicate(String kintercept) throws Exception {
        Run run = run(Captures.lab(kintercept), Captures.lab("atk_secretsdump_dcsync.pcap"));
        List<Alert> dcsync = dcsyncFrom(run.result(), "10.99.0.2");
        assertFalse(dcsync.isEmpty(), run.result().alerts().toString());
        assertTrue(dcsync.stream().anyMatch(a -> a.analysis().indicators().stream().anyMatch(
                i -> i.contains("relayed from the KDC 10.99.0.1"))), dcsync.toString());
        assertEquals(1L, run.stats().kdcRelays());
        assertEquals(1L, run.stats().dcsLearned().get("kerberos"), "dc1 only: " + run.stats().dcsLearned());
    }

    @Test
    void aKdcAnsweringItselfIsStillLearnedAndReplicates() throws Exception {
        // getTGT.py's AS exchange answered by dc2 (10.99.0.4) itself, then dc2's replication from dc1.
        Run run = run(Captures.fixture("lab_kdc_as_dc2.pcap"), Captures.fixture("lab_dc2_replication.pcap"));
        assertTrue(dcsyncFrom(run.result(), "10.99.0.4").isEmpty(), run.result().alerts().toString());
        assertEquals(0L, run.stats().kdcRelays());
        assertEquals(1L, run.stats().dcsLearned().get("kerberos"), run.stats().dcsLearned().toString());
    }
}
