package io.impacketsensor.decoders.fuzz;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PcapFileReader;
import io.impacketsensor.core.capture.PcapFormatException;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.Expectations;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.flow.PacketProcessor;
import io.impacketsensor.core.wire.ProbeResult;
import io.impacketsensor.decoders.Decoders;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replays frames through the sensor's real per-worker packet path (L2-L4, flow table, TCP
 * reassembly, analyzer registry) with the production decoders of {@link Decoders#forWorker()}, and
 * reports the registry's {@code analyzer.exceptions}: the count of decoder exceptions the registry
 * caught, each one a release blocker. The exceptions themselves are recorded on the way (the
 * decoders' analyzers are wrapped, the exception rethrown unchanged) so that a failure names them.
 */
final class CaptureReplay {
    private CaptureReplay() {
    }

    /** One frame of a capture. */
    record Frame(int linkType, long tsNanos, byte[] data) {
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
    static List<Frame> read(Path file) {
        List<Frame> out = new ArrayList<>();
        FrameSlot s = new FrameSlot();
        try (PcapFileReader r = PcapFileReader.open(file)) {
            while (r.next(s)) {
                out.add(new Frame(s.linkType, s.tsNanos, Arrays.copyOf(s.data, s.caplen)));
            }
        } catch (PcapFormatException e) {
            return null;
        }
        return out;
    }

    static Result replay(List<Frame> frames) {
        List<Throwable> thrown = new ArrayList<>();
        List<AnalyzerFactory> factories = new ArrayList<>();
        for (AnalyzerFactory f : Decoders.forWorker()) {
            factories.add(recording(f, thrown));
        }
        long[] events = new long[1];
        PacketProcessor p = new PacketProcessor(0, LIMITS, factories, Expectations.of(LIMITS), e -> events[0]++);
        for (Frame f : frames) {
            p.process(f.linkType(), f.tsNanos(), f.data(), f.data().length, f.data().length);
        }
        p.finish();
        long[] exceptions = new long[1];
        long[] decoded = {events[0]};
        p.reportCounters((name, value) -> {
            if (name.equals("analyzer.exceptions")) {
                exceptions[0] = value;
            } else if (name.startsWith("proto.")) {
                decoded[0] = decoded[0] * 31 + value;
            }
        });
        return new Result(exceptions[0], thrown, events[0], decoded[0]);
    }

    private static AnalyzerFactory recording(AnalyzerFactory f, List<Throwable> thrown) {
        return new AnalyzerFactory() {
            @Override public String name() {
                return f.name();
            }
            @Override public boolean wantsPort(Transport transport, int serverPort) {
                return f.wantsPort(transport, serverPort);
            }
            @Override public boolean probesAnyPort() {
                return f.probesAnyPort();
            }
            @Override public ProbeResult probe(Transport transport, Direction dir, byte[] buf, int off, int len) {
                try {
                    return f.probe(transport, dir, buf, off, len);
                } catch (RuntimeException | StackOverflowError e) {
                    thrown.add(e);
                    throw e;
                }
            }
            @Override public void reportCounters(CounterVisitor visitor) {
                f.reportCounters(visitor);
            }
            @Override public FlowAnalyzer create(FlowContext ctx) {
                FlowAnalyzer a;
                try {
                    a = f.create(ctx);
                } catch (RuntimeException | StackOverflowError e) {
                    thrown.add(e);
                    throw e;
                }
                return new FlowAnalyzer() {
                    @Override public boolean onData(Direction dir, byte[] buf, int off, int len) {
                        try {
                            return a.onData(dir, buf, off, len);
                        } catch (RuntimeException | StackOverflowError e) {
                            thrown.add(e);
                            throw e;
                        }
                    }
                    @Override public boolean onGap(Direction dir, long len) {
                        try {
                            return a.onGap(dir, len);
                        } catch (RuntimeException | StackOverflowError e) {
                            thrown.add(e);
                            throw e;
                        }
                    }
                    @Override public void onClose() {
                        try {
                            a.onClose();
                        } catch (RuntimeException | StackOverflowError e) {
                            thrown.add(e);
                            throw e;
                        }
                    }
                };
            }
        };
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
