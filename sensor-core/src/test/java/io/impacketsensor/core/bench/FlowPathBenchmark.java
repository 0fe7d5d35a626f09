package io.impacketsensor.core.bench;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PcapFileReader;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.Expectations;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.flow.PacketProcessor;
import io.impacketsensor.core.packet.Packet;
import io.impacketsensor.core.packet.PacketDecoder;
import io.impacketsensor.core.wire.ProbeResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * L2-L4 + flow table + TCP reassembly + analyzer dispatch, per packet, on a realistic mix: every
 * capture in {@code sensor-core/src/test/resources/pcaps} (lab SMB2/DCE-RPC/Kerberos/LDAP and the
 * public ones), repeated {@link #LAPS} times with the second address byte changed per lap so every
 * lap brings new flows, and shifted by an hour per pass so the previous pass's flows time out.
 * A counting analyzer claims the Windows ports (445, 139, 135, 88, 389, 3268) and probes any TCP
 * port, so payload is really reassembled, as with the protocol analyzers.
 *
 * <p>One operation = one packet. Run with {@code scripts/bench-flow.sh} (adds {@code -prof gc}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FlowPathBenchmark {
    static final int LAPS = 4;
    /** Frames replayed per benchmark invocation (JMH divides by this). */
    static final int BATCH = 4096;

    private byte[][] frames;
    private int[] linkTypes;
    private int[] caplens;
    private int[] wirelens;
    private long[] ts;
    private long span;
    private int next;
    private long passOffset;
    private PacketProcessor processor;

    @Setup(Level.Trial)
    public void load() throws IOException {
        Path dir = Path.of(System.getProperty("bench.pcaps", "sensor-core/src/test/resources/pcaps"));
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().matches(".*\\.(pcap|pcapng|cap)$")).sorted().toList();
        }
        List<byte[]> fr = new ArrayList<>();
        List<int[]> meta = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        Packet p = new Packet();
        long t = 0;
        for (int lap = 0; lap < LAPS; lap++) {
            for (Path f : files) {
                FrameSlot slot = new FrameSlot();
                try (PcapFileReader r = PcapFileReader.open(f)) {
                    long first = -1;
                    long last = 0;
                    while (r.next(slot)) {
                        byte[] b = java.util.Arrays.copyOf(slot.data, slot.caplen);
                        shiftAddresses(p, slot.linkType, b, lap);
                        if (first < 0) {
                            first = slot.tsNanos;
                        }
                        last = slot.tsNanos - first;
                        fr.add(b);
                        meta.add(new int[] {slot.linkType, slot.caplen, slot.wirelen});
                        times.add(t + last);
                    }
                    t += last + 1_000_000L;
                } catch (Exception e) {
                    throw new IllegalStateException(f + ": " + e, e);
                }
            }
        }
        int n = fr.size();
        frames = fr.toArray(new byte[0][]);
        linkTypes = new int[n];
        caplens = new int[n];
        wirelens = new int[n];
        ts = new long[n];
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            linkTypes[i] = meta.get(i)[0];
            caplens[i] = meta.get(i)[1];
            wirelens[i] = meta.get(i)[2];
            ts[i] = times.get(i);
            bytes += wirelens[i];
        }
        span = t + 3_600_000_000_000L;
        System.out.printf("%nmix: %d captures x %d laps = %d frames, %d bytes (avg %d B/frame)%n",
                files.size(), LAPS, n, bytes, bytes / n);
        FlowLimits limits = FlowLimits.DEFAULTS;
        processor = new PacketProcessor(0, limits, List.of(new CountingFactory()), Expectations.of(limits), e -> { });
    }

    /** Changes the second byte of both IP addresses so each lap is a new set of hosts. */
    private static void shiftAddresses(Packet p, int linkType, byte[] b, int lap) {
        if (lap == 0 || PacketDecoder.decodeLink(p, linkType, 0, b, b.length, b.length) != PacketDecoder.OK) {
            return;
        }
        int off = p.l3Off;
        int v = (b[off] & 0xFF) >>> 4;
        if (v == 4 && off + 20 <= b.length) {
            b[off + 13] = (byte) (b[off + 13] + lap);
            b[off + 17] = (byte) (b[off + 17] + lap);
        } else if (v == 6 && off + 40 <= b.length) {
            b[off + 9] = (byte) (b[off + 9] + lap);
            b[off + 25] = (byte) (b[off + 25] + lap);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void packet() {
        PacketProcessor proc = processor;
        int i = next;
        for (int k = 0; k < BATCH; k++) {
            proc.process(linkTypes[i], passOffset + ts[i], frames[i], caplens[i], wirelens[i]);
            if (++i == frames.length) {
                i = 0;
                passOffset += span;
            }
        }
        next = i;
    }

    @TearDown(Level.Trial)
    public void report() {
        StringBuilder sb = new StringBuilder("\ncounters:");
        CounterVisitor v = (name, value) -> {
            if (value != 0) {
                sb.append(' ').append(name).append('=').append(value);
            }
        };
        processor.reportCounters(v);
        System.out.println(sb);
    }

    /** Counts bytes; stands in for the protocol analyzers (claims their ports, probes any TCP port). */
    static final class CountingFactory implements AnalyzerFactory {
        long bytes;
        private final Counter counter = new Counter(this);

        @Override
        public String name() {
            return "bench";
        }

        @Override
        public boolean wantsPort(Transport transport, int serverPort) {
            return serverPort == 445 || serverPort == 139 || serverPort == 135 || serverPort == 88
                    || serverPort == 389 || serverPort == 3268;
        }

        @Override
        public boolean probesAnyPort() {
            return true;
        }

        @Override
        public ProbeResult probe(Transport transport, Direction dir, byte[] buf, int off, int len) {
            // First-byte checks like the real probes': NBSS session message / Kerberos record
            // length (0x00), DCE/RPC version 5, BER SEQUENCE (LDAP); UDP datagrams always match.
            int b = buf[off] & 0xFF;
            if (transport == Transport.UDP || b == 0x00 || b == 0x05 || b == 0x30) {
                return ProbeResult.MATCH;
            }
            return ProbeResult.NO_MATCH;
        }

        @Override
        public FlowAnalyzer create(FlowContext ctx) {
            // Stateless, so one shared instance: the allocation figure is the packet path's own.
            return counter;
        }

        @Override
        public void reportCounters(CounterVisitor visitor) {
            visitor.counter("bench.bytes", bytes);
        }
    }

    static final class Counter implements FlowAnalyzer {
        private final CountingFactory f;

        Counter(CountingFactory f) {
            this.f = f;
        }

        @Override
        public boolean onData(Direction dir, byte[] buf, int off, int len) {
            f.bytes += len;
            return true;
        }

        @Override
        public boolean onGap(Direction dir, long len) {
            return true;
        }

        @Override
        public void onClose() {
        }
    }
}
