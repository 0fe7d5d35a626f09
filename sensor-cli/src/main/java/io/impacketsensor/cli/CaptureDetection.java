package io.impacketsensor.cli;

import io.impacketsensor.core.capture.PcapFileChain;
import io.impacketsensor.core.capture.PcapFormatException;
import io.impacketsensor.core.packet.SymmetricFlowHash;
import io.impacketsensor.core.pipeline.CapturePipeline;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.Tuning;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one capture file through the real packet path (pipeline, analyzers, detection engine, one
 * fresh engine per file) and returns the alert records it raised, in order. Used by
 * {@code evaluate} and the golden tests.
 */
final class CaptureDetection {
    private CaptureDetection() {
    }

    /** The result of one capture: its alerts, how often each rule fired and, when the run failed, why. */
    record Result(List<Alert> alerts, Map<Rule, Long> ruleHits, Map<Rule, Long> ruleSuppressed, String failure) {
    }

    static Result run(Path file, CaptureConfig capture, EngineConfig engine)
            throws IOException, InterruptedException, PcapFormatException {
        return run(file, capture, engine, Tuning.NONE);
    }

    /** As {@link #run(Path, CaptureConfig, EngineConfig)} with a tuning in force. */
    static Result run(Path file, CaptureConfig capture, EngineConfig engine, Tuning tuning)
            throws IOException, InterruptedException, PcapFormatException {
        return run(List.of(file), capture, engine, tuning);
    }

    /** Several captures in order through one engine (one sensor watching them all). */
    static Result run(List<Path> files, CaptureConfig capture, EngineConfig engine, Tuning tuning)
            throws IOException, InterruptedException, PcapFormatException {
        return run(files, capture, engine, p -> p.tune(tuning));
    }

    /** Several captures through one engine, set up first by {@code setup} (operator rules, tuning). */
    static Result run(List<Path> files, CaptureConfig capture, EngineConfig engine,
                      java.util.function.Consumer<io.impacketsensor.detection.ImpacketProtection> setup)
            throws IOException, InterruptedException, PcapFormatException {
        return run(files, capture, engine, setup, null, 0);
    }

    /**
     * As {@link #run(List, CaptureConfig, EngineConfig, java.util.function.Consumer)} with the
     * frames perturbed on their way from the reader to the packet path ({@code perturb} null: as read).
     */
    static Result run(List<Path> files, CaptureConfig capture, EngineConfig engine,
                      java.util.function.Consumer<io.impacketsensor.detection.ImpacketProtection> setup,
                      Perturbation perturb, long seed)
            throws IOException, InterruptedException, PcapFormatException {
        List<Alert> alerts = new ArrayList<>();
        Detection detection = new Detection(engine, null, alerts::add);
        setup.accept(detection.engine());
        try (PcapFileChain chain = PcapFileChain.open(files)) {
            io.impacketsensor.core.capture.PacketSource source = chain;
            if (perturb != null) {
                PerturbedSource perturbed = new PerturbedSource(chain, perturb, seed);
                if (perturb.needsCounts()) {
                    try (PcapFileChain first = PcapFileChain.open(files)) {
                        perturbed.countFrames(first);
                    }
                }
                source = perturbed;
            }
            CapturePipeline pipeline = new CapturePipeline(source, new SymmetricFlowHash(),
                    SensorRun.processors(capture, false),
                    SensorRun.eventConsumer(detection), capture.pipeline(0));
            boolean drained = pipeline.run();
            String failure = pipeline.failure();
            if (failure == null && !drained) {
                failure = "the pipeline did not drain";
            }
            return new Result(alerts, detection.engine().ruleHits(), detection.engine().ruleSuppressed(), failure);
        }
    }
}
