package io.impacketsensor.detection.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.response.BlocklistStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The blocklist in the state directory: {@code blocklist.json}, rewritten atomically
 * ({@link AtomicFile}) on every change, so a crash leaves the previous or the new list. Entries
 * that have lapsed when the file is loaded are dropped. Thread-safe (methods synchronized): the
 * engine thread writes, the HTTP and CLI readers read.
 *
 * <p>{@link #deferred} stores only mark the list changed and leave the write to {@link #flush()},
 * which the owner calls periodically: a storm of new blocks (hundreds of attacking addresses a
 * second) then costs one write per flush instead of one serialisation of the whole list and two
 * fsyncs per address on the engine's thread. A crash then loses at most the changes since the
 * last flush, and the file is still the previous or the new list, never torn.
 *
 * <p>Format: {@code {"version":1,"entries":[{"ip":..,"reason":..,"attack_type":..,"confidence":..,
 * "blocked_at":"2026-..Z","expires_at":"..Z"|null}]}}.
 */
public final class FileBlocklistStore implements BlocklistStore {
    public static final String FILE = "blocklist.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Supplier<Instant> clock;
    private final Map<String, BlockEntry> entries = new LinkedHashMap<>();
    private long writeFailures;
    private final boolean deferred;
    private boolean dirty;
    private String lastError;

    /** Opens (and reads) the store in {@code dir}, writing on every change; the directory is created when missing. */
    public FileBlocklistStore(Path dir, Supplier<Instant> clock) throws IOException {
        this(dir, clock, false);
    }

    /** A store whose changes are written by {@link #flush()} (the owner calls it periodically and at the end). */
    public static FileBlocklistStore deferred(Path dir, Supplier<Instant> clock) throws IOException {
        return new FileBlocklistStore(dir, clock, true);
    }

    private FileBlocklistStore(Path dir, Supplier<Instant> clock, boolean deferred) throws IOException {
        this.deferred = deferred;
        Files.createDirectories(dir);
        this.file = dir.resolve(FILE);
        this.clock = clock;
        for (BlockEntry e : read(file)) {
            if (!e.expired(clock.get())) {
                entries.put(e.ip(), e);
            }
        }
    }

    /** Reads a blocklist file (no file: empty); throws {@link IOException} when it is not one. */
    public static List<BlockEntry> read(Path file) throws IOException {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        JsonNode root = JSON.readTree(b);
        if (root == null || !root.path("entries").isArray()) {
            throw new IOException(file + ": not a blocklist file (no entries array)");
        }
        List<BlockEntry> out = new ArrayList<>();
        for (JsonNode n : root.get("entries")) {
            String ip = n.path("ip").asText(null);
            if (ip == null) {
                throw new IOException(file + ": an entry without ip");
            }
            out.add(new BlockEntry(ip, n.path("reason").asText(""), n.path("attack_type").asText(""),
                    n.path("confidence").asDouble(), Instant.parse(n.path("blocked_at").asText()),
                    n.path("expires_at").isTextual() ? Instant.parse(n.get("expires_at").asText()) : null));
        }
        return out;
    }

    /** The blocklist file's content for {@code entries}. */
    public static byte[] serialize(List<BlockEntry> list) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ArrayNode a = root.putArray("entries");
        for (BlockEntry e : list) {
            ObjectNode n = a.addObject();
            n.put("ip", e.ip());
            n.put("reason", e.reason());
            n.put("attack_type", e.attackType());
            n.put("confidence", e.confidence());
            n.put("blocked_at", e.blockedAt().toString());
            if (e.expiresAt() == null) {
                n.putNull("expires_at");
            } else {
                n.put("expires_at", e.expiresAt().toString());
            }
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized List<BlockEntry> load() {
        return List.copyOf(entries.values());
    }

    @Override
    public synchronized void blocked(BlockEntry entry) {
        entries.put(entry.ip(), entry);
        changed();
    }

    @Override
    public synchronized void unblocked(String ip) {
        if (entries.remove(ip) != null) {
            changed();
        }
    }

    private void changed() {
        dirty = true;
        if (!deferred) {
            dirty = !save();
        }
    }

    /**
     * Writes the list if it changed since the last successful write. Returns true when the file
     * holds every change made so far (fsync'd), false when the write failed: the list stays in
     * memory and the next flush tries again.
     */
    public synchronized boolean flush() {
        if (dirty) {
            dirty = !save();
        }
        return !dirty;
    }

    /** The last write error (e.g. "No space left on device"), or null after a successful write. */
    public synchronized String lastError() {
        return lastError;
    }

    /** Entries not lapsed at the clock's now. */
    public synchronized List<BlockEntry> current() {
        Instant now = clock.get();
        List<BlockEntry> out = new ArrayList<>();
        for (BlockEntry e : entries.values()) {
            if (!e.expired(now)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Writes failed this many times (disk full, permissions); the in-memory list stays right and is retried. */
    public synchronized long writeFailures() {
        return writeFailures;
    }

    private boolean save() {
        try {
            AtomicFile.write(file, serialize(new ArrayList<>(entries.values())));
            lastError = null;
            return true;
        } catch (IOException e) {
            writeFailures++;
            lastError = String.valueOf(e.getMessage());
            return false;
        }
    }
}
