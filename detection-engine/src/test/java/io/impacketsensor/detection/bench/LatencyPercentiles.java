package io.impacketsensor.detection.bench;

import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.DetectionEngine;
import io.impacketsensor.detection.response.BlocklistStore;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Per-event latency of one engine thread over the {@link EventMix}: every {@code process} call is
 * timed with {@link System#nanoTime} into a preallocated array (no allocation while measuring) and
 * the percentiles are read from the sorted array. Each round is a fresh engine over the whole mix;
 * the first rounds warm the JIT and are reported but not kept. The timer's own cost (two nanoTime
 * calls, about 20-40 ns) is in every sample. On a loaded machine a descheduled thread shows up as
 * a sample of milliseconds: p99.9 and the maximum are the first to move, p50 the last. The bytes
 * the thread allocated per event are reported too (what the collector must reclaim: its pauses
 * land in the high percentiles).
 *
 * <pre>java -Xms2g -Xmx2g -cp detection-engine/target/test-classes:sensor-cli/target/impacket-sensor.jar \
 *     io.impacketsensor.detection.bench.LatencyPercentiles [events] [sources] [rounds] [warmup]</pre>
 */
public final class LatencyPercentiles {
    private LatencyPercentiles() {
    }

    public static void main(String[] args) {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int sources = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        SensorEvent[] mix = EventMix.generate(events, sources, 42);
        long[] ns = new long[events];
        long[] all = new long[events * Math.max(1, rounds - warmup)];
        int kept = 0;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean alloc = (com.sun.management.ThreadMXBean) mx;
        long cpuKept = 0;
        long bytesKept = 0;
        for (int r = 0; r < rounds; r++) {
            DetectionEngine engine = new DetectionEngine(EngineConfig.defaults(), BlocklistStore.NONE);
            long cpu0 = mx.getCurrentThreadCpuTime();
            long bytes0 = alloc.getCurrentThreadAllocatedBytes();
            int attacks = 0;
            for (int i = 0; i < events; i++) {
                long t0 = System.nanoTime();
                boolean a = engine.process(mix[i]).isAttack();
                ns[i] = System.nanoTime() - t0;
                if (a) {
                    attacks++;
                }
            }
            long cpu = mx.getCurrentThreadCpuTime() - cpu0;
            long bytes = alloc.getCurrentThreadAllocatedBytes() - bytes0;
            long[] s = ns.clone();
            Arrays.sort(s);
            System.out.printf("round %d%s: %,.0f events/s CPU time, p50 %d ns, p99 %d ns, p99.9 %d ns, max %d ns, %.0f B/event, attack results %d%n",
                    r, r < warmup ? " (warm-up)" : "", events * 1e9 / cpu, pct(s, 50), pct(s, 99), pct(s, 99.9), s[s.length - 1],
                    bytes / (double) events, attacks);
            if (r >= warmup) {
                System.arraycopy(ns, 0, all, kept, events);
                kept += events;
                cpuKept += cpu;
                bytesKept += bytes;
            }
        }
        long[] s = Arrays.copyOf(all, kept);
        Arrays.sort(s);
        System.out.printf("kept %d rounds: %,.0f events/s CPU time (timer included), p50 %d ns, p99 %d ns, p99.9 %d ns, %.0f B/event%n",
                rounds - warmup, kept * 1e9 / cpuKept, pct(s, 50), pct(s, 99), pct(s, 99.9), bytesKept / (double) kept);
    }

    /** The nearest-rank percentile of a sorted array. */
    static long pct(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
