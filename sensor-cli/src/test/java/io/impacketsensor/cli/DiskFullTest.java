package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.detection.state.FileBlocklistStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A full disk under the state directory and under the EVE file. The state directory is a 256 KB
 * tmpfs mounted in a private mount namespace ({@code unshare -m}, root only) for a
 * {@link ServiceProcess}; the test fills it through {@code /proc/PID/root}. The EVE file is
 * {@code /dev/full} (every write fails with ENOSPC).
 */
class DiskFullTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static boolean privateTmpfsPossible(Path probe) throws Exception {
        Process p = new ProcessBuilder("unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs '" + probe + "'")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    @Test
    void aFullStateDirectoryIsReportedOnceCountedAndRetriedWhileDetectionGoesOn() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"));
        Path probe = Files.createDirectory(dir.resolve("probe"));
        boolean possible;
        try {
            possible = privateTmpfsPossible(probe);
        } catch (IOException e) {
            possible = false;
        }
        if (!possible) {
            System.out.println("DiskFullTest: skipped: needs root and unshare(1) to mount a tmpfs in a private mount namespace");
        }
        assumeTrue(possible, "needs root and unshare(1) to mount a tmpfs in a private mount namespace");
        Path config = dir.resolve("sensor.yaml");
        Files.writeString(config, "response:\n  max_blocks_per_minute: 0\n");
        Path log = dir.resolve("service.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("unshare", "-m", "sh", "-c",
                "mount -t tmpfs -o size=256k tmpfs \"$1\" && exec \"$2\" -Xmx256m \"$6\" -cp \"$3\" \"$4\" \"$5\" \"$1\"",
                "sh", state.toString(), java, System.getProperty("java.class.path"), ServiceProcess.class.getName(),
                config.toString(), "-Dlogback.configurationFile=" + Path.of("../config/logback.xml").toAbsolutePath()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            int port = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Pattern listen = Pattern.compile("listening (\\d+)");
            while (port < 0 && p.isAlive() && System.nanoTime() < deadline) {
                Matcher m = listen.matcher(Files.readString(log));
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
                Thread.sleep(50);
            }
            assertTrue(port > 0, "service did not start: " + Files.readString(log));
            // the service's view of its state directory: the tmpfs in its own mount namespace
            Path inside = Path.of("/proc/" + p.pid() + "/root").resolve(state.toString().substring(1));
            String token = Files.readString(inside.resolve(ApiToken.FILE)).strip();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertEquals(200, post(client, port, token, "10.3.0.1").statusCode());
            Path filler = inside.resolve("filler");
            try (OutputStream o = Files.newOutputStream(filler)) {
                byte[] chunk = new byte[4096];
                assertThrows(IOException.class, () -> {
                    for (int i = 0; i < 1024; i++) {
                        o.write(chunk);
                        o.flush();
                    }
                }, "the tmpfs fills up");
            } catch (IOException closeOnFullDisk) {
                // closing the filler may fail too: it is full either way
            }
            Set<String> made = new HashSet<>(List.of("10.3.0.1"));
            for (int i = 2; i <= 40; i++) {
                HttpResponse<String> r = post(client, port, token, "10.3.0." + i);
                assertEquals(503, r.statusCode(), r.body());
                String err = JSON.readTree(r.body()).get("error").asText();
                assertTrue(err.contains("could not be saved") && err.contains("No space left on device"), err);
                made.add("10.3.0." + i);
            }
            Set<String> listed = new HashSet<>();
            JSON.readTree(get(client, port, token, "/blocklist")).get("entries").forEach(e -> listed.add(e.get("ip").asText()));
            assertEquals(made, listed, "every block is kept in memory and served");
            JsonNode svc = JSON.readTree(get(client, port, token, "/stats")).get("service");
            assertTrue(svc.get("state_write_failures").asLong() >= 39, svc.toString());
            assertTrue(get(client, port, token, "/metrics").contains("impacket_sensor_state_write_failures_total"));
            assertEquals(List.of("10.3.0.1"), FileBlocklistStore.read(inside.resolve(FileBlocklistStore.FILE))
                    .stream().map(e -> e.ip()).toList(), "the file still holds the last list that fitted, whole");

            Files.delete(filler);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Set<String> onDisk = Set.of();
            while (!onDisk.equals(made) && System.nanoTime() < until) {
                Thread.sleep(100);
                Set<String> s = new HashSet<>();
                FileBlocklistStore.read(inside.resolve(FileBlocklistStore.FILE)).forEach(e -> s.add(e.ip()));
                onDisk = s;
            }
            assertEquals(made, onDisk, "the saver retried without a new change once there was space");
            assertEquals(200, post(client, port, token, "10.3.0.99").statusCode());
            assertTrue(p.isAlive(), "the service kept running");
            String text = Files.readString(log);
            List<String> full = text.lines().filter(l -> l.contains("cannot save the blocklist")).toList();
            assertEquals(1, full.size(), "one line per minute, not one per failure: " + text);
            assertTrue(full.get(0).contains("No space left on device"), full.get(0));
            assertFalse(text.contains("\tat "), "no stack trace: " + text);
            assertTrue(text.contains("saved in") && text.contains("again"), text);
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<String> post(HttpClient c, int port, String token, String src) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ApiSecurityTest.psexec(src))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String get(HttpClient c, int port, String token, String path) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aFullDiskUnderTheEveFileDropsAndCountsRecordsWithoutStoppingTheWriter() throws Exception {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.exists(full) && Files.isWritable(full), "needs a writable /dev/full");
        ReopenableFile f = new ReopenableFile(full);
        EveWriter eve = new EveWriter(f, true, true);
        byte[] line = ("{\"event_type\":\"synthetic\",\"pad\":\"" + "x".repeat(1000) + "\"}\n").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 200; i++) {
            f.write(line, 0, line.length); // no exception reaches the writer
        }
        eve.flush();
        assertTrue(f.writeFailures() >= 3, "failed writes: " + f.writeFailures());
        assertEquals(200L * line.length, f.bytesDropped());
        eve.close(); // no exception: the failure was reported and counted, not thrown
    }

    @Test
    void theEveFileIsNotWorldReadableAndASymlinkIsRefused(@TempDir Path d) throws Exception {
        Path eve = d.resolve("eve.json");
        new ReopenableFile(eve).close();
        assertFalse(Files.getPosixFilePermissions(eve).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ));
        Path target = d.resolve("elsewhere");
        Files.writeString(target, "");
        Path link = Files.createSymbolicLink(d.resolve("link.json"), target);
        IOException e = assertThrows(IOException.class, () -> new ReopenableFile(link));
        assertEquals(link + " is a symbolic link; refusing to follow it", e.getMessage());
        assertEquals("", Files.readString(target));
        // the CLI says it in one line and exits 2
        java.io.StringWriter err = new java.io.StringWriter();
        int rc = Main.execute(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err, true),
                "replay", "--eve", link.toString(), "../samples/atk_psexec.pcap");
        assertEquals(Main.EXIT_USAGE, rc, err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("symbolic link"), err.toString());
    }
}
