package io.impacketsensor.core.packet;

/**
 * Bounded IPv4 (RFC 791 3.2) and IPv6 (RFC 8200 4.5) fragment reassembly.
 *
 * <p>Datagrams are keyed by (version, source, destination, identification, protocol) in a
 * fixed number of slots whose buffers are allocated on first use and reused afterwards. Limits:
 * datagrams pending at once (the oldest is evicted to make room), fragments per datagram and
 * bytes per datagram (over either: the datagram is dropped), bytes held in total, and a timeout.
 *
 * <p>Overlaps are resolved deterministically: for IPv4 the first copy of a byte wins (later
 * copies are compared and counted); for IPv6 a datagram with overlapping fragments is dropped
 * whole, as RFC 5722 section 4 requires.
 */
public final class FragmentReassembler {
    private final int maxDatagrams;
    private final int maxFragments;
    private final int maxDatagramBytes;
    private final long maxTotalBytes;
    private final long timeoutNanos;

    private final boolean[] used;
    private final int[] version;
    private final long[] srcHi;
    private final long[] srcLo;
    private final long[] dstHi;
    private final long[] dstLo;
    private final int[] ident;
    private final int[] proto;
    private final long[] firstSeen;
    private final int[] fragCount;
    /** Total payload length once the last fragment (MF = 0) was seen, else -1. */
    private final int[] totalLen;
    private final byte[][] buffers;
    private final IntervalSet[] held;
    private final int[] slotBytes;
    private long bytesHeld;

    // Counters (one writer thread).
    public long fragments;
    public long reassembled;
    public long overlaps;
    public long overlapConflicts;
    public long timeouts;
    public long droppedTooManyFragments;
    public long droppedTooBig;
    public long droppedOverlapV6;
    public long evicted;
    public long droppedMemory;

    public FragmentReassembler(int maxDatagrams, int maxFragments, int maxDatagramBytes, long maxTotalBytes, long timeoutNanos) {
        this.maxDatagrams = maxDatagrams;
        this.maxFragments = maxFragments;
        this.maxDatagramBytes = maxDatagramBytes;
        this.maxTotalBytes = maxTotalBytes;
        this.timeoutNanos = timeoutNanos;
        used = new boolean[maxDatagrams];
        version = new int[maxDatagrams];
        srcHi = new long[maxDatagrams];
        srcLo = new long[maxDatagrams];
        dstHi = new long[maxDatagrams];
        dstLo = new long[maxDatagrams];
        ident = new int[maxDatagrams];
        proto = new int[maxDatagrams];
        firstSeen = new long[maxDatagrams];
        fragCount = new int[maxDatagrams];
        totalLen = new int[maxDatagrams];
        buffers = new byte[maxDatagrams][];
        held = new IntervalSet[maxDatagrams];
        slotBytes = new int[maxDatagrams];
    }

