package io.impacketsensor.decoders.testsupport;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PcapFileReader;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.flow.Expectations;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.flow.PacketProcessor;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays a capture through the sensor's real packet path (pcap/pcapng reader, L2-L4 decoding,
 * flow table, TCP reassembly, analyzer registry), synchronously on the test thread, and collects
 * the events: the golden and parity tests see exactly what {@code impacket-sensor replay} sees.
 */
public final class PcapReplay {
    private PcapReplay() {
    }

    /** Replays a whole file and returns the events in emission order. */
    public static List<SensorEvent> run(Path file, List<? extends AnalyzerFactory> factories) throws IOException {
        List<SensorEvent> events = new ArrayList<>();
        FlowLimits limits = FlowLimits.DEFAULTS;
        PacketProcessor p = new PacketProcessor(0, limits, factories, Expectations.of(limits), events::add);
        FrameSlot slot = new FrameSlot();
        try (PcapFileReader r = PcapFileReader.open(file)) {
            while (r.next(slot)) {
                p.process(slot.linkType, slot.tsNanos, slot.data, slot.caplen, slot.wirelen);
            }
        } catch (io.impacketsensor.core.capture.PcapFormatException e) {
            throw new IOException(e);
        }
        p.finish();
        return events;
    }

    /** Events of one type, in order. */
    public static <T> List<T> of(List<SensorEvent> events, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (SensorEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    /** A recording context for unit tests that feed bytes directly. */
    public static final class RecordingContext implements FlowContext {
        public final List<SensorEvent> events = new ArrayList<>();
        private final Transport transport;
        private final int serverPort;

        public RecordingContext(Transport transport, int serverPort) {
            this.transport = transport;
            this.serverPort = serverPort;
        }

        @Override public long flowId() { return 7; }
        @Override public Transport transport() { return transport; }
        @Override public long timestampNanos() { return 1_700_000_000_000_000_000L; }
        @Override public int serverPort() { return serverPort; }
        @Override public int clientPort() { return 50000; }
        @Override public EventHeader header() {
            return new EventHeader(timestampNanos(), 7, InetAddress.getLoopbackAddress(), 50000,
                    InetAddress.getLoopbackAddress(), serverPort, transport);
        }
        @Override public void emit(SensorEvent event) { events.add(event); }
        @Override public void expect(InetAddress server, int port, String analyzerName) { }

        /** Events of one type, in order. */
        public <T> List<T> of(Class<T> type) {
            return PcapReplay.of(events, type);
        }
    }
}
