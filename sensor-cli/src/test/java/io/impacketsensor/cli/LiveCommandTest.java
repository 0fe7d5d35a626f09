package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.core.capture.VethPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code impacket-sensor live} as a separate process on a veth pair the test creates (see
 * {@link VethPair}): two lab captures (177 frames, 5 TCP + 2 UDP conversations) are replayed
 * across the pair, the sensor is stopped with SIGTERM, and its EVE stats records are checked.
 */
class LiveCommandTest {
    private static VethPair veth;

    @TempDir
    Path dir;

    @BeforeAll
    static void createPair() throws Exception {
        veth = VethPair.create();
    }

    @AfterAll
    static void removePair() throws Exception {
        if (veth != null) {
            veth.close();
        }
    }

    @Test
    void capturesAndStopsCleanlyOnSigterm() throws Exception {
        Path eve = dir.resolve("eve.json");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve("sensor.log");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "live", "-i", veth.captureIf, "--bpf", "tcp or udp", "--eve", eve.toString(), "--stats-interval", "1",
                "--buffer-size", "8", "--state-dir", dir.resolve("state").toString(), "--http", "")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        List<String> lines;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(log).contains("capturing on") && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(p.isAlive(), "sensor exited early: " + Files.readString(log));
            veth.replay(2000, veth.resource("/pcaps/lab/atk_psexec.pcap"), veth.resource("/pcaps/lab/ben_kinit_kvno.pcap"));
            // Wait (bounded) for a periodic status line that shows every frame.
            while (!Files.readString(log).contains(": 177 packets") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(40, TimeUnit.SECONDS), "sensor stopped after SIGTERM");
            lines = Files.readAllLines(log);
            assertEquals(0, p.exitValue(), String.join("\n", lines));
        } finally {
            p.destroyForcibly();
        }
        ObjectMapper m = new ObjectMapper();
        List<JsonNode> stats = new ArrayList<>();
        for (String l : Files.readAllLines(eve)) {
            JsonNode n = m.readTree(l);
            String type = n.get("event_type").asText();
            // the replayed lab traffic also raises the engine's alerts into the same output
            assertTrue(type.equals("stats") || type.equals("alert"), l);
            if (type.equals("stats")) {
                stats.add(n.get("impacket_sensor"));
            }
        }
        assertTrue(stats.size() >= 2, "periodic and final stats records: " + stats.size());
        JsonNode last = stats.get(stats.size() - 1);
        assertEquals("live", last.get("mode").asText());
        assertEquals(177, last.get("packets").asLong(), last.toString());
        assertEquals(177, last.get("capture").get("kernel_received").asLong());
        assertEquals(0, last.get("capture").get("kernel_dropped").asLong());
        assertTrue(last.get("capture").has("ring_full_waits"), last.toString());
        assertEquals(5, last.get("flow").get("tcp").asLong());
        assertEquals(2, last.get("flow").get("udp").asLong());
        assertTrue(String.join("\n", lines).contains("drops       kernel 0 of 177 received"), String.join("\n", lines));
    }
}
