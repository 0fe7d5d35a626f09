package io.impacketsensor.cli;

import io.impacketsensor.detection.model.Analysis;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden tests through the real pipeline and engine for every lab capture (our own Impacket lab,
 * ../shared/pcaps/lab; the copies and the MANIFEST.tsv live in sensor-core's test resources
 * under {@code pcaps/lab/} and reach this module through sensor-core's test-jar): a capture with a
 * required attack type raises it, a {@code none} capture raises no alert at all, and every alert
 * carries indicators, ATT&CK ids, recommendations and an action matching its confidence.
 */
class LabGoldenTest {
    @TempDir
    static Path dir;

    @TestFactory
    List<DynamicTest> everyLabCaptureMeetsItsManifestRequirement() throws Exception {
        Path manifest = copy("MANIFEST.tsv");
        List<EvaluateCommand.Entry> entries = EvaluateCommand.readManifest(manifest);
        assertTrue(entries.size() >= 49, "lab manifest rows: " + entries.size());
        List<DynamicTest> tests = new ArrayList<>();
        for (EvaluateCommand.Entry e : entries) {
            tests.add(DynamicTest.dynamicTest(e.file() + " -> " + e.expected(), () -> check(e)));
        }
        return tests;
    }

    private static void check(EvaluateCommand.Entry e) throws Exception {
        check(e, copy(e.file()));
    }

    /** Replays {@code pcap} through the pipeline and a fresh engine and asserts the manifest requirement of {@code e}. */
    static void check(EvaluateCommand.Entry e, Path pcap) throws Exception {
        CaptureDetection.Result r = CaptureDetection.run(pcap, CaptureConfig.DEFAULTS, EngineConfig.defaults());
        assertNull(r.failure());
        Set<String> raised = new LinkedHashSet<>();
        for (Alert a : r.alerts()) {
            raised.add(a.analysis().attackType().id());
            Analysis an = a.analysis();
            assertFalse(an.indicators().isEmpty(), a.toString());
            assertFalse(an.mitreTechniques().isEmpty(), a.toString());
            assertFalse(an.recommendations().isEmpty(), a.toString());
            assertTrue(an.confidence() >= 0.5, "alerts start at the alert threshold: " + an);
            assertEquals(an.confidence() >= 0.7 ? "block" : "alert", an.action().id(), an.toString());
            assertNotNull(a.header());
        }
        EvaluateCommand.Verdict v = EvaluateCommand.verdict(e.expected(), raised);
        assertTrue(v == EvaluateCommand.Verdict.DETECTED || v == EvaluateCommand.Verdict.SILENT
                || v == EvaluateCommand.Verdict.NO_REQUIREMENT, e.file() + ": expected " + e.expected() + ", raised "
                + raised + " -> " + v);
    }

    private static Path copy(String name) throws Exception {
        Path target = dir.resolve(name);
        if (!Files.exists(target)) {
            try (InputStream in = LabGoldenTest.class.getResourceAsStream("/pcaps/lab/" + name)) {
                assertNotNull(in, "test resource /pcaps/lab/" + name + " (sensor-core test-jar)");
                Files.copy(in, target);
            }
        }
        return target;
    }
}
