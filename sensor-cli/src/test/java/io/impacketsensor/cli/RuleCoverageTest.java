package io.impacketsensor.cli;

import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.NetworkEvent;
import io.impacketsensor.detection.SelfTest;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.RuleCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every rule of the built-in catalog is exercised: the lab and public captures (and the fixtures
 * derived from lab captures for the DC-promotion bounds) go through the real pipeline, the selftest scripts and the specification's flat examples through the library, then
 * the typed-event scenarios of detection-engine for the rules none of those raises; the rules that
 * fired are collected from the engines' per-rule counters. A rule that none of them raises is dead
 * or untested, and fails this test by name.
 */
class RuleCoverageTest {
    @TempDir
    static Path dir;

    @Test
    void everyCatalogRuleFiresOnARealCaptureOrAScript() throws Exception {
        TreeSet<String> fired = new TreeSet<>();
        for (String set : List.of("lab/MANIFEST.tsv", "public/GOLDEN.tsv")) {
            String base = set.substring(0, set.indexOf('/') + 1);
            for (EvaluateCommand.Entry e : EvaluateCommand.readManifest(copy(set))) {
                CaptureDetection.Result r = CaptureDetection.run(copy(base + e.file()), CaptureConfig.DEFAULTS,
                        EngineConfig.defaults());
                assertNull(r.failure(), e.file());
                collect(r.ruleHits(), fired);
            }
        }
        // The rules on what the server's answers alone carry need a copy without the client's side: the
        // lab captures as a mirror of the servers' direction only (evaluate --perturb one-way:server).
        Perturbation serverOnly = Perturbation.parse("one-way:server");
        for (String set : List.of("lab/MANIFEST.tsv", "public/GOLDEN.tsv")) {
            String base = set.substring(0, set.indexOf('/') + 1);
            for (EvaluateCommand.Entry e : EvaluateCommand.readManifest(copy(set))) {
                CaptureDetection.Result r = CaptureDetection.run(List.of(copy(base + e.file())), CaptureConfig.DEFAULTS,
                        EngineConfig.defaults(), p -> { }, serverOnly, 1);
                assertNull(r.failure(), e.file() + " one-way:server");
                collect(r.ruleHits(), fired);
            }
        }
        // Fixtures derived from lab captures for the rules only a combination of captures shows
        // (pcaps-fixtures/README.md): the DC-promotion bounds.
        for (String f : List.of("lab_dc_promotion_evasion.pcap", "lab_dc_promotion_cap.pcap")) {
            CaptureDetection.Result r = CaptureDetection.run(io.impacketsensor.core.testkit.Captures.fixture(f),
                    CaptureConfig.DEFAULTS, EngineConfig.defaults());
            assertNull(r.failure(), f);
            collect(r.ruleHits(), fired);
        }
        SelfTest st = new SelfTest(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        st.run(null);
        collect(st.ruleHits(), fired);
        ImpacketProtection p = new ImpacketProtection();
        for (String line : Files.readAllLines(SpecificationSeedTest.EXAMPLES)) {
            p.analyzeNetworkEvent(NetworkEvent.fromJson(line));
        }
        collect(p.ruleHits(), fired);
        // Typed-event scenarios (detection-engine's test-jar) for rules no capture or script raises.
        collect(io.impacketsensor.detection.RuleScenarios.runAll(), fired);

        List<String> never = new ArrayList<>();
        int sensorRules = 0;
        for (Rule r : RuleCatalog.builtin().rules()) {
            // Fleet rules are raised by the correlator over several sensors' events, never by one
            // engine: sensor-fleet's CorrelatorTest raises each against a broker.
            if ("fleet".equals(r.layer())) {
                continue;
            }
            sensorRules++;
            if (!fired.contains(r.name())) {
                never.add(r.sid() + " " + r.name());
            }
        }
        assertTrue(never.isEmpty(), never.size() + " catalog rules never fired in any capture, script or scenario: "
                + never);
        assertEquals(sensorRules, fired.size());
    }

    private static void collect(Map<Rule, Long> hits, TreeSet<String> fired) {
        for (Map.Entry<Rule, Long> e : hits.entrySet()) {
            if (e.getValue() > 0 && !"local".equals(e.getKey().layer())) {
                fired.add(e.getKey().name());
            }
        }
    }

    private static Path copy(String name) throws Exception {
        Path target = dir.resolve(name);
        if (!Files.exists(target)) {
            Files.createDirectories(target.getParent());
            try (InputStream in = RuleCoverageTest.class.getResourceAsStream("/pcaps/" + name)) {
                assertNotNull(in, "test resource /pcaps/" + name + " (sensor-core test-jar)");
                Files.copy(in, target);
            }
        }
        return target;
    }
}
