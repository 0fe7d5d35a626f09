package io.impacketsensor.cli;

import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.RuleCatalog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/coverage.yaml says what the sensor detects of every Impacket example; these checks keep it
 * honest: the rules it names exist and belong to the row's attack types, the captures it names are
 * lab captures, and a {@code detected} row's captures really raise its attack types and fire its
 * rules when replayed through the pipeline and engine. The page docs/coverage.md is its rendering.
 */
class CoverageTableTest {
    private static final Path ROOT = Path.of("..");
    private static CoverageTable.Table table;
    private static Map<String, String> manifest;

    @BeforeAll
    static void read() throws Exception {
        table = CoverageTable.read(ROOT.resolve("docs/coverage.yaml"));
        manifest = new HashMap<>();
        for (EvaluateCommand.Entry e : EvaluateCommand.readManifest(Captures.lab("MANIFEST.tsv"))) {
            manifest.put(e.file(), e.expected());
        }
    }

    @Test
    void pageIsTheRenderingOfTheDataFile() throws Exception {
        String committed = Files.readString(ROOT.resolve(DocsReference.COVERAGE), StandardCharsets.UTF_8);
        String part = DocsReference.generatedPart(committed);
        assertNotNull(part, "docs/coverage.md lacks the generated:begin/end markers");
        assertEquals(CoverageTable.render(table), part,
                "docs/coverage.md is stale; regenerate it (from the checkout) with: " + DocsReference.REGENERATE);
    }

    @Test
    void everyExampleScriptHasOneRowWithAReasonOrASignal() {
        Set<String> seen = new HashSet<>();
        for (CoverageTable.Row r : table.rows()) {
            assertTrue(seen.add(r.script()), "two rows for " + r.script());
            assertTrue(r.script().endsWith(".py"), r.script());
            assertFalse(r.wire().isBlank(), r.script());
            switch (r.verdict()) {
                case DETECTED -> {
                    assertNotNull(r.signal(), r.script() + ": a detected script says which signal it rests on");
                    assertFalse(r.rules().isEmpty() || r.captures().isEmpty(), r.script());
                }
                case OFFLINE -> assertTrue(r.rules().isEmpty() && r.captures().isEmpty() && r.attackTypes().isEmpty(),
                        r.script() + ": an offline script has nothing on the wire to detect");
                default -> assertNotNull(r.reason(), r.script() + ": " + r.verdict().id + " needs a reason");
            }
        }
        // fortra/impacket's examples/ at the pinned commit.
        assertEquals(70, table.rows().size());
    }

    @Test
    void rulesAndAttackTypesExistAndBelongTogether() {
        RuleCatalog catalog = RuleCatalog.builtin();
        for (CoverageTable.Row r : table.rows()) {
            for (String a : r.attackTypes()) {
                assertNotNull(AttackType.byId(a), r.script() + ": unknown attack type " + a);
            }
            for (String name : r.rules()) {
                Rule rule = catalog.byName(name);
                assertNotNull(rule, r.script() + ": no rule " + name + " in the catalog");
                assertTrue(r.attackTypes().contains(rule.attackType().id()),
                        r.script() + ": rule " + name + " raises " + rule.attackType().id() + ", not one of " + r.attackTypes());
            }
        }
    }

    @Test
    void capturesAreLabCaptures() {
        for (CoverageTable.Row r : table.rows()) {
            r.captures().values().forEach(files -> files.forEach(f ->
                    assertTrue(manifest.containsKey(f), r.script() + ": " + f + " is not in the lab MANIFEST")));
        }
    }

    /** A detected row's captures, replayed, raise one of its attack types and fire every rule it names. */
    @TestFactory
    List<DynamicTest> detectedRowsAreProvenByTheirCaptures() {
        List<DynamicTest> tests = new ArrayList<>();
        for (CoverageTable.Row r : table.rows()) {
            if (r.verdict() != CoverageTable.Verdict.DETECTED) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(r.script(), () -> {
                Set<String> raised = new HashSet<>();
                Set<String> fired = new HashSet<>();
                boolean required = false;
                for (List<String> files : r.captures().values()) {
                    for (String f : files) {
                        required |= Arrays.stream(manifest.get(f).split("[&|]")).anyMatch(r.attackTypes()::contains);
                        CaptureDetection.Result res = CaptureDetection.run(Captures.lab(f), CaptureConfig.DEFAULTS,
                                EngineConfig.defaults());
                        assertNull(res.failure(), f);
                        for (Alert a : res.alerts()) {
                            raised.add(a.analysis().attackType().id());
                        }
                        res.ruleHits().forEach((rule, n) -> {
                            if (n > 0) {
                                fired.add(rule.name());
                            }
                        });
                    }
                }
                assertTrue(required, r.script() + ": no capture's MANIFEST requires one of " + r.attackTypes());
                assertTrue(r.attackTypes().stream().anyMatch(raised::contains),
                        r.script() + ": raised " + raised + ", none of " + r.attackTypes());
                for (String rule : r.rules()) {
                    assertTrue(fired.contains(rule), r.script() + ": rule " + rule + " did not fire on " + r.captures());
                }
            }));
        }
        assertFalse(tests.isEmpty());
        return tests;
    }
}
