package io.impacketsensor.decoders.bench;

import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.smb.SmbAnalyzerFactory;
import io.impacketsensor.decoders.Decoders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.impacketsensor.decoders.testutil.Smb2Wire.*;

/**
 * The SMB2 analyzer on reassembled streams, delivered per TCP segment (1448 bytes) or in 64 KiB pieces:
 * <ul>
 *   <li>{@code bulkCopy}: a 64 MiB file copy (1 MiB WRITEs, then 1 MiB READs back), so nearly every
 *       byte is bulk data that must be skipped by length; one op = the whole copy.</li>
 *   <li>{@code metadata}: a directory walk of small PDUs (CREATE, QUERY_DIRECTORY, SET_INFO,
 *       CLOSE pairs); one op = 1,000 request/response pairs = 1,000 events.</li>
 * </ul>
 * Run: {@code scripts/bench-smb2.sh}. GB/s = copyBytes / (ms per op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class Smb2AnalyzerBench {
    static final long SID = 0x4400000011L;
    static final int TREE = 7;

    /** Bytes per onData call: one TCP segment (1448) or a coalesced 64 KiB delivery. */
    @Param({"1448", "65536"})
    int chunk;

    /** Direction-tagged stream pieces, in order. */
    List<Direction> dirs;
    List<byte[]> pieces;
    List<Direction> metaDirs;
    List<byte[]> metaPieces;
    /** Bytes of the copy conversation (both directions). */
    long copyBytes;
    SmbAnalyzerFactory factory;

    @Setup(Level.Trial)
    public void setup() {
        factory = (SmbAnalyzerFactory) Decoders.forWorker(DecoderConfig.defaults()).get(0);
        dirs = new ArrayList<>();
        pieces = new ArrayList<>();
        open(dirs, pieces);
        byte[] data = new byte[1 << 20];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        for (int i = 0; i < 32; i++) {
            add(dirs, pieces, Direction.TO_SERVER, nbss(msg(9, 0, false, 100 + i, TREE, SID, writeReq(1, 2, data))));
            add(dirs, pieces, Direction.TO_CLIENT, nbss(msg(9, 0, true, 100 + i, TREE, SID, writeResp(data.length))));
        }
        for (int i = 0; i < 32; i++) {
            add(dirs, pieces, Direction.TO_SERVER, nbss(msg(8, 0, false, 200 + i, TREE, SID, readReq(1, 2, data.length))));
            add(dirs, pieces, Direction.TO_CLIENT, nbss(msg(8, 0, true, 200 + i, TREE, SID, readResp(data))));
        }
        copyBytes = 0;
        for (byte[] p : pieces) {
            copyBytes += p.length;
        }
        metaDirs = new ArrayList<>();
        metaPieces = new ArrayList<>();
        open(metaDirs, metaPieces);
        for (int i = 0; i < 250; i++) {
            long id = 1000 + 4L * i;
            long vol = 100 + i;
            String name = "dir\\sub\\file" + i + ".txt";
            add(metaDirs, metaPieces, Direction.TO_SERVER, nbss(msg(5, 0, false, id, TREE, SID, createReq(name, 0x80, 1, 0x40))));
            add(metaDirs, metaPieces, Direction.TO_CLIENT, nbss(msg(5, 0, true, id, TREE, SID, createResp(vol, vol))));
            add(metaDirs, metaPieces, Direction.TO_SERVER, nbss(msg(14, 0, false, id + 1, TREE, SID,
                    new Body().u16(33).u8(37).u8(0).u32(0).u64(vol).u64(vol).u16(96).u16(2).u32(65536).bytes(utf16("*")).build())));
            add(metaDirs, metaPieces, Direction.TO_CLIENT, nbss(msg(14, 0x80000006L, true, id + 1, TREE, SID, errorResp())));
            add(metaDirs, metaPieces, Direction.TO_SERVER, nbss(msg(17, 0, false, id + 2, TREE, SID, renameReq(vol, vol, name + ".bak"))));
            add(metaDirs, metaPieces, Direction.TO_CLIENT, nbss(msg(17, 0, true, id + 2, TREE, SID, smallResp(2))));
            add(metaDirs, metaPieces, Direction.TO_SERVER, nbss(msg(6, 0, false, id + 3, TREE, SID, closeReq(vol, vol))));
            add(metaDirs, metaPieces, Direction.TO_CLIENT, nbss(msg(6, 0, true, id + 3, TREE, SID, closeResp())));
        }
    }

    /** Tree connect and the CREATE of the copied file. */
    private static void open(List<Direction> d, List<byte[]> p) {
        add(d, p, Direction.TO_SERVER, nbss(msg(3, 0, false, 1, 0, SID, treeConnectReq("\\\\fs1\\share"))));
        add(d, p, Direction.TO_CLIENT, nbss(msg(3, 0, true, 1, TREE, SID, treeConnectResp(1))));
        add(d, p, Direction.TO_SERVER, nbss(msg(5, 0, false, 2, TREE, SID, createReq("big.iso", 0x12019f, 5, 0x40))));
        add(d, p, Direction.TO_CLIENT, nbss(msg(5, 0, true, 2, TREE, SID, createResp(1, 2))));
    }

    private static void add(List<Direction> d, List<byte[]> p, Direction dir, byte[] b) {
        d.add(dir);
        p.add(b);
    }

    /** Feeds pieces in chunks of at most {@code chunk} bytes, as TCP reassembly would hand them over. */
    private static long feed(FlowAnalyzer a, List<Direction> dirs, List<byte[]> pieces, int chunk) {
        long fed = 0;
        for (int i = 0; i < pieces.size(); i++) {
            byte[] b = pieces.get(i);
            for (int off = 0; off < b.length; off += chunk) {
                int n = Math.min(chunk, b.length - off);
                a.onData(dirs.get(i), b, off, n);
                fed += n;
            }
        }
        return fed;
    }

    @Benchmark
    public long bulkCopy(Blackhole bh) {
        CountingContext ctx = new CountingContext(bh);
        FlowAnalyzer a = factory.create(ctx);
        long fed = feed(a, dirs, pieces, chunk);
        a.onClose();
        return fed + ctx.events;
    }

    @Benchmark
    public long metadata(Blackhole bh) {
        CountingContext ctx = new CountingContext(bh);
        FlowAnalyzer a = factory.create(ctx);
        feed(a, metaDirs, metaPieces, chunk);
        a.onClose();
        return ctx.events;
    }

    /** Counts events and sinks them into the blackhole. */
    static final class CountingContext implements FlowContext {
        private static final InetAddress C = InetAddress.getLoopbackAddress();
        final Blackhole bh;
        long events;

        CountingContext(Blackhole bh) {
            this.bh = bh;
        }

        @Override
        public long flowId() {
            return 1;
        }

        @Override
        public Transport transport() {
            return Transport.TCP;
        }

        @Override
        public long timestampNanos() {
            return 0;
        }

        @Override
        public int serverPort() {
            return 445;
        }

        @Override
        public int clientPort() {
            return 50000;
        }

        @Override
        public EventHeader header() {
            return new EventHeader(0, 1, C, 50000, C, 445, Transport.TCP);
        }

        @Override
        public void emit(SensorEvent event) {
            events++;
            bh.consume(event);
        }

        @Override
        public void expect(InetAddress server, int port, String analyzerName) {
        }
    }

    /**
     * Prints the stream sizes (to turn ms/op into GB/s and events/s) and, with an argument N,
     * runs each benchmark N times measuring this thread's CPU time: figures per CPU-second, which
     * a machine shared with other jobs does not distort the way wall-clock time is.
     */
    public static void main(String[] args) {
        Smb2AnalyzerBench b = new Smb2AnalyzerBench();
        b.chunk = args.length > 1 ? Integer.parseInt(args[1]) : 65536;
        b.setup();
        long meta = 0;
        for (byte[] p : b.metaPieces) {
            meta += p.length;
        }
        System.out.println("bulkCopy bytes/op " + b.copyBytes + ", metadata bytes/op " + meta + ", events/op 1000");
        if (args.length == 0) {
            return;
        }
        int n = Integer.parseInt(args[0]);
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        for (int round = 0; round < 2; round++) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                b.bulkCopy(bh);
            }
            long t1 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                b.metadata(bh);
            }
            long t2 = mx.getCurrentThreadCpuTime();
            System.out.printf("chunk %d round %d: bulkCopy %.1f GB/s per CPU-second, metadata %.0f events/s per CPU-second%n",
                    b.chunk, round, (double) b.copyBytes * n / (t1 - t0), 1000.0 * n * 1e9 / (t2 - t1));
        }
    }
}
