package io.impacketsensor.cli;

import io.impacketsensor.detection.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both ends of every numeric configuration key: a replay of the bundled lab capture starts and
 * stops with each, or (when the tables at that size cannot fit the heap) start-up is refused with
 * one line naming the key. Just outside each range the file is rejected naming the key.
 */
class ConfigRangesTest {
    private static final Path SAMPLE = Path.of("..", "samples", "atk_psexec.pcap");

    /** One end of a range: the keys set (dotted path -> value) and the key it is about. */
    record End(String key, Object value, Map<String, Object> set) {
        @Override
        public String toString() {
            return key + "=" + value;
        }
    }

    /** key, min, max (numbers as the YAML file writes them). */
    private static final Object[][] RANGES = {
        {"capture.snaplen", 64, 262144},
        {"capture.buffer_mb", 1, 2047},
        {"outputs.stats_interval_seconds", 0, 86400},
        {"state.save_interval_seconds", 1, 86400},
        {"http.max_body_bytes", 1024, 67108864},
        {"engine.blocking.ttl_seconds", 0, 315360000},
        {"engine.allowlist.confidence_factor", 0.0, 1.0},
        {"engine.behaviour.auth_attempts_per_minute", 1, 999},
        {"engine.behaviour.failed_auth_threshold", 1, 999},
        {"engine.behaviour.failed_auth_window_seconds", 1, 86400},
        {"engine.behaviour.protocols_threshold", 1, 4},
        {"engine.behaviour.protocols_window_seconds", 1, 86400},
        {"engine.behaviour.smb_sessions_per_minute", 1, 999},
        {"engine.behaviour.tgs_requests_threshold", 1, 999},
        {"engine.behaviour.tgs_window_seconds", 1, 86400},
        {"engine.behaviour.ldap_searches_per_minute", 1, 999},
        {"engine.behaviour.unknown_principal_threshold", 1, 999},
        {"engine.behaviour.max_tracked_accounts", 16, 1_000_000},
        {"engine.behaviour.spray_accounts", 2, 64},
        {"engine.chains.window_seconds", 1, 604800},
        {"engine.chains.max_tracked_pairs", 16, 1_000_000},
        {"engine.relay.window_seconds", 1, 3600},
        {"engine.relay.multi_ip_window_seconds", 1, 3600},
        {"engine.relay.multi_ip_threshold", 2, 8},
        {"engine.relay.max_tracked", 16, 1_000_000},
        {"engine.kerberos.max_ticket_lifetime_seconds", 3600, 315360000},
        {"engine.dc_promotion.max_per_day", 0, 1000},
        {"engine.dc_promotion.provisional_hours", 1, 168},
        {"engine.alerts.dedupe_window_seconds", 1, 2592000},
        {"engine.alerts.max_instances", 16, 1_000_000},
        {"engine.alerts.max_indicators", 4, 1024},
        {"engine.alerts.monitor_sample_every", 1, 1_000_000},
    };

    /**
     * Keys whose size is allocated or can be filled up to the limit: run in a JVM with a 512 MB
     * heap (half the unit's -Xmx1g: the defaults fit with one worker), where each maximum is refused naming its key and each minimum runs.
     */
    private static final Object[][] MEMORY_RANGES = {
        {"pipeline.workers", 1, 64},
        {"pipeline.ring_size", 64, 1 << 20},
        {"pipeline.event_ring_size", 64, 1 << 20},
        {"flow.max_flows", 1, 1 << 22},
        {"engine.behaviour.max_tracked_ips", 16, 1_000_000},
    };

    @TempDir
    Path dir;

    static Stream<End> ends() {
        List<End> out = new ArrayList<>();
        for (Object[] r : RANGES) {
            out.add(end((String) r[0], r[1]));
            out.add(end((String) r[0], r[2]));
        }
        // Keys that constrain each other: both ends set together.
        out.add(new End("engine.thresholds.*", 0.0, Map.of("engine.thresholds.monitor", 0.0,
                "engine.thresholds.alert", 0.0, "engine.thresholds.block", 0.0)));
        out.add(new End("engine.thresholds.*", 1.0, Map.of("engine.thresholds.monitor", 1.0,
                "engine.thresholds.alert", 1.0, "engine.thresholds.block", 1.0)));
        Map<String, Object> small = new LinkedHashMap<>();
        small.put("engine.behaviour.history_size", 16);
        for (String k : List.of("auth_attempts_per_minute", "failed_auth_threshold", "smb_sessions_per_minute",
                "tgs_requests_threshold", "ldap_searches_per_minute", "unknown_principal_threshold")) {
            small.put("engine.behaviour." + k, 15);
        }
        out.add(new End("engine.behaviour.history_size", 16, small));
        out.add(end("engine.behaviour.history_size", 100_000));
        return out.stream();
    }

