package io.impacketsensor.detection.rules;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The build compiles the YAML rule resources; what the engine reads at start must be exactly that YAML. */
class CompiledRulesTest {
    /** The module's resource sources (surefire runs in the module folder). */
    private static final Path SOURCES = Path.of("src", "main", "resources");

    @Test
    void theCompiledResourceIsPresentAndCurrent() throws Exception {
        byte[] expected = CompiledRules.compileSources(SOURCES);
        try (InputStream in = getClass().getResourceAsStream(CompiledRules.RESOURCE)) {
            assertNotNull(in, CompiledRules.RESOURCE + " missing: the build compiles it in process-classes"
                    + " (mvn -pl detection-engine process-classes)");
            assertArrayEquals(expected, in.readAllBytes(),
                    CompiledRules.RESOURCE + " is stale: rebuild (mvn -pl detection-engine process-classes)");
        }
        assertArrayEquals(expected, CompiledRules.compileSources(SOURCES), "compiling twice gives the same bytes");
    }

    @Test
    void readingTheCompiledFormEqualsReadingTheYaml() throws Exception {
        RuleCatalog yaml = RuleCatalog.parse(source(RuleCatalog.RESOURCE), "rules/catalog.yaml");
        ChainCatalog yamlChains = ChainCatalog.parse(source(ChainCatalog.RESOURCE), "rules/chains.yaml", yaml);
        Recommendations yamlRecs = Recommendations.parse(source(Recommendations.RESOURCE), "rules/recommendations.yaml", yaml);
        CompiledRules.Builtin b = CompiledRules.builtin();

        assertEquals(yaml.inferredInterfaceFactor(), b.catalog().inferredInterfaceFactor());
        assertEquals(yaml.rules().size(), b.catalog().rules().size());
        for (int i = 0; i < yaml.rules().size(); i++) {
            // The record's text names every component (sid, rev, name, ..., mitre, description, index).
            assertEquals(yaml.rules().get(i).toString(), b.catalog().rules().get(i).toString());
        }
        assertEquals(yaml.dataRules().size(), b.catalog().dataRules().size());
        assertTrue(yaml.dataRules().size() > 100, "the catalog's data rules are compiled too");
        for (int i = 0; i < yaml.dataRules().size(); i++) {
            DataRule y = yaml.dataRules().get(i);
            DataRule c = b.catalog().dataRules().get(i);
            assertSame(b.catalog().rules().get(y.rule().index()), c.rule(), "a data rule is its catalog rule");
            assertEquals(y.indicator(), c.indicator());
            assertEquals(y.conditions().size(), c.conditions().size(), y.rule().name());
            for (int j = 0; j < y.conditions().size(); j++) {
                LocalRules.Condition yc = y.conditions().get(j);
                LocalRules.Condition cc = c.conditions().get(j);
                String at = y.rule().name() + " condition " + j;
                assertEquals(yc.toString(), cc.toString(), at);
                assertSame(yc.field(), cc.field(), at);
                assertSame(yc.op, cc.op, at);
                assertEquals(yc.negate(), cc.negate(), at);
                assertEquals(yc.text(), cc.text(), at);
                assertEquals(yc.list(), cc.list(), at);
                assertEquals(yc.number(), cc.number(), at);
                assertEquals(yc.eventKinds(), cc.eventKinds(), at);
                assertTrue(Arrays.equals(yc.interfaces(), cc.interfaces()), at);
            }
        }

        assertEquals(yamlChains.steps(), b.chains().steps());
        assertEquals(yamlChains.chains().size(), b.chains().chains().size());
        for (int i = 0; i < yamlChains.chains().size(); i++) {
            assertEquals(yamlChains.chains().get(i).toString(), b.chains().chains().get(i).toString());
        }

        assertEquals(yamlRecs.byType(), b.recommendations().byType());
        assertEquals(yamlRecs.byRule(), b.recommendations().byRule());
    }

    /** The shipped table has no per-rule entries yet; a table with some compiles them too, texts shared. */
    @Test
    void perRuleRecommendationsSurviveCompilation() throws Exception {
        RuleCatalog catalog = RuleCatalog.builtin();
        // One more rule entry, under the built-in table's own rules section when it has one.
        String builtin = source(Recommendations.RESOURCE);
        String entry = "  smbexec_output_file: [admin_shares, smb_signing]\n";
        Recommendations recs = Recommendations.parse(builtin.contains("\nrules:\n")
                ? builtin.replace("\nrules:\n", "\nrules:\n" + entry) : builtin + "rules:\n" + entry,
                "recommendations.yaml", catalog);
        assertEquals(Recommendations.parse(builtin, "recommendations.yaml", catalog).byRule().size() + 1,
                recs.byRule().size());
        CompiledRules.Builtin b = CompiledRules.read(CompiledRules.compile(catalog, ChainCatalog.builtin(), recs));
        assertEquals(recs.byType(), b.recommendations().byType());
        assertEquals(recs.byRule(), b.recommendations().byRule());
        int sid = catalog.byName("smbexec_output_file").sid();
        assertSame(b.recommendations().byRule().get(sid).get(1), b.recommendations().byType().values().stream()
                .flatMap(java.util.List::stream).filter(t -> t.startsWith("Enable and require SMB signing")).findFirst().orElseThrow(),
                "one string per text");
    }

    @Test
    void aResourceOfAnotherFormatIsRefused() throws Exception {
        byte[] good = CompiledRules.compileSources(SOURCES);
        byte[] bad = good.clone();
        bad[7]++; // the format number
        assertTrue(assertThrows(IllegalStateException.class, () -> CompiledRules.read(bad)).getMessage()
                .contains("not of this build's format"));
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertTrue(assertThrows(IllegalStateException.class, () -> CompiledRules.read(longer)).getMessage()
                .contains("trailing bytes"));
    }

    private static String source(String resource) throws Exception {
        return Files.readString(SOURCES.resolve(resource.substring(1)), StandardCharsets.UTF_8);
    }
}
