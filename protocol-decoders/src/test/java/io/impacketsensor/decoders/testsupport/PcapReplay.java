package io.impacketsensor.decoders.testsupport;

import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.wire.ProbeResult;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test-only stand-in for the capture and flow layers (branches {@code capture} and {@code flow}):
 * reads a pcap or pcapng file, decodes Ethernet / Linux SLL / raw IP, IPv4 / IPv6, TCP / UDP,
 * reassembles each TCP direction in sequence order (retransmissions trimmed, holes reported as
 * gaps at the end), and drives the analyzers of the given factories with a recording
 * {@link FlowContext}. Simple on purpose: it is not the sensor's flow table.
 */
public final class PcapReplay {
    private final List<AnalyzerFactory> factories;
    private final List<SensorEvent> events = new ArrayList<>();
    private final Map<String, Flow> flows = new LinkedHashMap<>();
    private long nextFlowId = 1;
    private long nowNanos;

    public PcapReplay(List<AnalyzerFactory> factories) {
        this.factories = factories;
    }

    /** Replays a whole file and returns the events in emission order. */
    public static List<SensorEvent> run(Path file, List<AnalyzerFactory> factories) throws IOException {
        PcapReplay r = new PcapReplay(factories);
        r.read(Files.readAllBytes(file));
        r.finish();
        return r.events;
    }

    public List<SensorEvent> events() {
        return events;
    }

    /** One direction's in-order delivery state. */
    private static final class Stream {
        long nextSeq = -1;
        final TreeMap<Long, byte[]> ooo = new TreeMap<>();
    }

    private final class Flow implements FlowContext {
        final long id = nextFlowId++;
        final Transport transport;
        final InetAddress cIp;
        final InetAddress sIp;
        final int cPort;
        final int sPort;
        final Stream toServer = new Stream();
        final Stream toClient = new Stream();
        AnalyzerFactory factory;
        FlowAnalyzer analyzer;
        boolean dead;

        Flow(Transport transport, InetAddress cIp, int cPort, InetAddress sIp, int sPort) {
            this.transport = transport;
            this.cIp = cIp;
            this.cPort = cPort;
            this.sIp = sIp;
            this.sPort = sPort;
        }

        @Override public long flowId() { return id; }
        @Override public Transport transport() { return transport; }
        @Override public long timestampNanos() { return nowNanos; }
        @Override public int serverPort() { return sPort; }
        @Override public int clientPort() { return cPort; }
        @Override public EventHeader header() {
            return new EventHeader(nowNanos, id, cIp, cPort, sIp, sPort, transport);
        }
        @Override public void emit(SensorEvent event) { events.add(event); }
        @Override public void expect(InetAddress server, int port, String analyzerName) { }

        void deliver(Direction dir, byte[] b, int off, int len) {
            if (dead || len == 0) {
                return;
            }
            if (analyzer == null) {
                for (AnalyzerFactory f : factories) {
                    if (f.wantsPort(transport, sPort)
                            && f.probe(transport, dir, b, off, len) == ProbeResult.MATCH) {
                        factory = f;
                        analyzer = f.create(this);
                        break;
                    }
                }
                if (analyzer == null) {
                    return;
                }
            }
            if (!analyzer.onData(dir, b, off, len)) {
                dead = true;
            }
        }

        void gap(Direction dir, long len) {
            if (!dead && analyzer != null && !analyzer.onGap(dir, len)) {
                dead = true;
            }
        }
    }

    // ---------------------------------------------------------------- file formats

