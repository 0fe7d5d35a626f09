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
 * seconds live. {@code stats} is Suricata's object (its keys where a counter of ours counts the
 * same thing); all our counters are under {@code impacket_sensor}, as in the protocol records.
 * Counters are reported with dotted names ({@code tcp.gaps}, {@code capture.kernel_dropped}); the
 * extension nests them on the dots, so every counter any module reports appears without this
 * class knowing it:
 *
 * <pre>
 * {"timestamp":"…","event_type":"stats","stats":{"uptime":0,"decoder":{"pkts":119,…},…},
 *  "impacket_sensor":{"eve_version":2,"mode":"replay","uptime_s":0.4,
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
        suricata(g);
        EveCommon.startExtension(g);
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

    /**
     * Suricata's {@code stats} object, with the counters of ours that count the same thing under
     * Suricata's names (its EVE schema, {@code etc/schema.json}, and the stats section of its
     * user guide): {@code uptime} (whole seconds), {@code capture.kernel_*} (live), {@code decoder}
     * packets, bytes, link types and IP versions, {@code flow} counts, {@code tcp} sessions, gaps,
     * resets and conflicting overlaps, {@code app_layer.flow} for the protocols whose flows we
     * count as Suricata does, and {@code detect} alerts. Everything else is ours, under
     * {@code impacket_sensor}.
     */
    private void suricata(JsonGenerator g) throws IOException {
        CounterSnapshot c = counters;
        g.writeObjectFieldStart("stats");
        g.writeNumberField("uptime", (long) uptimeSeconds);
        if (c.has("capture.kernel_received")) {
            g.writeObjectFieldStart("capture");
            g.writeNumberField("kernel_packets", c.get("capture.kernel_received"));
            g.writeNumberField("kernel_drops", c.get("capture.kernel_dropped"));
            g.writeNumberField("kernel_ifdrops", c.get("capture.kernel_ifdropped"));
            g.writeEndObject();
        }
        g.writeObjectFieldStart("decoder");
        g.writeNumberField("pkts", c.get("packets"));
        g.writeNumberField("bytes", c.get("bytes"));
        g.writeNumberField("invalid", c.get("l2.malformed") + c.get("ip.malformed") + c.get("tcp.malformed")
                + c.get("udp.malformed"));
        g.writeNumberField("ipv4", c.get("ipv4"));
        g.writeNumberField("ipv6", c.get("ipv6"));
        g.writeNumberField("ethernet", c.get("linktype.ethernet"));
        g.writeNumberField("raw", c.get("linktype.raw"));
        g.writeNumberField("null", c.get("linktype.null") + c.get("linktype.loop"));
        g.writeNumberField("sll", c.get("linktype.linux_sll"));
        g.writeNumberField("sll2", c.get("linktype.linux_sll2"));
        g.writeNumberField("tcp", c.get("tcp.packets"));
        g.writeNumberField("udp", c.get("udp.packets"));
        g.writeEndObject();
        g.writeObjectFieldStart("flow");
        g.writeNumberField("total", c.get("flow.tcp") + c.get("flow.udp"));
        g.writeNumberField("tcp", c.get("flow.tcp"));
        g.writeNumberField("udp", c.get("flow.udp"));
        g.writeNumberField("active", c.get("flow.active"));
        g.writeNumberField("tcp_reuse", c.get("flow.tcp_port_reuse"));
        g.writeEndObject();
        g.writeObjectFieldStart("tcp");
        g.writeNumberField("sessions", c.get("flow.tcp"));
        g.writeNumberField("reassembly_gap", c.get("tcp.gaps"));
        g.writeNumberField("rst", c.get("tcp.resets"));
        g.writeNumberField("overlap_diff_data", c.get("tcp.overlap_conflicts"));
        g.writeEndObject();
        // Our smb, dcerpc and http analyzers see TCP only, as Suricata's smb, dcerpc_tcp and http
        // counters; kerberos and ldap count TCP and UDP together, so they stay ours.
        g.writeObjectFieldStart("app_layer");
        g.writeObjectFieldStart("flow");
        g.writeNumberField("smb", c.get("analyzer.smb2.flows"));
        g.writeNumberField("dcerpc_tcp", c.get("analyzer.dcerpc.flows"));
        g.writeNumberField("http", c.get("analyzer.http.flows"));
        g.writeEndObject();
        g.writeEndObject();
        if (detection != null) {
            g.writeObjectFieldStart("detect");
            g.writeNumberField("alert", detection.alertsEmitted());
            g.writeNumberField("alerts_suppressed", detection.alertsSuppressed());
            g.writeEndObject();
        }
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
