package io.impacketsensor.detection.state;

import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.response.Blocklist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileBlocklistStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    @Test
    void blocksSurviveANewStoreAndLapseAfterTheTtl(@TempDir Path dir) throws IOException {
        AtomicReference<Instant> now = new AtomicReference<>(T0);
        FileBlocklistStore store = new FileBlocklistStore(dir, now::get);
        Blocklist list = new Blocklist(store, 3600);
        list.block("10.0.0.5", "psexec service", "psexec", 0.9, T0);
        list.block("fd00::7", "dcsync", "dcsync", 0.95, T0.plusSeconds(60));

        FileBlocklistStore again = new FileBlocklistStore(dir, now::get);
        List<BlockEntry> loaded = again.load();
        assertEquals(2, loaded.size());
        assertEquals("10.0.0.5", loaded.get(0).ip());
        assertEquals("psexec", loaded.get(0).attackType());
        assertEquals(T0.plusSeconds(3600), loaded.get(0).expiresAt());
        assertTrue(new Blocklist(again, 3600).isBlocked("fd00::7", T0.plusSeconds(61)));

        // An hour later the first entry has lapsed: the engine's list drops it and the file follows.
        Blocklist l2 = new Blocklist(again, 3600);
        assertEquals(1, l2.current(T0.plusSeconds(3600)).size());
        assertEquals(List.of("fd00::7"), FileBlocklistStore.read(dir.resolve(FileBlocklistStore.FILE))
                .stream().map(BlockEntry::ip).toList());

        // A store opened after every entry lapsed starts empty.
        now.set(T0.plusSeconds(7200));
        assertTrue(new FileBlocklistStore(dir, now::get).load().isEmpty());
    }

    @Test
    void unblockRewritesTheFileAndNoTempFileIsLeft(@TempDir Path dir) throws IOException {
        FileBlocklistStore store = new FileBlocklistStore(dir, () -> T0);
        Blocklist list = new Blocklist(store, 0);
        list.block("10.0.0.5", "r", "psexec", 0.9, T0);
        assertTrue(list.unblock("10.0.0.5"));
        assertTrue(FileBlocklistStore.read(dir.resolve(FileBlocklistStore.FILE)).isEmpty());
        try (var s = Files.list(dir)) {
            assertEquals(List.of(FileBlocklistStore.FILE), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aDeferredStoreWritesOnFlushOnly(@TempDir Path dir) throws IOException {
        Path f = dir.resolve(FileBlocklistStore.FILE);
        FileBlocklistStore store = FileBlocklistStore.deferred(dir, () -> T0);
        Blocklist list = new Blocklist(store, 3600);
        for (int i = 1; i <= 300; i++) {
            list.block("10.0.1." + i % 256, "storm", "psexec", 0.9, T0);
        }
        assertFalse(Files.exists(f), "nothing written before a flush");
        store.flush();
        assertEquals(256, FileBlocklistStore.read(f).size());
        assertTrue(list.unblock("10.0.1.7"));
        assertEquals(256, FileBlocklistStore.read(f).size(), "the unblock waits for the next flush");
        store.flush();
        assertEquals(255, FileBlocklistStore.read(f).size());
        assertEquals(255, FileBlocklistStore.deferred(dir, () -> T0).load().size());
    }

    @Test
    void aFailedWriteIsCountedKeptInMemoryAndRetriedByTheNextFlush(@TempDir Path dir) throws IOException {
        Path f = dir.resolve(FileBlocklistStore.FILE);
        FileBlocklistStore store = FileBlocklistStore.deferred(dir, () -> T0);
        Blocklist list = new Blocklist(store, 3600);
        // synthetic fault: a non-empty directory where the temporary file must go makes every write fail
        Path blocker = Files.createDirectory(dir.resolve("." + FileBlocklistStore.FILE + ".tmp"));
        Files.writeString(blocker.resolve("x"), "x");
        list.block("10.0.0.5", "psexec service", "psexec", 0.9, T0);
        assertFalse(store.flush(), "the write failed");
        assertFalse(store.flush(), "and is retried, not forgotten");
        assertEquals(2, store.writeFailures());
        assertTrue(store.lastError() != null && !store.lastError().isEmpty());
        assertEquals(1, store.current().size(), "the block stays in memory");
        assertFalse(Files.exists(f));
        Files.delete(blocker.resolve("x"));
        Files.delete(blocker);
        assertTrue(store.flush(), "retried once the fault is gone, without a new change");
        assertEquals("10.0.0.5", FileBlocklistStore.read(f).get(0).ip());
        assertEquals(null, store.lastError());
    }

    @Test
    void theFileIsOwnerOnly(@TempDir Path dir) throws IOException {
        Path f = dir.resolve(FileBlocklistStore.FILE);
        Files.writeString(dir.resolve("." + FileBlocklistStore.FILE + ".tmp"), "left by a crash");
        Files.setPosixFilePermissions(dir.resolve("." + FileBlocklistStore.FILE + ".tmp"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        new Blocklist(new FileBlocklistStore(dir, () -> T0), 3600).block("10.0.0.5", "r", "psexec", 0.9, T0);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void aTornOrForeignFileIsRejectedNotMisread(@TempDir Path dir) throws IOException {
        Path f = dir.resolve(FileBlocklistStore.FILE);
        Files.writeString(f, "{\"version\":1,\"entries\":[{\"ip\":\"10.0.0.1\",");
        assertThrows(IOException.class, () -> FileBlocklistStore.read(f));
        Files.writeString(f, "{}");
        assertThrows(IOException.class, () -> FileBlocklistStore.read(f));
    }

    /**
     * kill -9 (SIGKILL) a process that rewrites the blocklist as fast as it can, 20 times at random
     * moments: the file always loads and holds a prefix of the writer's entries (old or new state).
     */
    @Test
    void killNineDuringHeavyWritesAlwaysLeavesALoadableState(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Random random = new Random(8);
        int previous = 0;
        for (int round = 0; round < 20; round++) {
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Writer.class.getName(),
                    dir.toString()).redirectErrorStream(true).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("writing", r.readLine(), "the writer started");
            Thread.sleep(20 + random.nextInt(200));
            p.destroyForcibly(); // SIGKILL on Linux
            p.waitFor();
            assertFalse(p.isAlive());
            List<BlockEntry> state = FileBlocklistStore.read(dir.resolve(FileBlocklistStore.FILE));
            assertTrue(state.size() >= previous, "round " + round + ": the state went back");
            for (int i = 0; i < state.size(); i++) {
                assertEquals(Writer.ip(i), state.get(i).ip(), "round " + round + " entry " + i);
            }
            previous = state.size();
        }
        assertTrue(previous > 0, "the writers wrote something");
    }

    /** The writer process: appends entries to the persisted blocklist until it is killed. */
    public static final class Writer {
        static String ip(int i) {
            return "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
        }

        public static void main(String[] args) throws IOException {
            FileBlocklistStore store = new FileBlocklistStore(Path.of(args[0]), () -> T0);
            Blocklist list = new Blocklist(store, 0);
            int i = list.size();
            list.block(ip(i), "kill test", "psexec", 0.9, T0);
            System.out.println("writing");
            System.out.flush();
            for (i++; ; i++) {
                list.block(ip(i), "kill test entry " + i, "psexec", 0.9, T0);
            }
        }
    }
}
