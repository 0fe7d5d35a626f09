package io.impacketsensor.cli;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PacketSource;
import io.impacketsensor.core.packet.LinkTypes;
import io.impacketsensor.core.packet.Packet;
import io.impacketsensor.core.packet.PacketDecoder;

/**
 * A {@link PacketSource} that applies a {@link Perturbation} to the frames of another source as
 * the capture thread reads them: nothing is written to disk, and nothing is allocated per frame
 * (the reorder window and the duplicate are preallocated slots, connection state is a primitive
 * open-addressing table).
 *
 * <p>Direction: a connection's client is the sender of its SYN (or the receiver of its SYN-ACK);
 * picked up without one, the side on a well-known port (below 1024, or a Windows service port
 * such as 3268) is the server, else the higher port is the client. IP fragments after the first
 * carry no ports and take the direction of the last connection seen between the two addresses.
 * Frames that are not IP (ARP, LLDP) are never dropped by direction and never tagged.
 */
final class PerturbedSource extends ForwardingPacketSource {
    /** Connection table capacity (a power of two); connections past 3/4 of it use the port rule. */
    static final int TABLE_CAPACITY = 1 << 17;

    private final Perturbation mode;
    private final Packet packet = new Packet();
    private final Table conns = new Table(TABLE_CAPACITY);
    private final Table pairs = new Table(TABLE_CAPACITY);
    private long rng;
    private final long dropBelowNanos;
    private long firstTs;
    /** Where {@code vlan-asym} parks a frame whose slot must grow. */
    private final FrameSlot scratch = new FrameSlot();
    private boolean firstSeen;

    /** Reorder window or the duplicate: frames read ahead, emitted in {@link #order}. */
    private final FrameSlot[] held;
    private final long[] heldTs;
    private final int[] order;
    private int heldCount;
    private int heldNext;
    private int endStatus = FRAME;

    // Per frame, set by classify().
    private int connIndex;
    private int dirKnown;
    private boolean fromClient;

    private long framesIn;
    private long framesOut;
    private long dropped;
    private long untaggable;

    PerturbedSource(PacketSource inner, Perturbation mode, long seed) {
        super(inner);
        this.mode = mode;
        this.rng = splitMix(seed) | 1;
        this.dropBelowNanos = (long) (mode.amount() * 1_000_000_000d);
        int window = switch (mode.kind()) {
            case REORDER -> (int) mode.amount();
            case DUP -> 1;
            default -> 0;
        };
        held = new FrameSlot[window];
        for (int i = 0; i < window; i++) {
            held[i] = new FrameSlot();
        }
        heldTs = new long[window];
        order = new int[window];
    }

    /**
     * First pass for per-connection modes ({@link Perturbation#needsCounts()}): counts each
     * connection's frames in {@code first}, a second reader of the same captures.
     */
    void countFrames(PacketSource first) {
        FrameSlot s = new FrameSlot();
        while (first.read(s) == FRAME) {
            classify(s);
            if (connIndex >= 0) {
                conns.total[connIndex]++;
            }
        }
    }

    @Override
    public int read(FrameSlot into) {
        switch (mode.kind()) {
            case DUP:
                return readDup(into);
            case REORDER:
                return readReordered(into);
            default:
                return readFiltered(into);
        }
    }

    private int readDup(FrameSlot into) {
        if (heldNext < heldCount) {
            copy(held[0], into, held[0].tsNanos);
            heldNext = heldCount;
            framesOut++;
            return FRAME;
        }
        int r = inner.read(into);
        if (r == FRAME) {
            framesIn++;
            copy(into, held[0], into.tsNanos);
            heldCount = 1;
            heldNext = 0;
            framesOut++;
        }
        return r;
    }