    /**
     * Adds the fragment in {@code p} (a FRAGMENT result of {@link PacketDecoder#decodeIp}).
     *
     * @return the slot of the now complete datagram (read {@link #buffer}/{@link #length}, then
     *         {@link #release}), or -1 while it is incomplete or when the fragment was dropped
     */
    public int add(Packet p) {
        fragments++;
        expire(p.tsNanos);
        int slot = find(p);
        if (slot < 0) {
            slot = allocate(p);
        }
        int off = p.fragOffset;
        int len = p.l4Len;
        int end = off + len;
        if (end > maxDatagramBytes) {
            droppedTooBig++;
            release(slot);
            return -1;
        }
        if (++fragCount[slot] > maxFragments) {
            droppedTooManyFragments++;
            release(slot);
            return -1;
        }
        if (!p.moreFragments) {
            if (totalLen[slot] >= 0 && totalLen[slot] != end) {
                // Two different "last" fragments: the datagram cannot be rebuilt consistently.
                overlaps++;
                release(slot);
                return -1;
            }
            totalLen[slot] = end;
        }
        IntervalSet have = held[slot];
        if (have.countAfterAdd(off, end) > have.capacity()) {
            droppedTooManyFragments++;
            release(slot);
            return -1;
        }
        byte[] dst = buffers[slot];
        byte[] src = p.l4Buf;
        int srcOff = p.l4Off;
        int pos = off;
        boolean overlapped = false;
        while (pos < end) {
            int i = have.firstEndingAfter(pos);
            if (i < have.count() && have.start(i) <= pos) {
                int covEnd = Math.min(have.end(i), end);
                overlapped = true;
                for (int k = pos; k < covEnd; k++) {
                    if (dst[k] != src[srcOff + k - off]) {
                        overlapConflicts++;
                        break;
                    }
                }
                pos = covEnd;
            } else {
                int gapEnd = i < have.count() ? Math.min(have.start(i), end) : end;
                if (bytesHeld + (gapEnd - pos) > maxTotalBytes) {
                    droppedMemory++;
                    release(slot);
                    return -1;
                }
                System.arraycopy(src, srcOff + pos - off, dst, pos, gapEnd - pos);
                bytesHeld += gapEnd - pos;
                slotBytes[slot] += gapEnd - pos;
                pos = gapEnd;
            }
        }
        if (overlapped) {
            overlaps++;
            if (version[slot] == 6) {
                droppedOverlapV6++;
                release(slot);
                return -1;
            }
        }
        have.add(off, end);
        int total = totalLen[slot];
        if (total >= 0 && have.count() == 1 && have.start(0) == 0 && have.end(0) >= total) {
            reassembled++;
            return slot;
        }
        return -1;
    }

    public byte[] buffer(int slot) {
        return buffers[slot];
    }

    public int length(int slot) {
        return totalLen[slot];
    }

    /** Frees a slot (after its complete datagram was processed, or when dropping it). */
    public void release(int slot) {
        if (used[slot]) {
            used[slot] = false;
            bytesHeld -= slotBytes[slot];
            slotBytes[slot] = 0;
            held[slot].clear();
        }
    }

    /** Drops datagrams older than the timeout. */
    public void expire(long nowNanos) {
        for (int i = 0; i < maxDatagrams; i++) {
            if (used[i] && nowNanos - firstSeen[i] > timeoutNanos) {
                timeouts++;
                release(i);
            }
        }
    }

    /** Datagrams currently pending. */
    public int pending() {
        int n = 0;
        for (int i = 0; i < maxDatagrams; i++) {
            if (used[i]) {
                n++;
            }
        }
        return n;
    }

    public long bytesHeld() {
        return bytesHeld;
    }

    private int find(Packet p) {
        for (int i = 0; i < maxDatagrams; i++) {
            if (used[i] && ident[i] == p.fragId && srcLo[i] == p.srcLo && dstLo[i] == p.dstLo && proto[i] == p.ipProto
                    && version[i] == p.ipVersion && srcHi[i] == p.srcHi && dstHi[i] == p.dstHi) {
                return i;
            }
        }
        return -1;
    }

    private int allocate(Packet p) {
        int slot = -1;
        long oldest = Long.MAX_VALUE;
        int oldestSlot = 0;
        for (int i = 0; i < maxDatagrams; i++) {
            if (!used[i]) {
                slot = i;
                break;
            }
            if (firstSeen[i] < oldest) {
                oldest = firstSeen[i];
                oldestSlot = i;
            }
        }
        if (slot < 0) {
            evicted++;
            release(oldestSlot);
            slot = oldestSlot;
        }
        if (buffers[slot] == null) {
            buffers[slot] = new byte[maxDatagramBytes];
            held[slot] = new IntervalSet(maxFragments);
        }
        used[slot] = true;
        version[slot] = p.ipVersion;
        srcHi[slot] = p.srcHi;
        srcLo[slot] = p.srcLo;
        dstHi[slot] = p.dstHi;
        dstLo[slot] = p.dstLo;
        ident[slot] = p.fragId;
        proto[slot] = p.ipProto;
        firstSeen[slot] = p.tsNanos;
        fragCount[slot] = 0;
        totalLen[slot] = -1;
        held[slot].clear();
        return slot;
    }
}