    public void read(byte[] f) {
        ByteBuffer bb = ByteBuffer.wrap(f);
        int magic = bb.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic == 0x0A0D0D0A) {
            readPcapng(bb);
            return;
        }
        boolean nanos = false;
        if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
            bb.order(ByteOrder.LITTLE_ENDIAN);
            nanos = magic == 0xa1b23c4d;
        } else {
            bb.order(ByteOrder.BIG_ENDIAN);
            nanos = bb.getInt(0) == 0xa1b23c4d;
        }
        int linkType = bb.getInt(20);
        int p = 24;
        while (p + 16 <= f.length) {
            long sec = bb.getInt(p) & 0xFFFFFFFFL;
            long frac = bb.getInt(p + 4) & 0xFFFFFFFFL;
            int caplen = bb.getInt(p + 8);
            p += 16;
            if (caplen < 0 || p + caplen > f.length) {
                break;
            }
            nowNanos = sec * 1_000_000_000L + (nanos ? frac : frac * 1000);
            frame(linkType, f, p, caplen);
            p += caplen;
        }
    }

    private void readPcapng(ByteBuffer bb) {
        byte[] f = bb.array();
        int p = 0;
        List<Integer> linkTypes = new ArrayList<>();
        while (p + 12 <= f.length) {
            if (bb.getInt(p) == 0x0A0D0D0A) {
                int bom = bb.order(ByteOrder.LITTLE_ENDIAN).getInt(p + 8);
                bb.order(bom == 0x1A2B3C4D ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
                linkTypes.clear();
            }
            int type = bb.getInt(p);
            int blen = bb.getInt(p + 4);
            if (blen < 12 || p + blen > f.length) {
                break;
            }
            if (type == 1) {
                linkTypes.add(bb.getShort(p + 8) & 0xFFFF);
            } else if (type == 6) {
                int ifc = bb.getInt(p + 8);
                long ts = (bb.getInt(p + 12) & 0xFFFFFFFFL) << 32 | (bb.getInt(p + 16) & 0xFFFFFFFFL);
                int caplen = bb.getInt(p + 20);
                nowNanos = ts * 1000;
                if (ifc < linkTypes.size() && caplen >= 0 && 28 + caplen <= blen) {
                    frame(linkTypes.get(ifc), f, p + 28, caplen);
                }
            } else if (type == 3 && !linkTypes.isEmpty()) {
                int caplen = Math.min(bb.getInt(p + 8), blen - 16);
                frame(linkTypes.get(0), f, p + 12, caplen);
            }
            p += blen;
        }
    }

    // ---------------------------------------------------------------- L2-L4

    private void frame(int linkType, byte[] f, int off, int len) {
        int end = off + len;
        int p;
        int etherType;
        switch (linkType) {
            case 1: // Ethernet
                p = off + 12;
                etherType = u16(f, p);
                p += 2;
                while ((etherType == 0x8100 || etherType == 0x88a8) && p + 4 <= end) {
                    etherType = u16(f, p + 2);
                    p += 4;
                }
                break;
            case 113: // Linux SLL
                etherType = u16(f, off + 14);
                p = off + 16;
                break;
            case 276: // Linux SLL2
                etherType = u16(f, off);
                p = off + 20;
                break;
            case 101: // raw IP
            case 12:
                p = off;
                etherType = (f[off] & 0xF0) == 0x60 ? 0x86dd : 0x0800;
                break;
            case 0: // BSD loopback
                p = off + 4;
                etherType = (f[p] & 0xF0) == 0x60 ? 0x86dd : 0x0800;
                break;
            default:
                return;
        }
        if (p >= end) {
            return;
        }
        int proto;
        int l4;
        int l4end;
        byte[] src;
        byte[] dst;
        if (etherType == 0x0800) {
            int ihl = (f[p] & 0x0F) * 4;
            int total = u16(f, p + 2);
            if ((u16(f, p + 6) & 0x3FFF) != 0) {
                return; // IP fragments: not reassembled here
            }
            proto = f[p + 9] & 0xFF;
            src = Arrays.copyOfRange(f, p + 12, p + 16);
            dst = Arrays.copyOfRange(f, p + 16, p + 20);
            l4 = p + ihl;
            l4end = Math.min(end, p + total);
        } else if (etherType == 0x86dd) {
            proto = f[p + 6] & 0xFF;
            src = Arrays.copyOfRange(f, p + 8, p + 24);
            dst = Arrays.copyOfRange(f, p + 24, p + 40);
            l4 = p + 40;
            l4end = Math.min(end, l4 + u16(f, p + 4));
        } else {
            return;
        }
        if (l4 + 8 > l4end) {
            return;
        }
        int sport = u16(f, l4);
        int dport = u16(f, l4 + 2);
        if (proto == 17) {
            udp(src, sport, dst, dport, f, l4 + 8, l4end - l4 - 8);
        } else if (proto == 6 && l4 + 20 <= l4end) {
            long seq = u32(f, l4 + 4);
            int doff = ((f[l4 + 12] & 0xF0) >> 4) * 4;
            int flags = f[l4 + 13] & 0xFF;
            tcp(src, sport, dst, dport, seq, flags, f, l4 + doff, Math.max(0, l4end - l4 - doff));
        }
    }

    private Flow lookup(Transport t, byte[] src, int sport, byte[] dst, int dport, boolean syn, boolean[] toServer) {
        String ab = t + Arrays.toString(src) + sport + Arrays.toString(dst) + dport;
        String ba = t + Arrays.toString(dst) + dport + Arrays.toString(src) + sport;
        Flow fl = flows.get(ab);
        if (fl != null) {
            toServer[0] = true;
            return fl;
        }
        fl = flows.get(ba);
        if (fl != null) {
            toServer[0] = false;
            return fl;
        }
        // New flow: the SYN sender, or the side talking to the lower (well-known) port, is the client.
        boolean aIsClient = syn || dport < sport;
        try {
            if (aIsClient) {
                fl = new Flow(t, InetAddress.getByAddress(src), sport, InetAddress.getByAddress(dst), dport);
                flows.put(ab, fl);
            } else {
                fl = new Flow(t, InetAddress.getByAddress(dst), dport, InetAddress.getByAddress(src), sport);
                flows.put(ba, fl);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        toServer[0] = aIsClient;
        return fl;
    }

    private void udp(byte[] src, int sport, byte[] dst, int dport, byte[] f, int off, int len) {
        boolean[] ts = new boolean[1];
        Flow fl = lookup(Transport.UDP, src, sport, dst, dport, false, ts);
        fl.deliver(ts[0] ? Direction.TO_SERVER : Direction.TO_CLIENT, f, off, len);
    }

    private void tcp(byte[] src, int sport, byte[] dst, int dport, long seq, int flags, byte[] f, int off, int len) {
        boolean syn = (flags & 0x12) == 0x02;
        boolean[] ts = new boolean[1];
        Flow fl = lookup(Transport.TCP, src, sport, dst, dport, syn, ts);
        Direction dir = ts[0] ? Direction.TO_SERVER : Direction.TO_CLIENT;
        Stream s = ts[0] ? fl.toServer : fl.toClient;
        if ((flags & 0x02) != 0) {
            s.nextSeq = (seq + 1) & 0xFFFFFFFFL;
            return;
        }
        if (len == 0) {
            return;
        }
        if (s.nextSeq < 0) {
            s.nextSeq = seq; // mid-stream pickup
        }
        long rel = (seq - s.nextSeq) << 32 >> 32; // signed 32-bit distance
        if (rel < 0) {
            if (-rel >= len) {
                return; // retransmission
            }
            off += (int) -rel;
            len -= (int) -rel;
            rel = 0;
        }
        if (rel > 0) {
            s.ooo.putIfAbsent(s.nextSeq + rel, Arrays.copyOfRange(f, off, off + len));
            return;
        }
        fl.deliver(dir, f, off, len);
        s.nextSeq = (s.nextSeq + len) & 0xFFFFFFFFL;
        drain(fl, dir, s);
    }

    private void drain(Flow fl, Direction dir, Stream s) {
        while (!s.ooo.isEmpty()) {
            Map.Entry<Long, byte[]> e = s.ooo.firstEntry();
            long rel = e.getKey() - s.nextSeq;
            if (rel > 0) {
                return;
            }
            s.ooo.pollFirstEntry();
            byte[] b = e.getValue();
            if (-rel < b.length) {
                fl.deliver(dir, b, (int) -rel, b.length - (int) -rel);
                s.nextSeq = (s.nextSeq + b.length + rel) & 0xFFFFFFFFL;
            }
        }
    }

    /** End of input: report holes as gaps, deliver what follows them, close every flow. */
    public void finish() {
        for (Flow fl : flows.values()) {
            for (Direction dir : Direction.values()) {
                Stream s = dir == Direction.TO_SERVER ? fl.toServer : fl.toClient;
                while (!s.ooo.isEmpty()) {
                    long first = s.ooo.firstKey();
                    fl.gap(dir, first - s.nextSeq);
                    s.nextSeq = first;
                    drain(fl, dir, s);
                }
            }
            if (fl.analyzer != null && !fl.dead) {
                fl.analyzer.onClose();
            }
        }
    }

    private static int u16(byte[] b, int p) {
        return (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
    }

    private static long u32(byte[] b, int p) {
        return (long) (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
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
            List<T> out = new ArrayList<>();
            for (SensorEvent e : events) {
                if (type.isInstance(e)) {
                    out.add(type.cast(e));
                }
            }
            return out;
        }
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

}