    static Stream<End> memoryEnds() {
        List<End> out = new ArrayList<>();
        for (Object[] r : MEMORY_RANGES) {
            out.add(end((String) r[0], r[1]));
            out.add(end((String) r[0], r[2]));
        }
        return out.stream();
    }

    private static End end(String key, Object value) {
        return new End(key, value, Map.of(key, value));
    }

    /** Nested YAML from dotted keys. */
    @SuppressWarnings("unchecked")
    private static String yaml(Map<String, Object> set) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : set.entrySet()) {
            String[] parts = e.getKey().split("\\.");
            Map<String, Object> m = root;
            for (int i = 0; i < parts.length - 1; i++) {
                m = (Map<String, Object>) m.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
            }
            m.put(parts[parts.length - 1], e.getValue());
        }
        StringBuilder sb = new StringBuilder();
        write(sb, root, "");
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static void write(StringBuilder sb, Map<String, Object> m, String indent) {
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (e.getValue() instanceof Map) {
                sb.append(indent).append(e.getKey()).append(":\n");
                write(sb, (Map<String, Object>) e.getValue(), indent + "  ");
            } else {
                sb.append(indent).append(e.getKey()).append(": ").append(e.getValue()).append('\n');
            }
        }
    }

    private Path file(Map<String, Object> set) throws Exception {
        return Files.writeString(Files.createTempFile(dir, "cfg", ".yaml"), yaml(set));
    }

    /** The key's end, with a small capture ring and flow table around it: each replay then takes ~0.1 s. */
    private Path smallFile(Map<String, Object> set) throws Exception {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("pipeline.ring_size", 1024);
        all.put("flow.max_flows", 1024);
        all.putAll(set);
        return file(all);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ends")
    void replayStartsAndStopsAtEachEnd(End end) throws Exception {
        Path cfg = smallFile(end.set());
        SensorConfig c = SensorConfig.load(cfg);
        boolean fits = MemoryEstimate.total(c.capture(), c.engine()) <= Runtime.getRuntime().maxMemory();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "replay",
                "--config", cfg.toString(), "--eve", dir.resolve("eve.json").toString(), SAMPLE.toString());
        if (fits) {
            assertEquals(0, code, err.toString());
            assertTrue(err.toString().contains("119 packets"), err.toString());
        } else {
            assertEquals(2, code, err.toString());
            assertEquals(1, err.toString().lines().count(), err.toString());
            assertTrue(err.toString().contains("of heap with"), err.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("memoryEnds")
    void underTheUnitsHeapTheMinimumRunsAndTheMaximumIsRefusedNamingTheKey(End end) throws Exception {
        Path cfg = file(end.set());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // C1 only: the replay is short, and full JIT warm-up would only slow the start.
        Process p = new ProcessBuilder(java, "-Xmx512m", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "replay", "--config", cfg.toString(),
                "--eve", dir.resolve("eve.json").toString(), SAMPLE.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the replay did not end");
        assertFalse(out.contains("OutOfMemoryError") || out.contains("Exception"), out);
        boolean isMax = false;
        for (Object[] r : MEMORY_RANGES) {
            isMax |= r[0].equals(end.key()) && r[2].equals(end.value());
        }
        if (isMax) {
            assertEquals(2, p.exitValue(), out);
            assertEquals(1, out.lines().count(), out);
            assertTrue(out.startsWith("replay: " + end.key() + "=" + end.value() + " needs ~"), out);
            assertTrue(out.contains("the JVM has 512 MB (-Xmx)"), out);
        } else {
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("119 packets"), out);
        }
    }

    static Stream<End> outside() {
        List<End> out = new ArrayList<>();
        for (Object[][] table : new Object[][][] {RANGES, MEMORY_RANGES}) {
            for (Object[] r : table) {
                String k = (String) r[0];
                if (r[1] instanceof Double) {
                    out.add(end(k, -0.01));
                    out.add(end(k, 1.01));
                } else {
                    out.add(end(k, ((Number) r[1]).longValue() - 1));
                    out.add(end(k, ((Number) r[2]).longValue() + 1));
                }
            }
        }
        out.add(end("flow.max_flows", "1e8"));
        out.add(end("flow.max_flows", "100000000"));
        out.add(end("engine.behaviour.max_tracked_ips", "99999999999999999999"));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outside")
    void justOutsideEachRangeTheFileIsRejectedNamingTheKey(End end) throws Exception {
        Path cfg = file(end.set());
        String m = assertThrows(ConfigException.class, () -> SensorConfig.load(cfg)).getMessage();
        assertTrue(m.startsWith("config " + cfg + ": " + end.key() + ": "), m);
    }

    @Test
    void duplicateKeysAndSecondDocumentsAreRejectedWithFileAndLine() throws Exception {
        Path dup = Files.writeString(dir.resolve("dup.yaml"), "pipeline:\n  workers: 1\nflow:\n  max_flows: 1024\n"
                + "pipeline:\n  workers: 2\n");
        assertEquals("config " + dup + ":5: duplicate key 'pipeline'",
                assertThrows(ConfigException.class, () -> SensorConfig.load(dup)).getMessage());
        Path nested = Files.writeString(dir.resolve("nested.yaml"), "engine:\n  thresholds:\n    block: 0.7\n"
                + "    alert: 0.5\n    block: 0.99\n");
        assertEquals("config " + nested + ":5: duplicate key 'block'",
                assertThrows(ConfigException.class, () -> SensorConfig.load(nested)).getMessage());
        Path two = Files.writeString(dir.resolve("two.yaml"), "flow:\n  max_flows: 1024\n---\nflow:\n  max_flows: 9\n");
        assertEquals("config " + two + ":4: a second YAML document; the configuration is one document "
                + "(remove the '---' line)", assertThrows(ConfigException.class, () -> SensorConfig.load(two)).getMessage());
        Path leading = Files.writeString(dir.resolve("leading.yaml"), "---\nflow:\n  max_flows: 1024\n");
        assertEquals(1024, SensorConfig.load(leading).capture().maxFlows());
        StringWriter err = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "config",
                "check", dup.toString()));
        assertEquals("config check: config " + dup + ":5: duplicate key 'pipeline'", err.toString().strip());
    }

    @Test
    void configCheckStatesTheHeapTheFileNeeds() throws Exception {
        Path f = Files.writeString(dir.resolve("two.yaml"), "pipeline:\n  workers: 2\n");
        StringWriter err = new StringWriter();
        assertEquals(0, Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "config",
                "check", f.toString()));
        assertEquals("config check: " + f + " is valid; full tables need ~567 MB of heap with 2 workers "
                + "(the sensor refuses to start with a smaller -Xmx)", err.toString().strip());
    }

    @Test
    void theEstimateNamesTheLargestPartAndTheHeap() {
        CaptureConfig flows = new CaptureConfig(2, 16384, 8192, 4_000_000, CaptureConfig.DEFAULT_BUFFER_BUDGET_MB);
        String m = MemoryEstimate.check(flows, io.impacketsensor.detection.config.EngineConfig.defaults(), 512L << 20);
        assertEquals("flow.max_flows=4000000 needs ~4.3 GB of heap with 2 workers (the sensor in all ~4.8 GB); "
                + "the JVM has 512 MB (-Xmx): lower the value or raise -Xmx", m);
        // The defaults fit the unit's heap with one worker (the best on 2 cores); two need more.
        assertEquals(null, MemoryEstimate.check(CaptureConfig.DEFAULTS,
                io.impacketsensor.detection.config.EngineConfig.defaults(), 512L << 20));
        String two = MemoryEstimate.check(CaptureConfig.DEFAULTS.withWorkers(2),
                io.impacketsensor.detection.config.EngineConfig.defaults(), 512L << 20);
        assertTrue(two != null && two.startsWith("pipeline.workers=2 needs ~59 MB of heap with 2 workers (the sensor in all ~567 MB)"), two);
    }
}
