package io.impacketsensor.detection.bench;

import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.DetectionEngine;
import io.impacketsensor.detection.response.BlocklistStore;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The cost of building the detection engine in a fresh JVM: the first {@code new DetectionEngine}
 * (rule catalog, chains and recommendations read and validated, every class loaded and
 * initialised), then the first events of the {@link EventMix} through it (the classes and tables
 * the first events of each kind touch). Wall time, this thread's CPU time and the whole process's
 * CPU time (class loading on other threads, the JIT compilers) since the JVM started. Run it once
 * per JVM; compare builds with alternating runs.
 *
 * <pre>java -cp detection-engine/target/test-classes:sensor-cli/target/impacket-sensor.jar \
 *     io.impacketsensor.detection.bench.EngineStartup</pre>
 */
public final class EngineStartup {
    private EngineStartup() {
    }

    public static void main(String[] args) {
        int first = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        // The mix is generated before the clock starts: it is the benchmark's input, not start-up.
        SensorEvent[] mix = EventMix.generate(first, 100, 42);
        long proc0 = os.getProcessCpuTime();
        long cpu0 = mx.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        DetectionEngine engine = new DetectionEngine(EngineConfig.defaults(), BlocklistStore.NONE);
        long wall1 = System.nanoTime();
        long cpu1 = mx.getCurrentThreadCpuTime();
        long proc1 = os.getProcessCpuTime();
        int attacks = 0;
        for (SensorEvent e : mix) {
            if (engine.process(e).isAttack()) {
                attacks++;
            }
        }
        long wall2 = System.nanoTime();
        long cpu2 = mx.getCurrentThreadCpuTime();
        long proc2 = os.getProcessCpuTime();
        System.out.printf("build: wall %.1f ms, thread CPU %.1f ms, process CPU %.1f ms%n",
                (wall1 - wall0) / 1e6, (cpu1 - cpu0) / 1e6, (proc1 - proc0) / 1e6);
        System.out.printf("build + first %d events: wall %.1f ms, thread CPU %.1f ms, process CPU %.1f ms (%d attack results)%n",
                first, (wall2 - wall0) / 1e6, (cpu2 - cpu0) / 1e6, (proc2 - proc0) / 1e6, attacks);
    }
}
