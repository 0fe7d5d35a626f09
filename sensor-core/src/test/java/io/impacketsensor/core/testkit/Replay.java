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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
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

    /** Replays a whole capture and returns the events in emission order. */
    public static List<SensorEvent> events(Path pcap, List<? extends AnalyzerFactory> factories) throws IOException {
        return events(pcap, factories, FlowLimits.DEFAULTS);
    }

    /** The same with other flow limits. */
    public static List<SensorEvent> events(Path pcap, List<? extends AnalyzerFactory> factories, FlowLimits limits)
            throws IOException {
        List<SensorEvent> events = new ArrayList<>();
        PacketProcessor p = new PacketProcessor(0, limits, factories, Expectations.of(limits), events::add);
        FrameSlot slot = new FrameSlot();
        try (PcapFileReader r = PcapFileReader.open(pcap)) {
            while (r.next(slot)) {
                if (slot.kind == FrameSlot.KIND_FRAME) {
                    p.process(slot.linkType, slot.tsNanos, slot.data, slot.caplen, slot.wirelen);
                }
            }
        } catch (CaptureException e) {
            throw new IOException(e.getMessage(), e);
        }
        p.finish();
        return events;
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
        return new AnalyzerFactory() {
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
            public FlowAnalyzer create(FlowContext ctx) {
                return wrap.apply(ctx, f.create(ctx));
            }

            @Override
            public void reportCounters(CounterVisitor visitor) {
                f.reportCounters(visitor);
            }
        };
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
        return new Forwarding(a) {
            @Override
            public boolean onData(Direction dir, byte[] buf, int off, int len) {
                tap.accept(dir, java.util.Arrays.copyOfRange(buf, off, off + len));
                return a.onData(dir, buf, off, len);
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
