package io.impacketsensor.core.flow;

import io.impacketsensor.core.capture.PcapFileReader;
import io.impacketsensor.core.capture.PcapWriter;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.packet.Frames;
import io.impacketsensor.core.packet.SymmetricFlowHash;
import io.impacketsensor.core.pipeline.CapturePipeline;
import io.impacketsensor.core.pipeline.PipelineOptions;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.wire.ProbeResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Flows that time out or end with the input, spread over several workers, reach the consumer in
 * the order one worker ends them (idle class, then least recently touched), between the same
 * frames, with the same flow ids. Synthetic raw-IPv4 UDP capture: 90 flows to port 5353, each
 * sending one to six datagrams 0.1 s apart at staggered starts over 30 s, with a 3-second UDP
 * timeout, so expiries end several flows of different workers at the same frame.
 */
class FlowEndOrderTest {
    private static final int LINKTYPE_RAW = 101;
    private static final FlowLimits LIMITS = FlowLimits.DEFAULTS.withTimeouts(60, 3600, 30, 3);

    @TempDir
    Path dir;

    /** Claims UDP 5353; its analyzers emit one event per datagram and one when the flow ends. */
    private static final class Emitting implements AnalyzerFactory {
        @Override
        public String name() {
            return "emitting";
        }

        @Override
        public boolean wantsPort(Transport transport, int serverPort) {
            return serverPort == 5353;
        }

        @Override
        public ProbeResult probe(Transport transport, Direction dir, byte[] buf, int off, int len) {
            return ProbeResult.MATCH;
        }

        @Override
        public FlowAnalyzer create(FlowContext ctx) {
            return new FlowAnalyzer() {
                @Override
                public boolean onData(Direction d, byte[] buf, int off, int len) {
                    ctx.emit(new ProtocolAnomaly(ctx.header(), "test.data", ctx.clientPort() + " " + buf[off]));
                    return true;
                }

                @Override
                public boolean onGap(Direction d, long len) {
                    return true;
                }

                @Override
                public void onClose() {
                    ctx.emit(new ProtocolAnomaly(ctx.header(), "test.end", Integer.toString(ctx.clientPort())));
                }
            };
        }

        @Override
        public void reportCounters(CounterVisitor visitor) {
        }
    }

    private Path capture() throws Exception {
        record Dgram(long ts, int flow, int n) {
        }
        List<Dgram> all = new ArrayList<>();
        for (int flow = 0; flow < 90; flow++) {
            long start = 1_000_000_000L + flow * 330_000_000L;
            for (int n = 0; n <= flow % 6; n++) {
                all.add(new Dgram(start + n * 100_000_000L, flow, n));
            }
        }
        all.sort((a, b) -> Long.compare(a.ts(), b.ts()));
        PcapWriter w = new PcapWriter(ByteOrder.LITTLE_ENDIAN, true, 65535, LINKTYPE_RAW);
        for (Dgram d : all) {
            byte[] udp = Frames.udp(20_000 + d.flow(), 5353, new byte[] {(byte) d.n(), 1, 2, 3});
            w.packet(d.ts(), Frames.ipv4("10.0.0." + (1 + d.flow() % 7), "10.0.1.1", 17, udp));
        }
        return w.writeTo(dir.resolve("udp.pcap"));
    }

    private static List<String> run(Path pcap, int workers) throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        Expectations expectations = Expectations.of(LIMITS);
        try (PcapFileReader r = PcapFileReader.open(pcap)) {
            CapturePipeline p = new CapturePipeline(r, new SymmetricFlowHash(),
                    (worker, n, sink) -> new PacketProcessor(worker, LIMITS, List.of(new Emitting()), expectations, sink),
                    e -> {
                        ProtocolAnomaly a = (ProtocolAnomaly) e;
                        seen.add(a.name() + " " + a.detail() + " flow " + a.header().flowId() + " at "
                                + a.header().timestampNanos());
                    }, new PipelineOptions(workers, 64, 64, 1000));
            assertTrue(p.run());
        }
        return seen;
    }

    @Test
    void flowEndsAndFlowIdsDoNotDependOnTheNumberOfWorkers() throws Exception {
        Path pcap = capture();
        List<String> one = run(pcap, 1);
        long ends = one.stream().filter(s -> s.startsWith("test.end")).count();
        assertEquals(90, ends, "every flow ends once");
        // Some flows time out mid-capture, together with flows of other workers; the rest end with the input.
        assertTrue(one.indexOf("test.end 20000 flow 256 at 1000000000") < one.size() / 2, "flow 0 timed out early");
        for (int workers = 2; workers <= 3; workers++) {
            for (int run = 0; run < 3; run++) {
                assertEquals(one, run(pcap, workers), workers + " workers, run " + run);
            }
        }
    }
}
