package io.impacketsensor.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.pipeline.CounterSnapshot;
import io.impacketsensor.detection.model.Statistics;
import io.impacketsensor.detection.eve.EveAlertWriter;
import io.impacketsensor.detection.eve.EveCommon;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The EVE {@code stats} record, written at the end of a replay and every {@code --stats-interval}
 * seconds live. Counters are reported with dotted names ({@code tcp.gaps},
 * {@code capture.kernel_dropped}); the record nests them on the dots, so every counter any module
 * reports appears without this class knowing it:
 *
 * <pre>
 * {"timestamp":"…","event_type":"stats","stats":{"mode":"replay","uptime_s":0.4,
 *  "packets":119,"bytes":75000,"linktype":{"ethernet":119,…},"ipv4":119,"ipv6":0,
 *  "flow":{"tcp":1,"udp":0},"tcp":{"reassembled_bytes_to_server":7000,"gaps":0,…},
 *  "capture":{"records":119,"truncated_records":0,"corrupt_blocks":0,"ring_full_waits":0,…},
 *  "workers":[{"worker":0,"packets":119,"bytes":75000}],"events":{"published":0,…}}}
 * </pre>
 *
 * {@code worker.<i>.<name>} counters become the {@code workers} array.
 */
final class StatsRecord {
    private final String mode;
    private final long wallNanos;
    private final double uptimeSeconds;
    private final CounterSnapshot counters;
    /** The detection engine's counters ({@code stats.detection}); null when no engine ran. */
    private final Statistics detection;

    StatsRecord(String mode, long wallNanos, double uptimeSeconds, CounterSnapshot counters) {
        this(mode, wallNanos, uptimeSeconds, counters, null);
    }

    StatsRecord(String mode, long wallNanos, double uptimeSeconds, CounterSnapshot counters, Statistics detection) {
        this.mode = mode;
        this.wallNanos = wallNanos;
        this.uptimeSeconds = uptimeSeconds;
        this.counters = counters;
        this.detection = detection;
    }

    void write(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("timestamp", EveCommon.timestamp(wallNanos));
        g.writeStringField("event_type", "stats");
        g.writeObjectFieldStart("stats");
        g.writeStringField("mode", mode);
        g.writeNumberField("uptime_s", Math.round(uptimeSeconds * 1000) / 1000.0);
        Map<String, Object> tree = new LinkedHashMap<>();
        TreeMap<Integer, Map<String, Long>> workers = new TreeMap<>();
        for (Map.Entry<String, Long> e : counters.asMap().entrySet()) {
            String name = e.getKey();
            if (name.startsWith("worker.")) {
                int dot = name.indexOf('.', 7);
                if (dot > 7) {
                    try {
                        int w = Integer.parseInt(name.substring(7, dot));
                        workers.computeIfAbsent(w, k -> new LinkedHashMap<>()).put(name.substring(dot + 1), e.getValue());
                        continue;
                    } catch (NumberFormatException ignored) {
                        // not a worker index: nest it like any other name
                    }
                }
            }
            put(tree, name, e.getValue());
        }
        writeTree(g, tree);
        g.writeArrayFieldStart("workers");
        for (Map.Entry<Integer, Map<String, Long>> w : workers.entrySet()) {
            g.writeStartObject();
            g.writeNumberField("worker", w.getKey());
            for (Map.Entry<String, Long> c : w.getValue().entrySet()) {
                g.writeNumberField(c.getKey(), c.getValue());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        if (detection != null) {
            EveAlertWriter.writeDetection(g, detection);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> tree, String dotted, long value) {
        List<String> parts = new ArrayList<>(List.of(dotted.split("\\.")));
        Map<String, Object> node = tree;
        for (int i = 0; i < parts.size() - 1; i++) {
            Object child = node.get(parts.get(i));
            if (child instanceof Long leaf) {
                // a name that is both a value and a group: the value moves to "total"
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("total", leaf);
                node.put(parts.get(i), m);
                child = m;
            } else if (child == null) {
                child = new LinkedHashMap<String, Object>();
                node.put(parts.get(i), child);
            }
            node = (Map<String, Object>) child;
        }
        String last = parts.get(parts.size() - 1);
        Object existing = node.get(last);
        if (existing instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).put("total", value);
        } else {
            node.merge(last, value, (a, b) -> (Long) a + (Long) b);
        }
    }

    @SuppressWarnings("unchecked")
    private static void writeTree(JsonGenerator g, Map<String, Object> tree) throws IOException {
        for (Map.Entry<String, Object> e : tree.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m) {
                g.writeObjectFieldStart(e.getKey());
                writeTree(g, (Map<String, Object>) m);
                g.writeEndObject();
            } else {
                g.writeNumberField(e.getKey(), (Long) e.getValue());
            }
        }
    }
}
