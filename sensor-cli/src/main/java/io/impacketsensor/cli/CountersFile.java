package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.impacketsensor.detection.state.AtomicFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code counters.json} in the state directory: lifetime totals of the capture and engine counters
 * across restarts (the totals at start plus this run's counts), replaced atomically.
 */
final class CountersFile {
    static final String FILE = "counters.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, Long> base;

    CountersFile(Path dir) throws IOException {
        Files.createDirectories(dir);
        this.file = dir.resolve(FILE);
        this.base = read(file);
    }

    static Map<String, Long> read(Path file) throws IOException {
        Map<String, Long> m = new TreeMap<>();
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return m;
        }
        JsonNode t = root == null ? null : root.get("totals");
        if (t == null || !t.isObject()) {
            throw new IOException(file + ": not a counters file (no totals object)");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue().asLong());
        }
        return m;
    }

    /** Totals before this run. */
    Map<String, Long> base() {
        return base;
    }

    /** Lifetime totals: the base plus this run's counts. */
    Map<String, Long> totals(Map<String, Long> run) {
        Map<String, Long> m = new TreeMap<>(base);
        run.forEach((k, v) -> m.merge(k, v, Long::sum));
        return m;
    }

    synchronized void save(Map<String, Long> run) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        root.put("saved_at", java.time.Instant.now().toString());
        ObjectNode t = root.putObject("totals");
        totals(run).forEach(t::put);
        AtomicFile.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }
}
