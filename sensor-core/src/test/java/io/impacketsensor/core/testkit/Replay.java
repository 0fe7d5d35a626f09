package io.impacketsensor.core.testkit;

import io.impacketsensor.core.capture.CaptureException;
import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PcapFileReader;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.Expectations;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.flow.PacketProcessor;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.wire.ProbeResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The one capture replay of the tests, on the sensor's real packet path as
 * {@code impacket-sensor replay} runs it: the pcap/pcapng reader, L2-L4 decoding and IP
 * defragmentation, the flow table, TCP reassembly, the analyzer registry with expectations, the
 * given analyzer factories — synchronously on the test thread, one worker — and the events in
 * emission order.
 */
public final class Replay {
    private Replay() {
    }

    /**
     * One frame of a capture held in memory, as the reader gave it: a test may replay a changed
     * copy (a fuzzing mutant).
     *
     * @param wirelen the frame's length on the wire (more than {@code data.length} when the
     *                capture cut it at its snap length)
     */
    public record Frame(int linkType, long tsNanos, byte[] data, int wirelen) {
        /** A frame that had on the wire exactly these bytes (a changed or synthetic frame). */
        public Frame(int linkType, long tsNanos, byte[] data) {
            this(linkType, tsNanos, data, data.length);
        }
    }

    /** Replays a whole capture and returns the events in emission order. */
    public static List<SensorEvent> events(Path pcap, List<? extends AnalyzerFactory> factories) throws IOException {
        return events(pcap, factories, FlowLimits.DEFAULTS);
    }

    /** The same with other flow limits. */
    public static List<SensorEvent> events(Path pcap, List<? extends AnalyzerFactory> factories, FlowLimits limits)
            throws IOException {
        List<SensorEvent> events = new ArrayList<>();
        run(frames(pcap), factories, limits, events::add, (name, value) -> { });
        return events;
    }

    /**
     * The frames of a capture (pcap or pcapng), in file order.
     *
     * @throws IOException naming the file, when it is missing, unreadable or not a capture
     */
    public static List<Frame> frames(Path pcap) throws IOException {
        List<Frame> out = new ArrayList<>();
        FrameSlot slot = new FrameSlot();
        try (PcapFileReader r = PcapFileReader.open(pcap)) {
            while (r.next(slot)) {
                if (slot.kind == FrameSlot.KIND_FRAME) {
                    out.add(new Frame(slot.linkType, slot.tsNanos, Arrays.copyOf(slot.data, slot.caplen), slot.wirelen));
                }
            }
        } catch (CaptureException e) {
            throw new IOException(e.getMessage(), e);
        }
        return out;
    }

    /**
     * Replays frames through the real packet path with the given factories on the test thread:
     * every event to {@code events} in emission order, then, once the flows have ended, the
     * worker's counters (the flow table's, the analyzer registry's {@code analyzer.*} and every
     * factory's) to {@code counters}.
     */
    public static void run(List<Frame> frames, List<? extends AnalyzerFactory> factories, FlowLimits limits,
                           Consumer<SensorEvent> events, CounterVisitor counters) {
        PacketProcessor p = new PacketProcessor(0, limits, factories, Expectations.of(limits), events::accept);
        for (Frame f : frames) {
            p.process(f.linkType(), f.tsNanos(), f.data(), f.data().length, f.wirelen());
        }
        p.finish();
        p.reportCounters(counters);
    }

    /** Events grouped by flow, flows in the order of their first event. */
    public static List<List<SensorEvent>> byFlow(List<SensorEvent> events) {
        Map<Long, List<SensorEvent>> flows = new LinkedHashMap<>();
        for (SensorEvent e : events) {
            flows.computeIfAbsent(e.header().flowId(), k -> new ArrayList<>()).add(e);
        }
        return new ArrayList<>(flows.values());
    }

    /** A factory whose analyzers are wrapped by {@code wrap}, e.g. to deliver each segment a byte at a time. */
    public static AnalyzerFactory wrapping(AnalyzerFactory f, UnaryOperator<FlowAnalyzer> wrap) {
        return wrapping(f, (ctx, a) -> wrap.apply(a));
    }

    /** The same, the wrapper seeing the flow's context too (to record what each flow receives). */
    public static AnalyzerFactory wrapping(AnalyzerFactory f, BiFunction<FlowContext, FlowAnalyzer, FlowAnalyzer> wrap) {
        return new Delegating(f) {
            @Override
            public FlowAnalyzer create(FlowContext ctx) {
                return wrap.apply(ctx, f.create(ctx));
            }
        };
    }

