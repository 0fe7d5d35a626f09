package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.state.FileBlocklistStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon's service ({@link ServiceProcess}: the engine, blocklist, state saver and HTTP API
 * that {@code live} runs, in a process of its own, HTTP on 127.0.0.1) is flooded with block
 * decisions through the API by four clients and killed with SIGKILL at a random moment, 20 times
 * over one state directory. After every kill
 * {@code blocklist.json} must parse and hold every block whose POST /events the API answered with
 * {@code blocked: true} before the kill; the next start loads it.
 */
class BlocklistKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTEN = Pattern.compile("listening (\\d+)");
    private static final int ROUNDS = 20;

    @TempDir
    Path dir;

    @Test
    void kill9DuringABlockFloodLosesNoAcknowledgedBlock() throws Exception {
        Path state = dir.resolve("state");
        Path config = dir.resolve("sensor.yaml");
        // no rate cap: every distinct attacker in the flood is a new block
        Files.writeString(config, "response:\n  max_blocks_per_minute: 0\n");
        Random rnd = new Random(13);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger next = new AtomicInteger();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        int killedWithAcks = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Path log = dir.resolve("daemon-" + round + ".log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    ServiceProcess.class.getName(), config.toString(), state.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                int port = awaitPort(p, log);
                assertTrue(port > 0, "daemon did not start in round " + round + " (" + (p.isAlive() ? "running" : "exit "
                        + p.exitValue()) + "): " + Files.readString(log));
                String token = Files.readString(state.resolve(ApiToken.FILE)).strip();
                // the blocks of earlier rounds were loaded at this start
                assertTrue(ips(state).containsAll(acknowledged), "round " + round + ": loaded state lost blocks");

                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger acksThisRound = new AtomicInteger();
                Thread[] clients = new Thread[4];
                for (int c = 0; c < clients.length; c++) {
                    clients[c] = new Thread(() -> flood(client, port, token, next, acknowledged, acksThisRound, stop));
                    clients[c].start();
                }
                // the flood is under way (bounded wait), then the kill lands at a random moment in it
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (acksThisRound.get() == 0 && System.nanoTime() < until) {
                    Thread.sleep(5);
                }
                Thread.sleep(rnd.nextInt(800));
                p.destroyForcibly(); // SIGKILL
                assertTrue(p.waitFor(10, TimeUnit.SECONDS));
                stop.set(true);
                for (Thread t : clients) {
                    t.join(15_000);
                }
                if (acksThisRound.get() > 0) {
                    killedWithAcks++;
                }
            } finally {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            Path file = state.resolve(FileBlocklistStore.FILE);
            List<BlockEntry> saved = FileBlocklistStore.read(file); // throws when not a valid blocklist
            Set<String> ips = new HashSet<>();
            saved.forEach(e -> ips.add(e.ip()));
            Set<String> missing = new HashSet<>(acknowledged);
            missing.removeAll(ips);
            assertEquals(Set.of(), missing, "round " + round + ": acknowledged blocks missing after kill -9");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        System.out.printf("kill -9: %d rounds, %d killed during acknowledged blocks, %d blocks acknowledged, all on disk%n",
                ROUNDS, killedWithAcks, acknowledged.size());
        assertEquals(ROUNDS, killedWithAcks, "every kill lands during the flood");
    }

    private static Set<String> ips(Path state) throws Exception {
        Set<String> out = new HashSet<>();
        FileBlocklistStore.read(state.resolve(FileBlocklistStore.FILE)).forEach(e -> out.add(e.ip()));
        return out;
    }

    /** Posts batches of 5 psexec events from fresh addresses until stopped or the daemon is gone. */
    private static void flood(HttpClient client, int port, String token, AtomicInteger next, Set<String> acknowledged,
                              AtomicInteger acks, AtomicBoolean stop) {
        while (!stop.get()) {
            String[] batch = new String[5];
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < batch.length; i++) {
                int n = next.incrementAndGet();
                batch[i] = "10." + (100 + (n >> 16 & 0xff)) + "." + (n >> 8 & 0xff) + "." + (n & 0xff);
                body.append(i == 0 ? "" : ",").append(ApiSecurityTest.psexec(batch[i]));
            }
            body.append(']');
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    continue;
                }
                JsonNode a = JSON.readTree(r.body());
                for (int i = 0; i < batch.length; i++) {
                    if (a.get(i).get("blocked").asBoolean()) {
                        acknowledged.add(batch[i]);
                        acks.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                return; // the daemon was killed: no answer is no acknowledgement
            }
        }
    }

    /** The HTTP port the daemon announced, or -1 when it exited first (bounded wait: 60 s). */
    private static int awaitPort(Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            Matcher m = LISTEN.matcher(text);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!p.isAlive()) {
                return -1;
            }
            Thread.sleep(50);
        }
        return -1;
    }
}
