package io.impacketsensor.cli;

import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.config.EngineConfigLoader;
import io.impacketsensor.detection.engine.Alert;
import io.impacketsensor.detection.rules.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The configuration's custom_signatures keep their syntax and match over the same field registry as
 * local.rules.yaml: on the lab psexec capture a binary_path signature and the local rule on
 * svcctl.binary_path with the same pattern fire on the same events.
 */
class CustomSignaturesTest {
    @TempDir
    static Path dir;

    private static final String PATTERN = "(?i)^%systemroot%\\\\\\\\[a-z]{8}\\\\.exe$";

    @Test
    void aBinaryPathSignatureFiresWhereTheEquivalentLocalRuleDoes() throws Exception {
        EngineConfig engine = EngineConfigLoader.parse("""
                engine:
                  custom_signatures:
                    - name: random_service_exe
                      field: binary_path
                      match: regex
                      pattern: "%s"
                      attack_type: psexec
                      confidence: 0.55
                """.formatted(PATTERN));
        Files.writeString(dir.resolve("local.rules.yaml"), """
                rules:
                  - sid: 9200001
                    name: random_service_exe_local
                    attack_type: psexec
                    confidence: 0.55
                    msg: "Service binary is an 8-letter .exe in %%SystemRoot%%"
                    match:
                      - field: svcctl.binary_path
                        op: regex
                        value: "%s"
                """.formatted(PATTERN));
        Path cfg = dir.resolve("sensor.yaml");
        Files.writeString(cfg, "rules:\n  local: local.rules.yaml\n");
        RuleFiles rf = RuleFiles.of(cfg);
        CaptureDetection.Result r = CaptureDetection.run(List.of(copy("lab/atk_psexec.pcap")), CaptureConfig.DEFAULTS,
                engine, rf::apply);
        assertNull(r.failure());
        long custom = hits(r.ruleHits(), 9_100_001);
        assertEquals(1L, custom, "the custom signature is sid 9100001 and fires on the one CreateServiceW: " + r.ruleHits());
        assertEquals(custom, hits(r.ruleHits(), 9_200_001), "the same matcher as the local rule");
        boolean quoted = false;
        for (Alert a : r.alerts()) {
            for (String i : a.analysis().indicators()) {
                quoted |= i.startsWith("Custom signature random_service_exe matched binary_path: %systemroot%\\")
                        || i.startsWith("Custom signature random_service_exe matched binary_path: %SystemRoot%\\");
            }
        }
        assertTrue(quoted, "the indicator quotes the matched value");
    }

    private static long hits(Map<Rule, Long> m, int sid) {
        return m.entrySet().stream().filter(e -> e.getKey().sid() == sid).mapToLong(Map.Entry::getValue).sum();
    }

    private static Path copy(String name) throws Exception {
        Path target = dir.resolve(name);
        if (!Files.exists(target)) {
            Files.createDirectories(target.getParent());
            try (InputStream in = CustomSignaturesTest.class.getResourceAsStream("/pcaps/" + name)) {
                assertNotNull(in, "test resource /pcaps/" + name + " (sensor-core test-jar)");
                Files.copy(in, target);
            }
        }
        return target;
    }
}
