package io.impacketsensor.cli;

import io.impacketsensor.detection.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** flow.buffer_budget_mb: default, both ends of its range, and the heap check. */
class BufferBudgetConfigTest {

    private static SensorConfig load(Path dir, String yaml) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, yaml);
        return SensorConfig.load(f);
    }

    @Test
    void defaultIs64MiBAndTheEffectiveConfigShowsIt(@TempDir Path dir) throws Exception {
        SensorConfig c = load(dir, "flow:\n  max_flows: 100\n");
        assertEquals(64, c.capture().bufferBudgetMb());
        assertEquals(64L << 20, c.capture().bufferBudgetBytes());
        assertTrue(c.toYaml().contains("buffer_budget_mb: 64"), c.toYaml());
    }

    @Test
    void rangeEndsAreAcceptedAndOutsideIsNamed(@TempDir Path dir) throws Exception {
        assertEquals(1, load(dir, "flow:\n  buffer_budget_mb: 1\n").capture().bufferBudgetMb());
        long halfHeapMb = (Runtime.getRuntime().maxMemory() >> 20) / 2;
        int top = (int) Math.min(CaptureConfig.MAX_BUFFER_BUDGET_MB, halfHeapMb);
        assertEquals(top, load(dir, "flow:\n  buffer_budget_mb: " + top + "\n").capture().bufferBudgetMb());
        String low = assertThrows(ConfigException.class, () -> load(dir, "flow:\n  buffer_budget_mb: 0\n")).getMessage();
        assertTrue(low.contains("flow.buffer_budget_mb: must be within"), low);
        String high = assertThrows(ConfigException.class, () -> load(dir, "flow:\n  buffer_budget_mb: 4097\n"))
                .getMessage();
        assertTrue(high.contains("flow.buffer_budget_mb"), high);
    }

    @Test
    void moreThanHalfTheHeapIsRefused(@TempDir Path dir) throws Exception {
        long heapMb = Runtime.getRuntime().maxMemory() >> 20;
        long over = heapMb / 2 + 1;
        if (over > CaptureConfig.MAX_BUFFER_BUDGET_MB) {
            return; // a heap above 8 GiB: the range bound is the stricter one (tested above)
        }
        String m = assertThrows(ConfigException.class, () -> load(dir, "flow:\n  buffer_budget_mb: " + over + "\n"))
                .getMessage();
        assertTrue(m.contains("flow.buffer_budget_mb: " + over + " MiB is more than half the JVM heap"), m);
    }

    @Test
    void eachWorkerGetsItsShare() {
        java.util.Map<String, Long> c = new java.util.HashMap<>();
        SensorRun.processors(CaptureConfig.DEFAULTS.flowLimits(), 100L << 20).create(2, 4, e -> { })
                .reportCounters(c::put);
        assertEquals(25L << 20, c.get("flow.buffer_budget_bytes"));
    }
}
