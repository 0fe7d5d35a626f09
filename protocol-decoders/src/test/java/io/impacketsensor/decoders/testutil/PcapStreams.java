package io.impacketsensor.decoders.testutil;

import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Test-only driver: reads a classic pcap (Ethernet, Linux SLL, raw IP), reassembles each TCP
 * connection to the chosen server ports in capture order (in-order delivery, overlap trimmed,
 * out-of-order segments held, a hole left at the end reported as a gap) and feeds one analyzer per
 * connection. Enough for lab captures and the parity test; the real pipeline lives in sensor-core.
 */
public final class PcapStreams {
    /** One connection: its context and analyzer. */
    public static final class Conn {
        public final RecordingContext ctx;
        final FlowAnalyzer analyzer;
        final long[] next = {-1, -1};
        final List<TreeMap<Long, byte[]>> ooo = List.of(new TreeMap<>(), new TreeMap<>());
        boolean active = true;

        Conn(RecordingContext ctx, FlowAnalyzer analyzer) {
            this.ctx = ctx;
            this.analyzer = analyzer;
        }
    }

    private PcapStreams() {
    }

    /** Feeds every TCP connection whose server port is in {@code ports}; returns them in first-seen order. */
    public static List<Conn> run(Path pcap, int[] ports, Function<FlowContext, FlowAnalyzer> factory) throws IOException {
        byte[] raw = Files.readAllBytes(pcap);
        ByteBuffer bb = ByteBuffer.wrap(raw);
        ByteBuffer net = ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN);
        int magic = bb.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        boolean nanos;
        if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
            bb.order(ByteOrder.LITTLE_ENDIAN);
        } else {
            bb.order(ByteOrder.BIG_ENDIAN);
            magic = bb.getInt(0);
            if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
                throw new IOException("not a classic pcap: " + pcap);
            }
        }
        nanos = magic == 0xa1b23c4d;
        int linkType = bb.getInt(20);
        Map<String, Conn> conns = new HashMap<>();
        List<Conn> order = new ArrayList<>();
        long flowIds = 0;
        int pos = 24;
        while (pos + 16 <= bb.limit()) {
            long sec = bb.getInt(pos) & 0xFFFFFFFFL;
            long frac = bb.getInt(pos + 4) & 0xFFFFFFFFL;
            int caplen = bb.getInt(pos + 8);
            int start = pos + 16;
            pos = start + caplen;
            if (pos > bb.limit()) {
                break;
            }
            long ts = sec * 1_000_000_000L + (nanos ? frac : frac * 1000);
            int ip;
            int etherType;
            switch (linkType) {
                case 1 -> {
                    etherType = net.getShort(start + 12) & 0xFFFF;
                    ip = start + 14;
                    if (etherType == 0x8100) {
                        etherType = net.getShort(start + 16) & 0xFFFF;
                        ip += 4;
                    }
                }
                case 113 -> {
                    etherType = net.getShort(start + 14) & 0xFFFF;
                    ip = start + 16;
                }
                case 101, 12, 228, 229 -> {
                    ip = start;
                    etherType = (net.get(start) & 0xF0) == 0x60 ? 0x86DD : 0x0800;
                }
                default -> throw new IOException("link type " + linkType);
            }
            byte[] src;
            byte[] dst;
            int tcp;
            int ipEnd;
            if (etherType == 0x0800) {
                int ihl = (net.get(ip) & 0x0F) * 4;
                if (net.get(ip + 9) != 6 || (net.getShort(ip + 6) & 0x3FFF) != 0) {
                    continue;
                }
                src = slice(bb, ip + 12, 4);
                dst = slice(bb, ip + 16, 4);
                tcp = ip + ihl;
                int total = net.getShort(ip + 2) & 0xFFFF;
                // TSO/GSO captures carry IP total length 0: the frame's end is the datagram's (as tshark assumes).
                ipEnd = total == 0 ? pos : Math.min(ip + total, pos);
            } else if (etherType == 0x86DD) {
                if (net.get(ip + 6) != 6) {
                    continue;
                }
                src = slice(bb, ip + 8, 16);
                dst = slice(bb, ip + 24, 16);
                tcp = ip + 40;
                ipEnd = Math.min(tcp + (net.getShort(ip + 4) & 0xFFFF), pos);
            } else {
                continue;
            }
            int sport = net.getShort(tcp) & 0xFFFF;
            int dport = net.getShort(tcp + 2) & 0xFFFF;
            long seq = net.getInt(tcp + 4) & 0xFFFFFFFFL;
            int flags = net.get(tcp + 13) & 0xFF;
            int payload = tcp + ((net.get(tcp + 12) & 0xF0) >> 2);
            boolean toServer = contains(ports, dport);
            if (!toServer && !contains(ports, sport)) {
                continue;
            }
            String key = toServer ? key(src, sport, dst, dport) : key(dst, dport, src, sport);
            Conn c = conns.get(key);
            if (c == null) {
                RecordingContext ctx = new RecordingContext(++flowIds, InetAddress.getByAddress(toServer ? src : dst),
                        toServer ? sport : dport, InetAddress.getByAddress(toServer ? dst : src), toServer ? dport : sport);
                c = new Conn(ctx, factory.apply(ctx));
                conns.put(key, c);
                order.add(c);
            }
            c.ctx.now = ts;
            int d = toServer ? 0 : 1;
            long dataSeq = (flags & 0x02) != 0 ? seq + 1 : seq;
            if (c.next[d] < 0) {
                c.next[d] = dataSeq;
            }
            int len = ipEnd - payload;
            if (len > 0 && c.active) {
                byte[] data = slice(bb, payload, len);
                deliver(c, d, dataSeq, data);
            }
        }
        for (Conn c : order) {
            for (int d = 0; d < 2; d++) {
                TreeMap<Long, byte[]> q = c.ooo.get(d);
                while (!q.isEmpty() && c.active) {
                    long s = q.firstKey();
                    c.active = c.analyzer.onGap(d == 0 ? Direction.TO_SERVER : Direction.TO_CLIENT, s - c.next[d]);
                    c.next[d] = s;
                    drain(c, d);
                }
            }
            c.analyzer.onClose();
        }
        return order;
    }

    private static void deliver(Conn c, int d, long seq, byte[] data) {
        long rel = seq - c.next[d];
        if (rel > 0) {
            c.ooo.get(d).put(seq, data);
            return;
        }
        int skip = (int) -rel;
        if (skip >= data.length) {
            return;
        }
        c.active = c.analyzer.onData(d == 0 ? Direction.TO_SERVER : Direction.TO_CLIENT, data, skip, data.length - skip);
        c.next[d] = seq + data.length;
        drain(c, d);
    }

    private static void drain(Conn c, int d) {
        TreeMap<Long, byte[]> q = c.ooo.get(d);
        while (c.active && !q.isEmpty() && q.firstKey() <= c.next[d]) {
            Map.Entry<Long, byte[]> e = q.pollFirstEntry();
            long s = e.getKey();
            byte[] data = e.getValue();
            int skip = (int) (c.next[d] - s);
            if (skip < data.length) {
                c.active = c.analyzer.onData(d == 0 ? Direction.TO_SERVER : Direction.TO_CLIENT, data, skip,
                        data.length - skip);
                c.next[d] = s + data.length;
            }
        }
    }

    private static boolean contains(int[] ports, int p) {
        for (int x : ports) {
            if (x == p) {
                return true;
            }
        }
        return false;
    }

    private static byte[] slice(ByteBuffer bb, int off, int len) {
        byte[] out = new byte[len];
        bb.get(off, out);
        return out;
    }

    private static String key(byte[] a, int ap, byte[] b, int bp) {
        return java.util.Arrays.toString(a) + ap + "-" + java.util.Arrays.toString(b) + bp;
    }
}
