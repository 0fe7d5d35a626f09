package io.impacketsensor.decoders.fuzz;

import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.decoders.Decoders;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays frames through the sensor's real per-worker packet path (the test kit's
 * {@link Replay#run}) with the production decoders of {@link Decoders#forWorker()}, and reports the
 * registry's {@code analyzer.exceptions}: the count of decoder exceptions the registry caught, each
 * one a release blocker. The exceptions themselves are recorded on the way
 * ({@link Replay#watching}, rethrown unchanged) so that a failure names them.
 */
final class CaptureReplay {
    private CaptureReplay() {
    }

    /**
     * The result of one replay; {@code decoded} sums the events and the decoders' own counters
     * ({@code proto.*}: PDUs, parser errors, gaps...), so that it moves whenever a change of
     * input reached a decoder and changed what it made of it.
     */
    record Result(long exceptions, List<Throwable> thrown, long events, long decoded) {
    }

    static final FlowLimits LIMITS = FlowLimits.DEFAULTS.withMaxFlows(4096);

    /** The frames of a capture file; a file that is not a capture gives null. */
    static List<Replay.Frame> read(Path file) {
        try {
            return Replay.frames(file);
        } catch (IOException e) {
            return null;
        }
    }

    static Result replay(List<Replay.Frame> frames) {
        List<Throwable> thrown = new ArrayList<>();
        List<AnalyzerFactory> factories = new ArrayList<>();
        for (AnalyzerFactory f : Decoders.forWorker()) {
            factories.add(Replay.watching(f, thrown::add));
        }
        long[] events = new long[1];
        long[] exceptions = new long[1];
        long[] decoded = new long[1];
        Replay.run(frames, factories, LIMITS, e -> events[0]++, (name, value) -> {
            if (name.equals("analyzer.exceptions")) {
                exceptions[0] = value;
            } else if (name.startsWith("proto.")) {
                decoded[0] = decoded[0] * 31 + value;
            }
        });
        return new Result(exceptions[0], thrown, events[0], decoded[0] + events[0]);
    }

    /** "ExceptionClass: message at the innermost sensor frame" for failure messages. */
    static String describe(Throwable t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("io.impacketsensor.")) {
                return t + " at " + e;
            }
        }
        return t.toString();
    }
}
