package io.impacketsensor.detection.bench;

import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.DetectionEngine;
import io.impacketsensor.detection.response.BlocklistStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The engine on one thread over a realistic event mix ({@link EventMix}): run in throughput mode for
 * events/s and in sample mode for the per-event latency distribution (p99). Each iteration starts a
 * fresh engine and replays the mix from its first event, so event time always moves forward.
 *
 * <pre>detection-engine/bench.sh   (or: java -cp ... org.openjdk.jmh.Main EngineBenchmark -bm thrpt,sample)</pre>
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 400, timeUnit = TimeUnit.MILLISECONDS)
public class EngineBenchmark {
    /** Events in the replayed mix: more than one iteration can consume, so time never wraps. */
    static final int EVENTS = 3_000_000;

    @Param({"10000"})
    public int sources;

    private SensorEvent[] events;
    private DetectionEngine engine;
    private int next;

    @Setup(Level.Trial)
    public void generate() {
        events = EventMix.generate(EVENTS, sources, 42);
    }

    @Setup(Level.Iteration)
    public void freshEngine() {
        engine = new DetectionEngine(EngineConfig.defaults(), BlocklistStore.NONE);
        next = 0;
    }

    @Benchmark
    public AnalysisResult analyse() {
        SensorEvent e = events[next];
        next = next + 1 == EVENTS ? 0 : next + 1;
        return engine.process(e);
    }
}
