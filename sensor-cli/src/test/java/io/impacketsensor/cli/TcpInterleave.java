package io.impacketsensor.cli;

import io.impacketsensor.cli.LabFrames.Frame;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: rewrites the TCP segments of a capture so that the two directions of each
 * connection are interleaved, keeping every TCP rule a receiver checks. Each direction stays in
 * sequence order (no byte is sent twice or out of order), a segment split in two keeps consecutive
 * sequence numbers, the acknowledgement number of a rewritten packet never acknowledges bytes of
 * the other direction that have not been sent yet (RFC 9293 3.4: an ACK covers only data
 * received), and the IPv4 header and TCP checksums are recomputed (RFC 791, RFC 9293 3.1).
 *
 * <p>What changes is only the order in which the two directions' bytes appear: a side may send
 * its next message before the other side's previous message has fully arrived, which TCP allows
 * (the bytes wait in the peer's receive buffer) and which is what an attacker does to test
 * whether a sensor keeps one direction's framing apart from the other's.
 */
final class TcpInterleave {
    private TcpInterleave() {
    }

    /** Offsets of one Ethernet/IP/TCP frame; null from {@link #parse} when it is not plain TCP. */
    private record Tcp(String conn, int dir, int ipOff, boolean v4, int ipHdr, int tcpOff, int tcpHdr,
                       int payloadOff, int payloadLen, int seq, int flags) {
        boolean fin() {
            return (flags & 0x01) != 0;
        }

        boolean syn() {
            return (flags & 0x02) != 0;
        }

        boolean rst() {
            return (flags & 0x04) != 0;
        }

        boolean ack() {
            return (flags & 0x10) != 0;
        }
    }

    /** The rewriting state of one connection. */
    private static final class Conn {
        /** Per direction, the second half of a split segment waiting to be sent. */
        final Frame[] held = new Frame[2];
        /** Per direction, the sequence number after the last byte (or SYN/FIN) sent so far. */
        final int[] sentEnd = new int[2];
        final boolean[] sent = new boolean[2];
        /** The direction of the server's bytes (the SYN's receiver), -1 until known. */
        int serverDir = -1;
    }

    /**
     * Every data segment of at least two bytes is split in half, and the second half of each
     * server segment is sent only after the first half of the client's next data segment: the
     * directions are interleaved at every boundary where the client speaks after the server. Only
     * the server's bytes are held back, because a client may send its next request while a reply
     * is still arriving, but a server cannot answer a request before it has received it.
     */
    static Interleaved everySegmentBoundary(List<Frame> in) {
        Out out = new Out();
        int moved = 0;
        Map<String, Conn> conns = new LinkedHashMap<>();
        Conn holding = null;
        for (Frame f : in) {
            Tcp t = parse(f.data());
            Conn c = t == null ? null : conns.computeIfAbsent(t.conn(), k -> new Conn());
            if (holding != null && holding != c) {
                // Only the two directions of one connection are interleaved: a relay's two
                // connections keep their order (the relay forwards a message only once it has it).
                flush(out, holding, 0, f.tsNanos());
                flush(out, holding, 1, f.tsNanos());
            }
            holding = c;
            if (t == null) {
                out.add(f, f.tsNanos());
                continue;
            }
            if (t.syn() && !t.ack()) {
                c.serverDir = 1 - t.dir();
            } else if (c.serverDir < 0) {
                // Picked up without its handshake: the lower port is the service's.
                c.serverDir = u16(f.data(), t.tcpOff()) < u16(f.data(), t.tcpOff() + 2) ? t.dir() : 1 - t.dir();
            }
            if (t.syn() || t.fin() || t.rst() || t.payloadLen() < 2) {
                if (t.syn() || t.fin() || t.rst() || t.payloadLen() > 0) {
                    flush(out, c, t.dir(), f.tsNanos());
                    flush(out, c, 1 - t.dir(), f.tsNanos());
                }
                send(out, c, t, f, 0, t.payloadLen(), f.tsNanos());
                continue;
            }
            int h = t.payloadLen() / 2;
            flush(out, c, t.dir(), f.tsNanos());
            send(out, c, t, f, 0, h, f.tsNanos());
            if (c.held[1 - t.dir()] != null) {
                moved++;
            }
            flush(out, c, 1 - t.dir(), f.tsNanos());
            if (t.dir() == c.serverDir) {
                c.held[t.dir()] = slice(f, t, h, t.payloadLen(), ackOf(f.data(), t));
            } else {
                send(out, c, t, f, h, t.payloadLen(), f.tsNanos());
            }
        }
        for (Conn c : conns.values()) {
            flush(out, c, 0, out.lastTs);
            flush(out, c, 1, out.lastTs);
        }
        return new Interleaved(out.frames, moved);
    }

    /**
     * The rewritten frames, and how many server segments' second halves were sent after the first
     * half of the client's next segment (the boundaries actually interleaved).
     */
    record Interleaved(List<Frame> frames, int boundaries) {
    }

    /**
     * The data segment at {@code index} (the head of a message) is split after {@code headBytes},
     * and its head is sent before the second half of the last data segment of the other direction
     * that precedes it: that segment is split in half and its second half follows the head.
     *
     * @return the rewritten frames; fails when no earlier segment of the other direction exists
     */
    static List<Frame> headBeforeReplyEnd(List<Frame> in, int index, int headBytes) {
        Tcp q = parse(in.get(index).data());
        if (q == null || q.payloadLen() <= headBytes) {
            throw new IllegalArgumentException("frame " + index + " is not a data segment longer than " + headBytes);
        }
        int r = -1;
        for (int i = index - 1; i >= 0 && r < 0; i--) {
            Tcp t = parse(in.get(i).data());
            if (t != null && t.conn().equals(q.conn()) && t.dir() != q.dir() && t.payloadLen() >= 2) {
                r = i;
            }
        }
        if (r < 0) {
            throw new IllegalArgumentException("no data of the other direction before frame " + index);
        }
        Tcp rt = parse(in.get(r).data());
        Out out = new Out();
        Conn c = new Conn();
        Frame held = null;
        for (int i = 0; i < in.size(); i++) {
            Frame f = in.get(i);
            Tcp t = parse(f.data());
            if (t == null || !t.conn().equals(q.conn())) {
                out.add(f, f.tsNanos());
            } else if (i == r) {
                int h = t.payloadLen() / 2;
                send(out, c, t, f, 0, h, f.tsNanos());
                held = slice(f, t, h, t.payloadLen(), ackOf(f.data(), t));
            } else if (i == index) {
                send(out, c, t, f, 0, headBytes, f.tsNanos());
                c.held[rt.dir()] = held;
                flush(out, c, rt.dir(), f.tsNanos());
                send(out, c, t, f, headBytes, t.payloadLen(), f.tsNanos());
            } else {
                send(out, c, t, f, 0, t.payloadLen(), f.tsNanos());
            }
        }
        return out.frames;
    }

    /**
     * Inserts {@code bytes} into the TCP stream of the data segment at {@code index}, as a segment
     * of their own sent just before it: later sequence numbers of that direction move up by their
     * length, and so do the other direction's acknowledgements past the insertion point.
     */
    static List<Frame> insertBefore(List<Frame> in, int index, byte[] bytes) {
        Tcp q = parse(in.get(index).data());
        if (q == null) {
            throw new IllegalArgumentException("frame " + index + " is not TCP");
        }
        int n = bytes.length;
        int at = q.seq();
        List<Frame> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            Frame f = in.get(i);
            Tcp t = parse(f.data());
            if (t == null || !t.conn().equals(q.conn()) || i < index) {
                out.add(f);
                continue;
            }
            if (i == index) {
                out.add(build(f, t, bytes, 0, n, at, ackOf(f.data(), t), true, false));
            }
            if (t.dir() == q.dir()) {
                if (t.seq() - at >= 0) {
                    f = build(f, t, f.data(), t.payloadOff(), t.payloadLen(), t.seq() + n, ackOf(f.data(), t), true, true);
                }
            } else if (t.ack() && ackOf(f.data(), t) - at > 0) {
                f = slice(f, t, 0, t.payloadLen(), ackOf(f.data(), t) + n);
            }
            out.add(f);
        }
        return out;
    }

    /** The frames written so far, with non-decreasing timestamps. */
    private static final class Out {
        final List<Frame> frames = new ArrayList<>();
        long lastTs = Long.MIN_VALUE;

        void add(Frame f, long ts) {
            lastTs = Math.max(lastTs, ts);
            frames.add(new Frame(lastTs, f.data(), f.data().length));
        }
    }

    private static void flush(Out out, Conn c, int dir, long ts) {
        Frame h = c.held[dir];
        if (h != null) {
            c.held[dir] = null;
            Tcp t = parse(h.data());
            send(out, c, t, h, 0, t.payloadLen(), ts);
        }
    }

    /** Sends payload bytes {@code [from, to)} of {@code f}, its ACK clamped to what was sent. */
    private static void send(Out out, Conn c, Tcp t, Frame f, int from, int to, long ts) {
        Frame s = slice(f, t, from, to, ackOf(f.data(), t));
        Tcp st = parse(s.data());
        if (st.ack() && c.sent[1 - st.dir()]) {
            int ack = ackOf(s.data(), st);
            if (ack - c.sentEnd[1 - st.dir()] > 0) {
                s = slice(s, st, 0, st.payloadLen(), c.sentEnd[1 - st.dir()]);
            }
        }
        int end = st.seq() + st.payloadLen() + (st.syn() ? 1 : 0) + (st.fin() ? 1 : 0);
        if (!c.sent[st.dir()] || end - c.sentEnd[st.dir()] > 0) {
            c.sentEnd[st.dir()] = end;
            c.sent[st.dir()] = true;
        }
        out.add(s, ts);
    }

    private static int ackOf(byte[] b, Tcp t) {
        return u32(b, t.tcpOff() + 8);
    }

    /**
     * A copy of frame {@code f} carrying payload bytes {@code [from, to)}: sequence number advanced
     * by {@code from}, FIN kept only on the part that ends the payload, SYN only on the first,
     * lengths and checksums recomputed.
     */
    private static Frame slice(Frame f, Tcp t, int from, int to, int ack) {
        return build(f, t, f.data(), t.payloadOff() + from, to - from, t.seq() + from, ack, from == 0, to == t.payloadLen());
    }

    /**
     * A frame with the headers of {@code f} carrying {@code len} bytes of {@code src} from
     * {@code srcOff}: sequence and acknowledgement numbers as given, SYN kept only when
     * {@code first}, FIN only when {@code last}, lengths and checksums recomputed.
     */
    private static Frame build(Frame f, Tcp t, byte[] src, int srcOff, int len, int seq, int ack, boolean first,
                               boolean last) {
        int hdr = t.payloadOff();
        byte[] b = new byte[hdr + len];
        System.arraycopy(f.data(), 0, b, 0, hdr);
        System.arraycopy(src, srcOff, b, hdr, len);
        int ipLen = t.ipHdr() + t.tcpHdr() + len;
        if (t.v4()) {
            put16(b, t.ipOff() + 2, ipLen);
        } else {
            put16(b, t.ipOff() + 4, t.tcpHdr() + len);
        }
        put32(b, t.tcpOff() + 4, seq);
        put32(b, t.tcpOff() + 8, ack);
        int flags = t.flags();
        if (!last) {
            flags &= ~0x01;
        }
        if (!first) {
            flags &= ~0x02;
        }
        b[t.tcpOff() + 13] = (byte) flags;
        if (t.v4()) {
            put16(b, t.ipOff() + 10, 0);
            put16(b, t.ipOff() + 10, checksum(b, t.ipOff(), t.ipHdr(), 0));
        }
        int tcpLen = t.tcpHdr() + len;
        put16(b, t.tcpOff() + 16, 0);
        long pseudo = 0;
        if (t.v4()) {
            pseudo += sum(b, t.ipOff() + 12, 8);
        } else {
            pseudo += sum(b, t.ipOff() + 8, 32);
        }
        pseudo += 6 + tcpLen;
        put16(b, t.tcpOff() + 16, checksum(b, t.tcpOff(), tcpLen, pseudo));
        return new Frame(f.tsNanos(), b, b.length);
    }

    /** Parses an Ethernet (optionally 802.1Q) IPv4/IPv6 TCP frame that is not an IP fragment. */
    private static Tcp parse(byte[] b) {
        if (b.length < 14) {
            return null;
        }
        int off = 12;
        int type = u16(b, off);
        if (type == 0x8100 && b.length >= 18) {
            off += 4;
            type = u16(b, off);
        }
        int ip = off + 2;
        boolean v4;
        int ipHdr;
        int tcpLenTotal;
        String src;
        String dst;
        if (type == 0x0800 && b.length >= ip + 20) {
            v4 = true;
            ipHdr = (b[ip] & 0x0F) * 4;
            if (b[ip + 9] != 6 || (u16(b, ip + 6) & 0x3FFF) != 0) {
                return null;
            }
            tcpLenTotal = u16(b, ip + 2) - ipHdr;
            src = hex(b, ip + 12, 4);
            dst = hex(b, ip + 16, 4);
        } else if (type == 0x86DD && b.length >= ip + 40) {
            v4 = false;
            ipHdr = 40;
            if (b[ip + 6] != 6) {
                return null;
            }
            tcpLenTotal = u16(b, ip + 4);
            src = hex(b, ip + 8, 16);
            dst = hex(b, ip + 24, 16);
        } else {
            return null;
        }
        int tcp = ip + ipHdr;
        if (b.length < tcp + 20) {
            return null;
        }
        int tcpHdr = ((b[tcp + 12] & 0xF0) >> 4) * 4;
        int payloadLen = tcpLenTotal - tcpHdr;
        if (payloadLen < 0 || tcp + tcpHdr + payloadLen > b.length) {
            return null;
        }
        String a = src + ":" + u16(b, tcp);
        String z = dst + ":" + u16(b, tcp + 2);
        boolean aLow = a.compareTo(z) < 0;
        String conn = aLow ? a + "-" + z : z + "-" + a;
        return new Tcp(conn, aLow ? 0 : 1, ip, v4, ipHdr, tcp, tcpHdr, tcp + tcpHdr, payloadLen, u32(b, tcp + 4),
                b[tcp + 13] & 0xFF);
    }

    /** The TCP payload of a frame (empty when it is not TCP). */
    static byte[] payload(byte[] frame) {
        Tcp t = parse(frame);
        return t == null ? new byte[0] : java.util.Arrays.copyOfRange(frame, t.payloadOff(), t.payloadOff() + t.payloadLen());
    }

    /** The destination port of a TCP frame, or -1. */
    static int dstPort(byte[] frame) {
        Tcp t = parse(frame);
        return t == null ? -1 : u16(frame, t.tcpOff() + 2);
    }

    private static long sum(byte[] b, int off, int len) {
        long s = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            s += u16(b, off + i);
        }
        if ((len & 1) != 0) {
            s += (b[off + len - 1] & 0xFF) << 8;
        }
        return s;
    }

    /** The Internet checksum (RFC 1071) of {@code len} bytes plus {@code extra}. */
    private static int checksum(byte[] b, int off, int len, long extra) {
        long s = sum(b, off, len) + extra;
        while ((s >> 16) != 0) {
            s = (s & 0xFFFF) + (s >> 16);
        }
        return (int) (~s & 0xFFFF);
    }

    private static String hex(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            sb.append(String.format("%02x", b[off + i] & 0xFF));
        }
        return sb.toString();
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
    }

    private static int u32(byte[] b, int i) {
        return (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
    }

    private static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >> 8);
        b[i + 1] = (byte) v;
    }

    private static void put32(byte[] b, int i, int v) {
        b[i] = (byte) (v >> 24);
        b[i + 1] = (byte) (v >> 16);
        b[i + 2] = (byte) (v >> 8);
        b[i + 3] = (byte) v;
    }
}