    private int readReordered(FrameSlot into) {
        if (heldNext == heldCount) {
            if (endStatus != FRAME) {
                return endStatus;
            }
            heldCount = 0;
            heldNext = 0;
            while (heldCount < held.length) {
                int r = inner.read(held[heldCount]);
                if (r == IDLE) {
                    break;
                }
                if (r != FRAME) {
                    endStatus = r;
                    break;
                }
                framesIn++;
                heldTs[heldCount] = held[heldCount].tsNanos;
                order[heldCount] = heldCount;
                heldCount++;
            }
            if (heldCount == 0) {
                return endStatus != FRAME ? endStatus : IDLE;
            }
            // Fisher-Yates over the window; the timestamps stay in capture order, as a sensor
            // receiving reordered frames stamps them on arrival.
            for (int i = heldCount - 1; i > 0; i--) {
                int j = (int) Long.remainderUnsigned(next(), i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            sortTimestamps(heldTs, heldCount);
        }
        copy(held[order[heldNext]], into, heldTs[heldNext]);
        heldNext++;
        framesOut++;
        return FRAME;
    }

    private int readFiltered(FrameSlot into) {
        while (true) {
            int r = inner.read(into);
            if (r != FRAME) {
                return r;
            }
            framesIn++;
            if (keep(into)) {
                framesOut++;
                return FRAME;
            }
            dropped++;
        }
    }

    private boolean keep(FrameSlot s) {
        switch (mode.kind()) {
            case LATE_JOIN_SECONDS:
                if (!firstSeen) {
                    firstSeen = true;
                    firstTs = s.tsNanos;
                }
                return s.tsNanos - firstTs >= dropBelowNanos;
            case LOSS:
                // 53 random bits as a fraction in [0, 1), compared with the drop probability.
                return (next() >>> 11) * 0x1.0p-53 * 100 >= mode.amount();
            case LATE_JOIN_PERCENT: {
                classify(s);
                if (connIndex < 0 || !conns.tcp[connIndex]) {
                    return true;
                }
                int seen = ++conns.seen[connIndex];
                return seen > (int) Math.floor(conns.total[connIndex] * mode.amount() / 100d);
            }
            case ONE_WAY_CLIENT:
                classify(s);
                return dirKnown == 0 || fromClient;
            case ONE_WAY_SERVER:
                classify(s);
                return dirKnown == 0 || !fromClient;
            case VLAN_ASYM:
                classify(s);
                if (dirKnown != 0) {
                    tag(s, fromClient ? Perturbation.VLAN_TO_SERVER : Perturbation.VLAN_TO_CLIENT);
                }
                return true;
            default:
                return true;
        }
    }

    /**
     * Inserts an 802.1Q tag (IEEE 802.1Q 9.6: TPID 0x8100, then PCP/DEI/VID) after the MAC
     * addresses of an Ethernet frame. Other link types have no place for one and pass unchanged.
     */
    private void tag(FrameSlot s, int vlan) {
        if (s.linkType != LinkTypes.ETHERNET || s.caplen < 14) {
            untaggable++;
            return;
        }
        byte[] d = s.data;
        if (d.length < s.caplen + 4) {
            // A frame within 4 bytes of its buffer (rare): FrameSlot does not keep contents when
            // it grows, so the frame is parked in the scratch slot while the buffer grows.
            copy(s, scratch, s.tsNanos);
            s.ensureCapacity(s.caplen + 4);
            d = s.data;
            System.arraycopy(scratch.data, 0, d, 0, 12);
            System.arraycopy(scratch.data, 12, d, 16, s.caplen - 12);
        } else {
            System.arraycopy(d, 12, d, 16, s.caplen - 12);
        }
        d[12] = (byte) 0x81;
        d[13] = 0x00;
        d[14] = (byte) ((vlan >>> 8) & 0x0F);
        d[15] = (byte) vlan;
        s.caplen += 4;
        s.wirelen += 4;
    }

    /** Sets {@link #connIndex}, {@link #dirKnown} and {@link #fromClient} for the frame in {@code s}. */
    private void classify(FrameSlot s) {
        connIndex = -1;
        dirKnown = 0;
        Packet p = packet;
        if (PacketDecoder.decodeLink(p, s.linkType, s.tsNanos, s.data, s.caplen, s.wirelen) != PacketDecoder.OK) {
            return;
        }
        int r = PacketDecoder.decodeIp(p);
        if (r == PacketDecoder.MALFORMED) {
            return;
        }
        long srcAddr = mix(p.srcHi, p.srcLo, 0);
        long dstAddr = mix(p.dstHi, p.dstLo, 0);
        boolean ports = (r == PacketDecoder.OK || (r == PacketDecoder.FRAGMENT && p.fragOffset == 0
                && (p.ipProto == Packet.PROTO_TCP || p.ipProto == Packet.PROTO_UDP)))
                && PacketDecoder.decodeTransport(p) == PacketDecoder.OK;
        long pairKey = key(srcAddr, dstAddr, 0);
        if (!ports) {
            int i = pairs.find(pairKey);
            if (i >= 0) {
                dirKnown = 1;
                fromClient = pairs.client[i] == srcAddr;
            }
            return;
        }
        boolean isTcp = p.ipProto == Packet.PROTO_TCP;
        long src = mix(p.srcHi, p.srcLo, p.srcPort);
        long dst = mix(p.dstHi, p.dstLo, p.dstPort);
        long k = key(src, dst, p.ipProto);
        int i = conns.find(k);
        boolean srcIsClient;
        if (i >= 0) {
            srcIsClient = conns.client[i] == src;
        } else {
            srcIsClient = clientIsSource(p, isTcp);
            i = conns.insert(k);
            if (i >= 0) {
                conns.client[i] = srcIsClient ? src : dst;
                conns.tcp[i] = isTcp;
            }
            int j = pairs.find(pairKey);
            if (j < 0) {
                j = pairs.insert(pairKey);
            }
            if (j >= 0) {
                pairs.client[j] = srcIsClient ? srcAddr : dstAddr;
            }
        }
        connIndex = i;
        dirKnown = 1;
        fromClient = srcIsClient;
    }

    /** SYN sender / SYN-ACK receiver; else the well-known port is the server's; else the higher port is the client's. */
    static boolean clientIsSource(Packet p, boolean isTcp) {
        if (isTcp && (p.tcpFlags & Packet.TCP_SYN) != 0) {
            return (p.tcpFlags & Packet.TCP_ACK) == 0;
        }
        boolean srcServer = isServerPort(p.srcPort);
        boolean dstServer = isServerPort(p.dstPort);
        if (srcServer != dstServer) {
            return dstServer;
        }
        return p.srcPort >= p.dstPort;
    }

    /** IANA system ports, and the Windows service ports above them the sensor decodes. */
    static boolean isServerPort(int port) {
        return port < 1024 || port == 3268 || port == 3269 || port == 1433 || port == 5985 || port == 5986;
    }

    private static void copy(FrameSlot from, FrameSlot to, long ts) {
        to.ensureCapacity(from.caplen);
        System.arraycopy(from.data, 0, to.data, 0, from.caplen);
        to.caplen = from.caplen;
        to.wirelen = from.wirelen;
        to.tsNanos = ts;
        to.linkType = from.linkType;
        to.interfaceId = from.interfaceId;
        to.kind = FrameSlot.KIND_FRAME;
    }

    private static void sortTimestamps(long[] a, int n) {
        for (int i = 1; i < n; i++) {
            long v = a[i];
            int j = i - 1;
            while (j >= 0 && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }

    /** xorshift64* (Vigna 2016): reproducible for a seed, no allocation. */
    private long next() {
        long x = rng;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        rng = x;
        return x * 0x2545F4914F6CDD1DL;
    }

    private static long splitMix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long mix(long hi, long lo, int port) {
        return splitMix(splitMix(hi ^ splitMix(lo)) + port);
    }

    /** Order-independent key of the two endpoints; never 0 (the table's empty marker). */
    private static long key(long a, long b, int proto) {
        long k = splitMix(Math.min(a, b) * 31 + Math.max(a, b) + proto);
        return k == 0 ? 1 : k;
    }

    /** Frames read from the captures. */
    long framesIn() {
        return framesIn;
    }

    /** Frames handed to the packet path. */
    long framesOut() {
        return framesOut;
    }

    /** Frames dropped by the mode. */
    long dropped() {
        return dropped;
    }

    /** Frames {@code vlan-asym} could not tag (not Ethernet). */
    long untaggable() {
        return untaggable;
    }

    /** Open addressing over 64-bit keys with linear probing, primitive arrays, no removal. */
    private static final class Table {
        final long[] keys;
        final long[] client;
        final int[] total;
        final int[] seen;
        final boolean[] tcp;
        private final int mask;
        private int size;

        Table(int capacity) {
            keys = new long[capacity];
            client = new long[capacity];
            total = new int[capacity];
            seen = new int[capacity];
            tcp = new boolean[capacity];
            mask = capacity - 1;
        }

        int find(long k) {
            for (int i = (int) (k ^ (k >>> 32)) & mask; ; i = (i + 1) & mask) {
                if (keys[i] == k) {
                    return i;
                }
                if (keys[i] == 0) {
                    return -1;
                }
            }
        }

        /** Inserts {@code k} (known absent); -1 when the table is 3/4 full. */
        int insert(long k) {
            if (size >= keys.length - (keys.length >> 2)) {
                return -1;
            }
            int i = (int) (k ^ (k >>> 32)) & mask;
            while (keys[i] != 0) {
                i = (i + 1) & mask;
            }
            keys[i] = k;
            size++;
            return i;
        }
    }
}
