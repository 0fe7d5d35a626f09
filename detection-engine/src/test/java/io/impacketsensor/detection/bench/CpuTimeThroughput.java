package io.impacketsensor.detection.bench;

import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.DetectionEngine;
import io.impacketsensor.detection.response.BlocklistStore;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Events/s of one engine thread over the {@link EventMix}, measured in wall time and in the thread's
 * CPU time. On a shared machine (other builds running) wall time mostly measures the scheduler; CPU
 * time is what the engine costs. Each round is a fresh engine over the whole mix (time moves
 * forward). Run: {@code java -cp ... io.impacketsensor.detection.bench.CpuTimeThroughput [events] [sources] [rounds]}.
 */
public final class CpuTimeThroughput {
    public static void main(String[] args) {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 3_000_000;
        int sources = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        SensorEvent[] mix = EventMix.generate(events, sources, 42);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            DetectionEngine engine = new DetectionEngine(EngineConfig.defaults(), BlocklistStore.NONE);
            long wall0 = System.nanoTime();
            long cpu0 = mx.getCurrentThreadCpuTime();
            long attacks = 0;
            for (SensorEvent e : mix) {
                if (engine.process(e).isAttack()) {
                    attacks++;
                }
            }
            long cpu = mx.getCurrentThreadCpuTime() - cpu0;
            long wall = System.nanoTime() - wall0;
            double perCpu = events * 1e9 / cpu;
            best = Math.max(best, perCpu);
            System.out.printf("round %d: %,.0f events/s CPU time, %,.0f events/s wall, %.0f ns/event CPU, attack results %d%n",
                    r, perCpu, events * 1e9 / wall, cpu / (double) events, attacks);
        }
        System.out.printf("best: %,.0f events/s (CPU time), %d sources%n", best, sources);
    }
}
