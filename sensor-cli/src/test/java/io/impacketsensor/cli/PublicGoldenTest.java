package io.impacketsensor.cli;

import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden tests through the real pipeline and engine over the third-party captures copied into
 * sensor-core's test resources ({@code pcaps/public/}, listed with their ground truth in
 * {@code pcaps/public/GOLDEN.tsv}, the rows of ../shared/pcaps/public/MANIFEST.tsv with a
 * requirement, a permissive licence and at most 1.1 MB): every benign ({@code none}) capture is
 * silent and every attack capture raises its type, except the captures in {@link #KNOWN_GAPS}.
 *
 * <p>A known gap is asserted to still miss: when a change makes one pass, this test fails until
 * the entry is removed, so the list always says exactly what the sensor cannot see yet.
 */
class PublicGoldenTest {
    /** Captures the sensor misses today, each with the reason (README "Detection matrix"). */
    static final Map<String, String> KNOWN_GAPS = Map.ofEntries(
            Map.entry("OTRF_Security-Datasets/datasets/atomic/windows/lateral_movement/network/covenant_sharpsc_query_dcerpc_smb_svcctl_2020-08-06012009.cap",
                    "ROpenSCManager2 + EnumServicesStatusW only: the same calls as the benign scapy dcerpc_privacy_ntlm capture; "
                    + "raised at monitor level (service_enum), the hunting tier"));

    @TempDir
    static Path dir;

    @Test
    void goldenListCoversBothAttackAndBenignCaptures() throws Exception {
        List<EvaluateCommand.Entry> entries = EvaluateCommand.readManifest(copy("GOLDEN.tsv"));
        long benign = entries.stream().filter(e -> e.expected().equals("none")).count();
        assertTrue(entries.size() >= 100, "golden rows: " + entries.size());
        assertTrue(benign >= 80 && entries.size() - benign >= 25, "benign " + benign + " of " + entries.size());
        Set<String> files = new HashSet<>();
        entries.forEach(e -> files.add(e.file()));
        for (String gap : KNOWN_GAPS.keySet()) {
            assertTrue(files.contains(gap), "known gap not in GOLDEN.tsv: " + gap);
        }
    }

    @TestFactory
    List<DynamicTest> everyPublicCaptureMeetsItsManifestRequirement() throws Exception {
        List<EvaluateCommand.Entry> entries = EvaluateCommand.readManifest(copy("GOLDEN.tsv"));
        List<DynamicTest> tests = new ArrayList<>();
        for (EvaluateCommand.Entry e : entries) {
            tests.add(DynamicTest.dynamicTest(e.file() + " -> " + e.expected(), () -> check(e)));
        }
        return tests;
    }

    private static void check(EvaluateCommand.Entry e) throws Exception {
        Path pcap = copy(e.file());
        String gap = KNOWN_GAPS.get(e.file());
        if (gap == null) {
            // Verdict plus the quality of every alert (indicators, ATT&CK ids, recommendations, action).
            LabGoldenTest.check(e, pcap);
            return;
        }
        CaptureDetection.Result r = CaptureDetection.run(pcap, CaptureConfig.DEFAULTS, EngineConfig.defaults());
        assertNull(r.failure());
        Set<String> raised = new LinkedHashSet<>();
        for (Alert a : r.alerts()) {
            raised.add(a.analysis().attackType().id());
        }
        EvaluateCommand.Verdict v = EvaluateCommand.verdict(e.expected(), raised);
        assertFalse(v == EvaluateCommand.Verdict.DETECTED || v == EvaluateCommand.Verdict.SILENT,
                "listed as a known gap (" + gap + ") but now " + v + ": remove it from KNOWN_GAPS. " + e.file()
                        + ": expected " + e.expected() + ", raised " + raised);
        // Every known gap is a judgement about confidence, not blindness: the hunting tier sees it.
        CaptureDetection.Result hunting = CaptureDetection.run(pcap, CaptureConfig.DEFAULTS,
                EvaluateCommand.withMinAction(EngineConfig.defaults(), "monitor"));
        Set<String> monitored = new LinkedHashSet<>();
        for (Alert a : hunting.alerts()) {
            monitored.add(a.analysis().attackType().id());
        }
        assertEquals(EvaluateCommand.Verdict.DETECTED, EvaluateCommand.verdict(e.expected(), monitored),
                e.file() + " at monitor level: expected " + e.expected() + ", raised " + monitored);
    }

    private static Path copy(String name) throws Exception {
        Path target = dir.resolve(name);
        if (!Files.exists(target)) {
            Files.createDirectories(target.getParent());
            try (InputStream in = PublicGoldenTest.class.getResourceAsStream("/pcaps/public/" + name)) {
                assertNotNull(in, "test resource /pcaps/public/" + name + " (sensor-core test-jar)");
                Files.copy(in, target);
            }
        }
        return target;
    }
}
