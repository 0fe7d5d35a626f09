package io.impacketsensor.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generated reference pages (command line, configuration, metrics) equal what the program
 * renders now: a new option, key or metric family without a regenerated page fails here.
 */
class DocsReferenceTest {
    private static final Path ROOT = Path.of("..");

    private static void assertCurrent(String page, String generated) throws Exception {
        String committed = Files.readString(ROOT.resolve(page), StandardCharsets.UTF_8);
        String part = DocsReference.generatedPart(committed);
        assertNotNull(part, page + " lacks the generated:begin/end markers");
        assertEquals(generated, part, page + " is stale; regenerate it (from the checkout) with: "
                + DocsReference.REGENERATE);
    }

    @Test
    void cliReferenceIsEveryCommandsUsageHelp() throws Exception {
        String cli = DocsReference.cli();
        for (String command : List.of("## impacket-sensor replay", "## impacket-sensor live", "## impacket-sensor evaluate",
                "## impacket-sensor rules list", "## impacket-sensor blocklist export", "## impacket-sensor config check")) {
            assertTrue(cli.contains(command + "\n"), command);
        }
        assertCurrent(DocsReference.CLI, cli);
    }

    @Test
    void configurationReferenceIsWhatTheLoaderAccepts() throws Exception {
        List<DocsReference.Key> keys = DocsReference.configKeys(ROOT.resolve("config/impacket-sensor.yaml"));
        Map<String, DocsReference.Key> byPath = keys.stream()
                .collect(Collectors.toMap(DocsReference.Key::path, k -> k));
        // Types, ranges and values come from the loader's own refusals.
        assertEquals("integer", byPath.get("pipeline.workers").type());
        assertEquals("1 .. 64", byPath.get("pipeline.workers").range());
        assertEquals("number", byPath.get("engine.thresholds.block").type());
        assertEquals("0 .. 1", byPath.get("engine.thresholds.block").range());
        assertEquals("boolean", byPath.get("capture.promisc").type());
        assertEquals("auto, token, open", byPath.get("http.read_auth").range());
        assertEquals("log, monitor, alert, block", byPath.get("engine.alerts.min_action").range());
        assertEquals("list of strings", byPath.get("response.protected").type());
        assertEquals("127.0.0.1:9470", byPath.get("http.listen").defaults());
        assertTrue(byPath.containsKey("decoders.smb2.max_pending_requests"));
        assertEquals("string", byPath.get("http.listen").type());
        assertTrue(!byPath.containsKey("decoders") && !byPath.containsKey("engine.thresholds"), "sections are not keys");
        assertEquals("lower", byPath.get("engine.allowlist.mode").defaults(), "the default as the file spells it");
        assertEquals("lower, suppress", byPath.get("engine.allowlist.mode").range());
        // Every key the shipped file names is in the table.
        com.fasterxml.jackson.databind.JsonNode shipped = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(ROOT.resolve("config/impacket-sensor.yaml").toFile());
        shipped.fields().forEachRemaining(section -> section.getValue().fields().forEachRemaining(key -> {
            String path = section.getKey() + "." + key.getKey();
            assertTrue(byPath.containsKey(path) || byPath.keySet().stream().anyMatch(k -> k.startsWith(path + ".")),
                    path + " is in the shipped file but not in the reference");
        }));
        for (DocsReference.Key k : keys) {
            assertFalse(k.description().isBlank(), k.path() + " has no description in config/impacket-sensor.yaml; "
                    + "add a comment on its line there");
            if (k.type().equals("integer")) {
                assertFalse(k.range().isEmpty(), k.path() + " has no range");
            }
        }
        assertCurrent(DocsReference.CONFIG, DocsReference.configuration(ROOT.resolve("config/impacket-sensor.yaml")));
    }

    @Test
    void metricsReferenceIsTheServicesRegistry() throws Exception {
        List<DocsReference.Metric> all = DocsReference.metricFamilies(ROOT.resolve("samples/atk_psexec.pcap"));
        assertTrue(all.stream().anyMatch(m -> !m.labels().isEmpty()), "labelled families show their labels");
        for (DocsReference.Metric m : all) {
            assertTrue(m.name().startsWith("impacket_sensor_") || m.name().startsWith("jvm_")
                    || m.name().startsWith("process_"), m.name());
            assertFalse(m.help().isBlank(), m.name() + " has no help text");
        }
        assertCurrent(DocsReference.METRICS, DocsReference.metrics(ROOT.resolve("samples/atk_psexec.pcap")));
    }

    @Test
    void splicingReplacesOnlyTheGeneratedPart() {
        String page = "# T\n\nintro\n\n" + DocsReference.BEGIN + "old\n" + DocsReference.END + "\n\nafter\n";
        String now = DocsReference.splice(page, "new\n", "t.md");
        assertEquals("# T\n\nintro\n\n" + DocsReference.BEGIN + "new\n" + DocsReference.END + "\n\nafter\n", now);
        assertEquals("new\n", DocsReference.generatedPart(now));
    }
}
