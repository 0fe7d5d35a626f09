package io.impacketsensor.detection.rules;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The build converts the YAML rule resources to JSON; what the engine reads must be that YAML. */
class ResourceConverterTest {
    /** The module's resource sources (surefire runs in the module folder). */
    private static final Path SOURCES = Path.of("src", "main", "resources");

    @Test
    void everyRuleResourceIsConvertedAndCurrent() throws Exception {
        List<Path> yaml = ResourceConverter.yamlFiles(SOURCES);
        assertTrue(yaml.stream().anyMatch(p -> p.endsWith(Path.of("rules", "catalog.yaml"))), yaml.toString());
        for (Path f : yaml) {
            String name = "/" + SOURCES.relativize(f).toString().replace('\\', '/');
            String source = Files.readString(f, StandardCharsets.UTF_8);
            String expected = ResourceConverter.convert(source, name);
            try (InputStream in = getClass().getResourceAsStream(ResourceConverter.jsonName(name))) {
                assertNotNull(in, ResourceConverter.jsonName(name) + " missing: the build converts it in process-classes"
                        + " (mvn -pl detection-engine process-classes)");
                assertEquals(expected, new String(in.readAllBytes(), StandardCharsets.UTF_8),
                        ResourceConverter.jsonName(name) + " is stale: rebuild (mvn -pl detection-engine process-classes)");
            }
            // The engine's reading of the converted form equals reading the YAML, node by node, lines included.
            YamlDoc fromYaml = YamlDoc.parse(source, name.substring(1));
            YamlDoc fromJson = YamlDoc.resource(name);
            sameTree(fromYaml, fromYaml.root(), fromJson, fromJson.root());
        }
    }

    @Test
    void builtinCatalogFromTheConvertedFormEqualsTheYaml() throws Exception {
        String yaml = Files.readString(SOURCES.resolve("rules/catalog.yaml"), StandardCharsets.UTF_8);
        RuleCatalog fromYaml = RuleCatalog.parse(yaml, "rules/catalog.yaml");
        RuleCatalog builtin = RuleCatalog.builtin();
        assertEquals(fromYaml.rules().size(), builtin.rules().size());
        for (int i = 0; i < builtin.rules().size(); i++) {
            assertEquals(fromYaml.rules().get(i).toString(), builtin.rules().get(i).toString());
        }
        assertEquals(fromYaml.dataRules().size(), builtin.dataRules().size());
    }

    /** Keys no reader knows yet, nesting, block text and flow lists all survive, on their lines. */
    @Test
    void conversionIsGenericAndKeepsLines() {
        String yaml = """
                # a comment
                rules:
                  - sid: 9000201
                    new_key: {nested: [1, 2.5, true, null], deeper: {x: "y"}}
                    text: |
                      two
                      lines
                    after: 'quoted: yes'
                table:
                  smbexec: [first, second]
                """;
        String json = ResourceConverter.convert(yaml, "t.yaml");
        YamlDoc a = YamlDoc.parse(yaml, "t.yaml");
        YamlDoc b = YamlDoc.parseJson(json, "t.yaml");
        sameTree(a, a.root(), b, b.root());
        assertEquals("t.yaml:4", b.at(b.root().get("rules").get(0).get("new_key").get("nested")));
        assertEquals("t.yaml:8", b.at(b.root().get("rules").get(0).get("after")));
        assertEquals("two\nlines\n", b.root().get("rules").get(0).get("text").asText());
        assertEquals("t.yaml:10", b.at(b.root().get("table").get("smbexec").get(1)));
    }

    @Test
    void badYamlFailsTheConversion() {
        assertEquals("t.yaml:3: only one YAML document is allowed",
                assertThrows(RuleException.class, () -> ResourceConverter.convert("a: 1\n---\nb: 2\n", "t.yaml")).getMessage());
        String dup = assertThrows(RuleException.class, () -> ResourceConverter.convert("a: 1\na: 2\n", "t.yaml")).getMessage();
        assertTrue(dup.startsWith("t.yaml: ") && dup.contains("Duplicate field 'a'"), dup);
        assertThrows(IllegalArgumentException.class, () -> ResourceConverter.jsonName("/rules/x.yml"));
    }

    private static void sameTree(YamlDoc da, JsonNode a, YamlDoc db, JsonNode b) {
        assertEquals(a.getNodeType(), b.getNodeType(), da.at(a));
        assertEquals(da.at(a), db.at(b));
        if (a.isContainerNode()) {
            assertEquals(a.size(), b.size(), da.at(a));
            if (a.isArray()) {
                for (int i = 0; i < a.size(); i++) {
                    sameTree(da, a.get(i), db, b.get(i));
                }
            } else {
                Iterator<String> ka = a.fieldNames();
                Iterator<String> kb = b.fieldNames();
                while (ka.hasNext()) {
                    String k = ka.next();
                    assertEquals(k, kb.next(), da.at(a));
                    sameTree(da, a.get(k), db, b.get(k));
                }
                assertFalse(kb.hasNext());
            }
        } else {
            assertEquals(a, b, da.at(a));
        }
    }
}
