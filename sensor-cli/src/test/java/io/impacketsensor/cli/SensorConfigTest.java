package io.impacketsensor.cli;

import io.impacketsensor.detection.config.ConfigException;
import io.impacketsensor.detection.config.EngineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SensorConfigTest {
    private static final Path SHIPPED = Path.of("../config/impacket-sensor.yaml");

    @Test
    void shippedFileIsValidAndStatesTheDefaults() {
        SensorConfig c = SensorConfig.load(SHIPPED);
        assertEquals(SensorConfig.defaults(), c, "every value in the shipped file is the documented default");
        assertEquals(EngineConfig.defaults(), c.engine());
    }

    /** What config check prints is a configuration file: read back, it is the same configuration. */
    @Test
    void theEffectiveConfigurationReadsBackAsItself(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("effective.yaml");
        Files.writeString(f, SensorConfig.defaults().toYaml());
        assertEquals(SensorConfig.defaults(), SensorConfig.load(f));
        Files.writeString(f, SensorConfig.load(SHIPPED).toYaml());
        assertEquals(SensorConfig.load(SHIPPED), SensorConfig.load(f));
    }

    private static String message(String yaml, Path dir) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, yaml);
        return assertThrows(ConfigException.class, () -> SensorConfig.load(f)).getMessage();
    }

    @Test
    void unknownKeysAnywhereAreNamed(@TempDir Path dir) throws Exception {
        assertTrue(message("captur:\n  interface: eth0\n", dir).contains("captur: unknown key"));
        assertTrue(message("http:\n  listne: 1.2.3.4:1\n", dir).contains("http.listne: unknown key"));
        assertTrue(message("engine:\n  thresholds:\n    blok: 0.9\n", dir).contains("engine.thresholds.blok"));
    }

    @Test
    void badValuesAreNamed(@TempDir Path dir) throws Exception {
        assertTrue(message("pipeline:\n  workers: 0\n", dir).contains("pipeline.workers: must be within"));
        assertTrue(message("http:\n  listen: localhost\n", dir).contains("http.listen: expected HOST:PORT"));
        assertTrue(message("capture:\n  promisc: maybe\n", dir).contains("capture.promisc: must be true or false"));
        assertTrue(message("outputs: 3\n", dir).contains("outputs: must be a mapping"));
        assertTrue(message("engine:\n  thresholds:\n    block: 2\n", dir).contains("engine.thresholds.block"));
    }

    @Test
    void flagsOverrideTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "capture:\n  interface: eth9\n  bpf: tcp\nhttp:\n  listen: \"\"\n");
        SensorConfig c = SensorConfig.load(f);
        assertEquals("eth9", c.iface());
        assertEquals("", c.http());
        SensorConfig o = c.withInterface("eth1").withOverrides("udp", null, null, null, null, null, null,
                dir, "127.0.0.1:1", true);
        assertEquals("eth1", o.iface());
        assertEquals("udp", o.bpf());
        assertEquals(dir.toString(), o.stateDir());
        assertEquals("127.0.0.1:1", o.http());
        assertTrue(o.nftables());
    }

    @Test
    void configCheckPrintsTheEffectiveConfiguration(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "state:\n  dir: /srv/sensor\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.execute(new PrintWriter(out), new PrintWriter(err), "config", "check", f.toString());
        assertEquals(0, rc, err.toString());
        assertTrue(out.toString().contains("dir: \"/srv/sensor\"") || out.toString().contains("dir: /srv/sensor"), out.toString());
        assertTrue(out.toString().contains("ttl_seconds: 3600"), out.toString());
        Files.writeString(f, "state:\n  dri: x\n");
        err = new StringWriter();
        rc = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "config", "check", f.toString());
        assertEquals(2, rc);
        assertTrue(err.toString().contains("state.dri: unknown key"), err.toString());
    }
}
