package io.impacketsensor.cli;

import io.impacketsensor.core.event.EndpointInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.pipeline.PipelineOptions;
import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.config.EngineConfig;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * {@code bench --engine}: the detection engine alone, one thread, on the events the capture itself
 * produces. The capture is decoded once, with replay's decoders, and its events are kept in memory
 * as the events thread hands them to the engine (DCE/RPC requests already named by their
 * endpoint); then each round gives all of them, in capture order, to a new engine built as
 * {@code replay} builds it (default configuration, the built-in rules), through the call the
 * events thread makes ({@link ImpacketProtection#observe}). Nothing is written: the alerts are
 * counted. The decoding, the event ring and the EVE writer are not timed; {@code --end-to-end}
 * times those.
 *
 * <p>Throughput rounds time the whole round (CPU time of this thread and wall time); latency
 * rounds time each call ({@link System#nanoTime()} on both sides, which adds its own cost, hence
 * rounds of their own, after the throughput rounds). The first {@code --runs} rounds of each kind
 * warm the JIT up; "first" is the very first round (its rates only: the first latency round is no
 * longer cold), "steady" the median of the {@code --runs} rounds of each kind after the warm-up.
 */
final class BenchEngine {
    /** Heap share the kept events may fill; past it the rest of the capture is decoded but not kept. */
    static final double HEAP_SHARE = 0.5;
    /** Heap use is read every this many events (reading it costs a few calls). */
    private static final int HEAP_CHECK_EVERY = 4096;

    private final PrintWriter out;
    private final PrintWriter err;
    private final int runs;
    private final long maxEvents;

    BenchEngine(PrintWriter out, PrintWriter err, int runs, long maxEvents) {
        this.out = out;
        this.err = err;
        this.runs = runs;
        this.maxEvents = maxEvents;
    }

    /** The events of a capture as the engine receives them, and why the list may have stopped short. */
    record Recorded(SensorEvent[] events, long produced, String stoppedBecause) {
    }

    /**
     * Decodes {@code file} as {@code replay} does (alert-only decoders, one worker) and keeps its
     * events as the events thread passes them on, up to {@code maxEvents} and half the heap.
     */
    static Recorded record(Path file, long maxEvents) throws Exception {
        List<SensorEvent> kept = new ArrayList<>();
        EndpointInterfaces endpoints = new EndpointInterfaces();
        Runtime rt = Runtime.getRuntime();
        long heapLimit = (long) (rt.maxMemory() * HEAP_SHARE);
        long[] produced = {0};
        String[] stopped = {null};
        BenchCommand.pipeline(file, 1, SensorRun.processors(CaptureConfig.DEFAULTS, false), e -> {
            // Named here, in capture order, as Detection does before the engine sees the event.
            SensorEvent named = endpoints.resolve(e);
            produced[0]++;
            if (stopped[0] != null) {
                return;
            }
            if (kept.size() >= maxEvents) {
                stopped[0] = "--engine-events " + maxEvents;
                return;
            }
            if (kept.size() % HEAP_CHECK_EVERY == 0 && rt.totalMemory() - rt.freeMemory() > heapLimit) {
                stopped[0] = String.format(Locale.ROOT, "half the heap (%s of -Xmx %s)",
                        Summary.size(heapLimit), Summary.size(rt.maxMemory()));
                return;
            }
            kept.add(named);
        }, new PipelineOptions(1, 16384, 1024, 1000));
        return new Recorded(kept.toArray(SensorEvent[]::new), produced[0], stopped[0]);
    }

    /** A throughput round: events per CPU-second and per wall second, and the alerts it raised. */
    record Rate(double cpuRate, double wallRate, long alerts) {
    }

    /** A latency round: one event's analysis at the 50th, 99th and 99.9th percentile, in µs. */
    record Latency(double p50, double p99, double p999) {
    }

    /** A new engine as replay builds it, its alerts counted in {@code alerts[0]}. */
    private static ImpacketProtection newEngine(long[] alerts) {
        ImpacketProtection engine = new ImpacketProtection(EngineConfig.defaults());
        engine.setAlertSink(a -> alerts[0]++);
        return engine;
    }

    /** All events through a new engine, timed as a whole. */
    static Rate throughput(SensorEvent[] events, ThreadMXBean mx) {
        long[] alerts = {0};
        ImpacketProtection engine = newEngine(alerts);
        long cpu0 = mx.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (SensorEvent e : events) {
            engine.observe(e);
        }
        long wall = System.nanoTime() - wall0;
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        return new Rate(events.length * 1e9 / Math.max(1, cpu), events.length * 1e9 / Math.max(1, wall), alerts[0]);
    }

    /** All events through a new engine, each call timed; {@code lat} is scratch of events.length. */
    static Latency latency(SensorEvent[] events, long[] lat) {
        ImpacketProtection engine = newEngine(new long[1]);
        for (int i = 0; i < events.length; i++) {
            long t0 = System.nanoTime();
            engine.observe(events[i]);
            lat[i] = System.nanoTime() - t0;
        }
        Arrays.sort(lat, 0, events.length);
        return new Latency(percentile(lat, events.length, 0.50) / 1e3, percentile(lat, events.length, 0.99) / 1e3,
                percentile(lat, events.length, 0.999) / 1e3);
    }

    /** The value at quantile {@code q} of the first {@code n} sorted values (nearest rank). */
    static long percentile(long[] sorted, int n, double q) {
        int rank = (int) Math.ceil(q * n);
        return sorted[Math.max(0, Math.min(n - 1, rank - 1))];
    }

    void run(Path file) throws Exception {
        long t0 = System.nanoTime();
        Recorded rec = record(file, maxEvents);
        SensorEvent[] events = rec.events();
        err.printf(Locale.ROOT, "bench: %,d events decoded in %.1f s, %,d kept%s%n", rec.produced(),
                (System.nanoTime() - t0) / 1e9, events.length,
                rec.stoppedBecause() == null ? "" : " (the rest not kept: " + rec.stoppedBecause() + ")");
        err.flush();
        if (events.length == 0) {
            out.println("no events: the capture has nothing the decoders report");
            out.flush();
            return;
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        out.printf(Locale.ROOT, "%-22s %10s %12s %12s %9s %9s %9s %8s%n", "engine, one thread", "events",
                "events/CPU-s", "events/s", "p50 us", "p99 us", "p99.9 us", "alerts");
        List<Rate> rates = new ArrayList<>();
        for (int i = 0; i < 2 * runs; i++) {
            rates.add(throughput(events, mx));
        }
        List<Rate> steady = new ArrayList<>(rates.subList(runs, rates.size()));
        steady.sort((a, b) -> Double.compare(a.cpuRate(), b.cpuRate()));
        row("first", events.length, rates.get(0), null);
        long[] lat = new long[events.length];
        List<Latency> timed = new ArrayList<>();
        for (int i = 0; i < 2 * runs; i++) {
            timed.add(latency(events, lat));
        }
        row("steady", events.length, steady.get(steady.size() / 2), median(timed.subList(runs, timed.size())));
        out.println("A new engine per round, as replay builds it, fed the capture's events in capture order; nothing");
        out.println("written. events/CPU-s: events per CPU-second of this thread; events/s: per wall-clock second.");
        out.println("pNN: the time one event's analysis took (each call timed, in rounds of their own). first: the");
        out.println("first round (JIT cold); steady: the median of the --runs rounds after --runs warm-up rounds.");
        out.flush();
    }

    /** Each percentile's median over the rounds. */
    private static Latency median(List<Latency> rounds) {
        int m = rounds.size() / 2;
        return new Latency(rounds.stream().mapToDouble(Latency::p50).sorted().toArray()[m],
                rounds.stream().mapToDouble(Latency::p99).sorted().toArray()[m],
                rounds.stream().mapToDouble(Latency::p999).sorted().toArray()[m]);
    }

    /** One table row; {@code lat} null: the latency was not measured for it ("-"). */
    private void row(String what, int events, Rate rate, Latency lat) {
        out.printf(Locale.ROOT, "%-22s %,10d %,12.0f %,12.0f %9s %9s %9s %,8d%n", what, events, rate.cpuRate(),
                rate.wallRate(), micros(lat, Latency::p50), micros(lat, Latency::p99), micros(lat, Latency::p999), rate.alerts());
        out.flush();
    }

    private static String micros(Latency lat, ToDoubleFunction<Latency> p) {
        return lat == null ? "-" : String.format(Locale.ROOT, "%.2f", p.applyAsDouble(lat));
    }
}