    /**
     * A factory that shows {@code thrown} every exception its probe, its {@code create} and its
     * analyzers throw, then rethrows it unchanged: the registry still catches and counts it
     * ({@code analyzer.exceptions}), and a test can say which one it was.
     */
    public static AnalyzerFactory watching(AnalyzerFactory f, Consumer<Throwable> thrown) {
        return new Delegating(f) {
            @Override
            public ProbeResult probe(Transport transport, Direction dir, byte[] buf, int off, int len) {
                try {
                    return f.probe(transport, dir, buf, off, len);
                } catch (RuntimeException | StackOverflowError e) {
                    thrown.accept(e);
                    throw e;
                }
            }

            @Override
            public FlowAnalyzer create(FlowContext ctx) {
                FlowAnalyzer a;
                try {
                    a = f.create(ctx);
                } catch (RuntimeException | StackOverflowError e) {
                    thrown.accept(e);
                    throw e;
                }
                return new FlowAnalyzer() {
                    @Override
                    public boolean onData(Direction dir, byte[] buf, int off, int len) {
                        try {
                            return a.onData(dir, buf, off, len);
                        } catch (RuntimeException | StackOverflowError e) {
                            thrown.accept(e);
                            throw e;
                        }
                    }

                    @Override
                    public boolean onGap(Direction dir, long len) {
                        try {
                            return a.onGap(dir, len);
                        } catch (RuntimeException | StackOverflowError e) {
                            thrown.accept(e);
                            throw e;
                        }
                    }

                    @Override
                    public void onClose() {
                        try {
                            a.onClose();
                        } catch (RuntimeException | StackOverflowError e) {
                            thrown.accept(e);
                            throw e;
                        }
                    }
                };
            }
        };
    }

    /** A factory that passes everything to another; subclasses change what they need. */
    private abstract static class Delegating implements AnalyzerFactory {
        final AnalyzerFactory f;

        Delegating(AnalyzerFactory f) {
            this.f = f;
        }

        @Override
        public String name() {
            return f.name();
        }

        @Override
        public boolean wantsPort(Transport transport, int serverPort) {
            return f.wantsPort(transport, serverPort);
        }

        @Override
        public boolean probesAnyPort() {
            return f.probesAnyPort();
        }

        @Override
        public ProbeResult probe(Transport transport, Direction dir, byte[] buf, int off, int len) {
            return f.probe(transport, dir, buf, off, len);
        }

        @Override
        public void reportCounters(CounterVisitor visitor) {
            f.reportCounters(visitor);
        }
    }

    /** An analyzer that passes each delivery on one byte at a time. */
    public static FlowAnalyzer bytewise(FlowAnalyzer a) {
        return new Forwarding(a) {
            @Override
            public boolean onData(Direction dir, byte[] buf, int off, int len) {
                for (int i = 0; i < len; i++) {
                    if (!a.onData(dir, buf, off + i, 1)) {
                        return false;
                    }
                }
                return true;
            }
        };
    }

    /** An analyzer that shows each delivery to {@code tap} (direction, a copy of the bytes), then passes it on. */
    public static FlowAnalyzer tapped(FlowAnalyzer a, BiConsumer<Direction, byte[]> tap) {
        return tapped(a, new Tap() {
            @Override
            public void data(Direction dir, byte[] buf, int off, int len) {
                tap.accept(dir, Arrays.copyOfRange(buf, off, off + len));
            }

            @Override
            public void gap(Direction dir, long len) {
            }
        });
    }

    /** What an analyzer received, per direction, in order: its raw payload and its gaps. */
    public interface Tap {
        /** Bytes delivered (the analyzer's own buffer: copy what is kept). */
        void data(Direction dir, byte[] buf, int off, int len);

        /** {@code len} bytes of the direction were lost. */
        void gap(Direction dir, long len);
    }

    /** An analyzer that shows each delivery and each gap to {@code tap} first, then passes it on. */
    public static FlowAnalyzer tapped(FlowAnalyzer a, Tap tap) {
        return new FlowAnalyzer() {
            @Override
            public boolean onData(Direction dir, byte[] buf, int off, int len) {
                tap.data(dir, buf, off, len);
                return a.onData(dir, buf, off, len);
            }

            @Override
            public boolean onGap(Direction dir, long len) {
                tap.gap(dir, len);
                return a.onGap(dir, len);
            }

            @Override
            public void onClose() {
                a.onClose();
            }
        };
    }

    /** Gaps and the close go straight to the wrapped analyzer. */
    private abstract static class Forwarding implements FlowAnalyzer {
        final FlowAnalyzer a;

        Forwarding(FlowAnalyzer a) {
            this.a = a;
        }

        @Override
        public boolean onGap(Direction dir, long len) {
            return a.onGap(dir, len);
        }

        @Override
        public void onClose() {
            a.onClose();
        }
    }
}
