package io.impacketsensor.fleet.correlate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad command lines and configurations: exit 2 with one line naming the problem. */
class CorrelateMainTest {
    private static String fails(String... args) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int code = CorrelateMain.run(args, new PrintStream(b, true, StandardCharsets.UTF_8));
        String err = b.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, err);
        assertEquals(1, err.strip().lines().count(), err);
        return err;
    }

    @Test
    void badUsageAndConfigurationAreOneLine(@TempDir Path dir) throws Exception {
        assertTrue(fails().contains("--config FILE is required"));
        assertTrue(fails("--config").contains("--config: a value is missing"));
        assertTrue(fails("--bogus", "x").contains("--bogus: unknown option"));
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "kafka:\n  compression: zstd\n");
        assertTrue(fails("--config", f.toString()).contains("kafka.compression: must be one of none, gzip or lz4"));
        Files.writeString(f, "kafka:\n  sensor: a\n");
        assertTrue(fails("--config", f.toString()).contains("kafka.bootstrap_servers is empty"));
        Files.writeString(f, "kafka:\n  bootstrap_servers: [\"127.0.0.1:9092\"]\n");
        assertTrue(fails("--config", f.toString(), "--alerts-topic", "a b").contains("--alerts-topic: a topic name"));
        assertTrue(fails("--config", dir.resolve("missing.yaml").toString()).contains("missing.yaml"));
        assertTrue(fails("--config", f.toString(), "--http", "127.0.0.1").contains("--http: HOST:PORT with a port 0..65535"));
        assertTrue(fails("--config", f.toString(), "--http", "127.0.0.1:99999").contains("not '127.0.0.1:99999'"));
    }
}
