package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.core.capture.VethPair;
import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.state.FileBlocklistStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The service end to end, in network namespaces this test creates: {@code live} runs inside its own
 * namespace (so its nftables table and HTTP port are that namespace's) on one end of a veth pair;
 * the lab psexec capture (attacker 10.99.0.2) is replayed into the other end with tcpreplay. The
 * alert reaches the EVE file, the attacker the blocklist (state file, GET /blocklist, nft set),
 * the counters /metrics; a packet from the attacker's address no longer crosses; SIGTERM exits 0
 * with everything flushed and saved; a restart still has the block.
 */
class ServiceEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ATTACKER = "10.99.0.2";

    @TempDir
    Path dir;

    private static String sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static int rc(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    /** GET with the bearer token: the API listens on 0.0.0.0 here, so reads need it (http.read_auth auto). */
    private String get(String ns, String path) throws IOException, InterruptedException {
        Path token = dir.resolve("state").resolve(ApiToken.FILE);
        String auth = "Authorization: Bearer " + (Files.exists(token) ? Files.readString(token).strip() : "");
        return sh("ip", "netns", "exec", ns, "curl", "-s", "--max-time", "5", "-H", auth, "http://127.0.0.1:9470" + path);
    }

    /** Polls (bounded: 60 s) until the condition holds; the caller asserts on the last value. */
    private static String await(Predicate<String> ok, IOCall<String> read) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String v = read.call();
        while (!ok.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            v = read.call();
        }
        return v;
    }

    interface IOCall<T> {
        T call() throws Exception;
    }

    private Process start(String ns, String iface, Path config, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // env resets SIGHUP: a build started under nohup passes it on ignored, and the JVM keeps it so.
        return new ProcessBuilder("ip", "netns", "exec", ns, "env", "--default-signal=HUP", java, "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(), "live", "-i", iface, "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void liveAlertsBlocksEnforcesSavesAndRestarts() throws Exception {
        assumeTrue(rc("sh", "-c", "command -v curl && command -v nft") == 0, "skipped: needs curl and nft (nftables)");
        try (VethPair veth = VethPair.create()) {
            String ns = "issvc-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF));
            List<Process> started = new ArrayList<>();
            assertEquals("", sh("ip", "netns", "add", ns));
            try {
                // The capture end goes into the sensor's namespace; addresses exist only in these namespaces.
                assertEquals("", sh("ip", "link", "set", veth.captureIf, "netns", ns));
                sh("ip", "-n", ns, "link", "set", "lo", "up");
                sh("ip", "-n", ns, "link", "set", veth.captureIf, "up");
                sh("ip", "-n", ns, "addr", "add", "10.99.0.1/24", "dev", veth.captureIf);
                sh("ip", "-n", veth.namespace, "addr", "add", ATTACKER + "/24", "dev", veth.sendIf);

                Path state = dir.resolve("state");
                Path eve = dir.resolve("eve.json");
                Path config = dir.resolve("sensor.yaml");
                Files.writeString(config, "outputs:\n  eve: " + eve + "\n  stats_interval_seconds: 1\n"
                        + "state:\n  dir: " + state + "\n  save_interval_seconds: 1\n"
                        + "http:\n  listen: 0.0.0.0:9470\nenforcement:\n  nftables: true\n"
                        + "capture:\n  bpf: tcp port 445\n  buffer_mb: 8\n");
                Path log = dir.resolve("sensor.log");
                Process p = start(ns, veth.captureIf, config, log);
                started.add(p);
                String first = await(s -> s.contains("capturing on") || !p.isAlive(), () -> Files.readString(log));
                assertTrue(p.isAlive() && first.contains("capturing on"), first);
                assertTrue(await(s -> s.contains("\"ok\""), () -> get(ns, "/health")).contains("\"ok\""));
                assertEquals(0, rc("ip", "netns", "exec", veth.namespace, "curl", "-s", "--max-time", "5",
                        "http://10.99.0.1:9470/health"), "before the block the attacker's address reaches the sensor host");

                veth.replay(2000, veth.resource("/pcaps/lab/atk_psexec.pcap"));

                String blocklist = await(s -> s.contains(ATTACKER), () -> get(ns, "/blocklist"));
                assertTrue(blocklist.contains("\"ip\" : \"" + ATTACKER + "\""), blocklist);
                Path savedFile = state.resolve(FileBlocklistStore.FILE);
                // written by the state saver within Service.STATE_FLUSH_MILLIS of the block
                await(s -> s.contains(ATTACKER), () -> Files.exists(savedFile) ? Files.readString(savedFile) : "");
                List<BlockEntry> saved = FileBlocklistStore.read(savedFile);
                assertEquals(ATTACKER, saved.get(0).ip(), "in the state file");
                assertEquals("psexec", saved.get(0).attackType());

                List<JsonNode> alerts = alerts(eve);
                assertTrue(alerts.stream().anyMatch(a -> ATTACKER.equals(a.get("src_ip").asText())),
                        "alert in the EVE file while running (flushed at batch end): " + alerts);

                String metrics = get(ns, "/metrics");
                assertTrue(metrics.contains("impacket_sensor_attacks_total{attack_type=\"psexec\"} 1"), metrics);
                assertTrue(metrics.contains("impacket_sensor_blocked_ips 1"), metrics);
                assertTrue(metrics.contains("impacket_sensor_capture_records_total 119"), metrics);

                String set = await(s -> s.contains(ATTACKER),
                        () -> sh("ip", "netns", "exec", ns, "nft", "list", "set", "inet", "impacket_sensor", "blocklist"));
                assertTrue(set.matches("(?s).*" + ATTACKER.replace(".", "\\.") + " timeout (1h|59m).*"), "timeout = TTL: " + set);
                assertNotEquals(0, rc("ip", "netns", "exec", veth.namespace, "curl", "-s", "--max-time", "2",
                        "http://10.99.0.1:9470/health"), "a packet from the blocked address no longer crosses");

                // SIGHUP (logrotate): the file is moved away, the sensor reopens the path and writes on.
                Path rotated = dir.resolve("eve.json.1");
                Files.move(eve, rotated);
                assertEquals(0, rc("kill", "-HUP", Long.toString(p.pid())));
                String reopened = await(s -> s.contains("\"stats\""), () -> Files.exists(eve) ? Files.readString(eve) : "");
                assertTrue(reopened.contains("\"event_type\":\"stats\""), "stats records go to the new file: " + reopened);
                assertTrue(p.isAlive(), "SIGHUP does not stop the sensor");

                // SIGTERM: exit 0, the stats record last, state saved.
                p.destroy();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits within 60 s");
                String out = Files.readString(log);
                assertEquals(0, p.exitValue(), out);
                List<String> lines = Files.readAllLines(eve);
                assertEquals("stats", JSON.readTree(lines.get(lines.size() - 1)).get("event_type").asText());
                assertEquals(alerts.size(), alerts(rotated).size() + alerts(eve).size(), "every alert was already written");
                JsonNode counters = JSON.readTree(state.resolve("counters.json").toFile());
                assertEquals(119, counters.get("totals").get("capture.records").asLong(), counters.toString());

                // Restart: the blocklist is still there (API and nft set, re-filled from the state).
                sh("ip", "netns", "exec", ns, "nft", "delete", "table", "inet", "impacket_sensor");
                Path log2 = dir.resolve("sensor2.log");
                Process p2 = start(ns, veth.captureIf, config, log2);
                started.add(p2);
                String again = await(s -> s.contains(ATTACKER), () -> get(ns, "/blocklist"));
                assertTrue(again.contains(ATTACKER), again + "\n" + Files.readString(log2));
                String set2 = await(s -> s.contains(ATTACKER),
                        () -> sh("ip", "netns", "exec", ns, "nft", "list", "set", "inet", "impacket_sensor", "blocklist"));
                assertTrue(set2.contains(ATTACKER), set2);
                // SIGTERM once the run is under way (its first status line), as systemd would much later.
                String running = await(s -> s.contains(" packets, ") || !p2.isAlive(), () -> Files.readString(log2));
                assertTrue(running.contains(" packets, "), running);
                p2.destroy();
                assertTrue(p2.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, p2.exitValue(), Files.readString(log2));
                assertEquals(119, JSON.readTree(state.resolve("counters.json").toFile()).get("totals")
                        .get("capture.records").asLong(), "lifetime totals carried over the restart");
            } finally {
                for (Process p : started) {
                    if (p.isAlive()) {
                        p.destroyForcibly().waitFor();
                    }
                }
                sh("ip", "netns", "del", ns); // removes the nft table and the moved veth end with it
            }
            assertFalse(sh("ip", "netns", "list").contains(ns));
        }
    }

    private static List<JsonNode> alerts(Path eve) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(eve)) {
            JsonNode n = JSON.readTree(l);
            if ("alert".equals(n.get("event_type").asText())) {
                out.add(n);
            }
        }
        return out;
    }
}
