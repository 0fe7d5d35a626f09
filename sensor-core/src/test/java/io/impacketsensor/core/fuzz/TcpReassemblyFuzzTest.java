package io.impacketsensor.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.Expectations;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.flow.PacketProcessor;
import io.impacketsensor.core.packet.Frames;
import io.impacketsensor.core.packet.LinkTypes;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzz target with an oracle: TCP reassembly must deliver, per direction, a contiguous run of
 * the stream that was sent, whatever the order, overlap, duplication, loss and flags of the
 * segments. Each direction carries a fixed pseudo-random stream; every segment is a correct slice
 * of it at its sequence number, so any delivered byte that is not the stream byte at the
 * analyzer's position (after counting reported gaps) is a reassembly bug, as is an exception.
 *
 * <p>Input: 8 bytes (client and server initial sequence numbers, big-endian, so wrap-around is
 * reachable), then 7-byte segment records: control (bit 0 direction; bits 1-4 SYN, FIN, RST, no
 * ACK; bit 7 the clock jumps two minutes), stream offset (16 bits), length (16 bits, at most
 * 4096 used), acknowledged offset of the other direction (16 bits). Seeds are synthetic segment
 * schedules (in order, reordered, overlapping, lossy, wrapped; corpus README).
 */
class TcpReassemblyFuzzTest {
    static final int STREAM = 70_000;
    static final FlowLimits LIMITS = FlowLimits.DEFAULTS.withMaxFlows(16).withOutOfOrder(16_384, 32, 8);

    static byte streamByte(int dir, int i) {
        int h = i * 0x9E3779B1 + dir * 0x7F4A7C15;
        h ^= h >>> 15;
        h *= 0x2C1B3C6D;
        h ^= h >>> 12;
        return (byte) (h >>> 24);
    }

    /** Where, in the stream, one analyzer direction may be: every offset consistent so far. */
    static final class Track {
        List<Integer> candidates;

        void data(int dir, byte[] buf, int off, int len) {
            if (len == 0) {
                return;
            }
            List<Integer> next = new ArrayList<>();
            if (candidates == null) {
                for (int o = 0; o + len <= STREAM; o++) {
                    if (matches(dir, o, buf, off, len)) {
                        next.add(o + len);
                    }
                }
            } else {
                for (int o : candidates) {
                    if (o + len <= STREAM && matches(dir, o, buf, off, len)) {
                        next.add(o + len);
                    }
                }
            }
            if (next.isEmpty()) {
                throw new AssertionError("direction " + dir + ": " + len
                        + " delivered bytes are not the next bytes of the stream");
            }
            candidates = next;
        }

        void gap(long len) {
            if (candidates != null) {
                candidates.replaceAll(o -> (int) Math.min(STREAM, o + len));
            }
        }

        static boolean matches(int dir, int o, byte[] buf, int off, int len) {
            for (int k = 0; k < len; k++) {
                if (buf[off + k] != streamByte(dir, o + k)) {
                    return false;
                }
            }
            return true;
        }
    }

    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        if (data.length < 8) {
            return;
        }
        Map<Object, Track[]> tracks = new IdentityHashMap<>();
        PassThroughFactory.Listener oracle = new PassThroughFactory.Listener() {
            @Override
            public void data(FlowContext ctx, Object analyzer, Direction dir, byte[] buf, int off, int len) {
                int sender = sender(ctx, dir);
                tracks.computeIfAbsent(analyzer, a -> new Track[] {new Track(), new Track()})[sender]
                        .data(sender, buf, off, len);
            }

            @Override
            public void gap(FlowContext ctx, Object analyzer, Direction dir, long len) {
                if (len <= 0) {
                    throw new AssertionError("gap of " + len + " bytes");
                }
                tracks.computeIfAbsent(analyzer, a -> new Track[] {new Track(), new Track()})[sender(ctx, dir)].gap(len);
            }
        };
        PacketProcessor p = new PacketProcessor(0, LIMITS, List.of(new PassThroughFactory(oracle)),
                Expectations.of(LIMITS), e -> { });
        long[] isn = {u32(data, 0), u32(data, 4)};
        // A FIN takes the sequence number after the last byte sent: it is only sent at or past the
        // end of what that side already sent, and no stream byte is sent at or after it.
        int[] finAt = {Integer.MAX_VALUE, Integer.MAX_VALUE};
        int[] sentEnd = {0, 0};
        long now = 1_700_000_000_000_000_000L;
        for (int i = 8; i + 7 <= data.length; i += 7) {
            int ctl = data[i] & 0xff;
            int dir = ctl & 1;
            int off = u16(data, i + 1);
            int len = Math.min(u16(data, i + 3), 4096);
            int ackOff = u16(data, i + 5);
            boolean syn = (ctl & 0x02) != 0;
            boolean fin = (ctl & 0x04) != 0;
            int start = syn ? 0 : off;
            len = Math.max(0, Math.min(len, finAt[dir] - start));
            fin &= start + len >= sentEnd[dir];
            if (fin) {
                finAt[dir] = Math.min(finAt[dir], start + len);
            }
            sentEnd[dir] = Math.max(sentEnd[dir], start + len);
            int flags = (syn ? Frames.SYN : 0) | (fin ? Frames.FIN : 0) | ((ctl & 0x08) != 0 ? Frames.RST : 0)
                    | ((ctl & 0x10) != 0 ? 0 : Frames.ACK);
            byte[] payload = new byte[len];
            for (int k = 0; k < len; k++) {
                payload[k] = streamByte(dir, start + k);
            }
            long seq = syn ? isn[dir] : isn[dir] + 1 + off;
            long ack = isn[1 - dir] + 1 + ackOff;
            byte[] l4 = dir == 0
                    ? Frames.tcp(50000, 445, seq, ack, flags, null, payload)
                    : Frames.tcp(445, 50000, seq, ack, flags, null, payload);
            byte[] frame = Frames.ether(dir == 0 ? Frames.ipv4("10.0.0.1", "10.0.0.2", 6, l4)
                    : Frames.ipv4("10.0.0.2", "10.0.0.1", 6, l4));
            now += (ctl & 0x80) != 0 ? 120_000_000_000L : 1_000_000L;
            p.process(LinkTypes.ETHERNET, now, frame, frame.length, frame.length);
        }
        p.finish();
        long[] exceptions = new long[1];
        p.reportCounters((name, value) -> {
            if (name.equals("analyzer.exceptions")) {
                exceptions[0] = value;
            }
        });
        assertEquals(0, exceptions[0], "analyzer.exceptions");
    }

    /**
     * Which side sent these bytes (0 = the host on port 50000): the flow layer names directions
     * after whoever it decided is the client, which a SYN from port 445 turns round.
     */
    static int sender(FlowContext ctx, Direction dir) {
        boolean clientIs50000 = ctx.clientPort() == 50000;
        return (dir == Direction.TO_SERVER) == clientIs50000 ? 0 : 1;
    }

    static long u32(byte[] b, int i) {
        return ((long) (b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }
}
