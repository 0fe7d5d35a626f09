package io.impacketsensor.cli;

import io.impacketsensor.core.pipeline.CounterSnapshot;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The pipeline's counters (the names of the EVE {@code stats} record: {@code tcp.gaps},
 * {@code capture.kernel_dropped}, {@code worker.0.packets} ...) as Prometheus families, one family
 * per counter, following the Prometheus naming practice (https://prometheus.io/docs/practices/naming/):
 *
 * <ul>
 *   <li>the dotted name becomes {@code impacket_sensor_<name with _ for .>};</li>
 *   <li>a count is a counter, exposed with {@code _total}; a byte count keeps {@code bytes} as its
 *       unit at the end of the name ({@code tcp.reassembled_bytes_to_server} is
 *       {@code impacket_sensor_tcp_reassembled_to_server_bytes_total}); CPU nanoseconds are
 *       exposed in the base unit, {@code _cpu_seconds_total};</li>
 *   <li>a current value ({@link #GAUGES}: active flows, held buffer bytes, the budget, the worker
 *       count) is a gauge, without {@code _total};</li>
 *   <li>{@code worker.<i>.<name>} is one family {@code impacket_sensor_worker_<name>} with a
 *       {@code worker} label, so that a query sums or compares the workers.</li>
 * </ul>
 *
 * Any counter a module reports is exposed without this class knowing it; only the gauges are
 * listed. Collected at scrape time from the last snapshot, never on the packet path.
 */
final class PipelineMetrics implements MultiCollector {
    static final String PREFIX = "impacket_sensor_";

    /** The counters that report a current value rather than a count since start. */
    static final Set<String> GAUGES = Set.of("flow.active", "flow.buffer_bytes", "flow.buffer_bytes_peak",
            "flow.buffer_budget_bytes", "pipeline.workers");

    private final Supplier<CounterSnapshot> snapshot;

    PipelineMetrics(Supplier<CounterSnapshot> snapshot) {
        this.snapshot = snapshot;
    }

    /** How one pipeline counter is exposed. */
    record Family(String name, boolean counter, String worker, double scale) {
    }

    /** The family of the pipeline counter {@code dotted} ({@code name} without {@code _total}). */
    static Family family(String dotted) {
        String worker = null;
        String name = dotted;
        if (name.startsWith("worker.")) {
            int dot = name.indexOf('.', 7);
            if (dot > 7 && isDigits(name, 7, dot)) {
                worker = name.substring(7, dot);
                name = "worker." + name.substring(dot + 1);
            }
        }
        boolean counter = !GAUGES.contains(dotted);
        double scale = 1;
        List<String> parts = new ArrayList<>(List.of(name.replace('.', '_').split("_")));
        String unit = null;
        if (parts.remove("bytes")) {
            unit = "bytes";
        } else if (parts.get(parts.size() - 1).equals("ns")) {
            parts.remove(parts.size() - 1);
            unit = "seconds";
            scale = 1e-9;
        }
        if (unit != null) {
            parts.add(unit);
        }
        return new Family(PREFIX + String.join("_", parts), counter, worker, scale);
    }

    private static boolean isDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    @Override
    public MetricSnapshots collect() {
        CounterSnapshot s = snapshot.get();
        if (s == null) {
            return new MetricSnapshots();
        }
        Map<String, List<Object[]>> points = new LinkedHashMap<>();
        Map<String, Family> families = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : s.asMap().entrySet()) {
            Family f = family(e.getKey());
            Family seen = families.putIfAbsent(f.name(), f);
            if (seen != null && seen.counter() != f.counter()) {
                continue; // a gauge and a counter would share a name: the first reported wins
            }
            String source = f.worker() != null ? "worker.<i>." + e.getKey().substring(e.getKey().indexOf('.', 7) + 1)
                    : e.getKey();
            sources.putIfAbsent(f.name(), source);
            points.computeIfAbsent(f.name(), k -> new ArrayList<>())
                    .add(new Object[]{f.worker(), e.getValue() * f.scale()});
        }
        List<MetricSnapshot> out = new ArrayList<>();
        for (Map.Entry<String, Family> e : families.entrySet()) {
            Family f = e.getValue();
            String help = (f.counter() ? "pipeline counter " : "pipeline gauge ") + sources.get(e.getKey())
                    + " of the EVE stats record" + (f.worker() != null ? ", per decode worker" : "");
            if (f.counter()) {
                var b = io.prometheus.metrics.model.snapshots.CounterSnapshot.builder().name(e.getKey()).help(help);
                for (Object[] p : points.get(e.getKey())) {
                    b.dataPoint(io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot.builder()
                            .labels(labels((String) p[0])).value((Double) p[1]).build());
                }
                out.add(b.build());
            } else {
                var b = GaugeSnapshot.builder().name(e.getKey()).help(help);
                for (Object[] p : points.get(e.getKey())) {
                    b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                            .labels(labels((String) p[0])).value((Double) p[1]).build());
                }
                out.add(b.build());
            }
        }
        return new MetricSnapshots(out);
    }

    private static Labels labels(String worker) {
        return worker == null ? Labels.EMPTY : Labels.of("worker", worker);
    }
}
