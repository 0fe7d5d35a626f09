package io.impacketsensor.decoders.dcerpc.dcom;

import io.impacketsensor.core.testkit.Replay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A capture as a sensor that missed the binds would see it: every TCP segment that starts a BIND,
 * BIND_ACK, ALTER_CONTEXT or ALTER_CONTEXT_RESP PDU (C706 12.6.4) and holds nothing after it, and
 * the segments that carry the rest of such a PDU, on a connection whose server port is not
 * {@code keepPort}, are removed (a retransmitted copy too, counted once), and the sequence and acknowledgement numbers of the
 * later segments of that connection are moved back by the bytes removed, so the TCP streams stay
 * contiguous: the requests that follow arrive on contexts whose bind was never seen. Ethernet /
 * IPv4 frames only (the public DCOM captures); checksums are not recomputed (the sensor does not
 * verify them).
 */
record BindCut(List<Replay.Frame> frames, int removed) {
    private static final int ETHERNET = 1;

    static BindCut of(List<Replay.Frame> in, int keepPort) {
        // Per direction (src ip:port > dst ip:port): {sequence, length} of each segment removed.
        Map<String, List<long[]>> cuts = new HashMap<>();
        // Per direction: bytes of a cut PDU still to come in later segments.
        Map<String, Long> rest = new HashMap<>();
        List<Replay.Frame> out = new ArrayList<>(in.size());
        int removed = 0;
        for (Replay.Frame f : in) {
            byte[] b = f.data().clone();
            int tcp = tcpOffset(f.linkType(), b);
            if (tcp < 0) {
                out.add(f);
                continue;
            }
            int ip = tcp - ((b[ETH_IP] & 0x0F) * 4);
            int totalLength = u16(b, ip + 2);
            int payload = tcp + ((b[tcp + 12] & 0xF0) >> 2);
            // A capture taken on the sending host with segmentation offload has total length 0 in the
            // large segments it hands to the card: the frame then ends with the payload.
            int payloadLength = totalLength >= payload - ip ? ip + totalLength - payload : b.length - payload;
            String src = ip4(b, ip + 12) + ":" + u16(b, tcp);
            String dst = ip4(b, ip + 16) + ":" + u16(b, tcp + 2);
            long seq = u32(b, tcp + 4);
            long ack = u32(b, tcp + 8);
            int sport = u16(b, tcp);
            int dport = u16(b, tcp + 2);
            String dir = src + ">" + dst;
            long left = rest.getOrDefault(dir, 0L);
            int frag = sport != keepPort && dport != keepPort ? bindPdu(b, payload, payloadLength) : 0;
            if (payloadLength > 0 && (frag > 0 || left >= payloadLength)) {
                List<long[]> list = cuts.computeIfAbsent(dir, k -> new ArrayList<>());
                boolean copy = false;
                for (long[] c : list) {
                    copy |= c[0] == seq;
                }
                if (!copy) {
                    list.add(new long[] {seq, payloadLength});
                    rest.put(dir, frag > 0 ? frag - payloadLength : left - payloadLength);
                    removed++;
                }
                continue;
            }
            long newSeq = seq - before(cuts.get(src + ">" + dst), seq);
            long newAck = (b[tcp + 13] & 0x10) != 0 ? ack - before(cuts.get(dst + ">" + src), ack) : ack;
            put32(b, tcp + 4, newSeq);
            put32(b, tcp + 8, newAck);
            out.add(new Replay.Frame(f.linkType(), f.tsNanos(), b, f.wirelen()));
        }
        return new BindCut(out, removed);
    }

    private static final int ETH_IP = 14;

    /** Offset of the TCP header of an Ethernet/IPv4 frame, or -1. */
    private static int tcpOffset(int linkType, byte[] b) {
        if (linkType != ETHERNET || b.length < ETH_IP + 20 || u16(b, 12) != 0x0800 || (b[ETH_IP] >> 4) != 4
                || (b[ETH_IP + 9] & 0xFF) != 6) {
            return -1;
        }
        int tcp = ETH_IP + (b[ETH_IP] & 0x0F) * 4;
        return b.length >= tcp + 20 ? tcp : -1;
    }

    /**
     * The frag_length of the bind-type PDU (version 5.0, PTYPE 11/12/14/15) the payload starts with,
     * when the payload holds nothing after it; else 0.
     */
    private static int bindPdu(byte[] b, int off, int len) {
        if (len < 16 || off + len > b.length || b[off] != 5 || b[off + 1] != 0) {
            return 0;
        }
        int ptype = b[off + 2] & 0xFF;
        int frag = (b[off + 8] & 0xFF) | (b[off + 9] & 0xFF) << 8;
        return (ptype == 11 || ptype == 12 || ptype == 14 || ptype == 15) && frag >= len ? frag : 0;
    }

    /** Bytes removed from a direction before sequence number {@code seq}. */
    private static long before(List<long[]> cuts, long seq) {
        long n = 0;
        if (cuts != null) {
            for (long[] c : cuts) {
                if (((c[0] - seq) & 0xFFFFFFFFL) >= 0x80000000L) { // c[0] < seq, modulo 2^32
                    n += c[1];
                }
            }
        }
        return n;
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
    }

    private static long u32(byte[] b, int off) {
        return (long) u16(b, off) << 16 | u16(b, off + 2);
    }

    private static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static String ip4(byte[] b, int off) {
        return (b[off] & 0xFF) + "." + (b[off + 1] & 0xFF) + "." + (b[off + 2] & 0xFF) + "." + (b[off + 3] & 0xFF);
    }
}
