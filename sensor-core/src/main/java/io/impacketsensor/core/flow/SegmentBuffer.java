package io.impacketsensor.core.flow;

import io.impacketsensor.core.packet.IntervalSet;

/**
 * Out-of-order bytes of one TCP direction, waiting for the hole before them to be filled.
 *
 * <p>Offsets are relative to the direction's next expected sequence number ({@link #origin}); a
 * byte with sequence number {@code s} is stored at {@code data[s & mask]}, so the ring never moves
 * bytes. The window is bounded in bytes past the next expected byte and in held ranges. The first
 * copy of a byte wins: later copies are compared and a difference is reported as a conflict.
 * Instances come from a {@link SegmentBufferPool} and go back to it when empty.
 */
final class SegmentBuffer implements BufferBudget.Owner {
    /** {@link #insert} stored the bytes. */
    static final int STORED = 0;
    /** {@link #insert} would exceed the byte window or the range count: nothing was stored. */
    static final int FULL = 1;

    private final byte[] data;
    private final int mask;
    private final int maxBytes;
    private final IntervalSet ranges;
    /**
     * Acknowledgement marks, sorted by offset with strictly increasing acknowledgement numbers: the
     * bytes from {@code markRel[i]} on were sent after their sender had received the other
     * direction up to {@code markAck[i]} (RFC 9293 3.4: an ACK acknowledges every byte below it).
     * Only marks acknowledging bytes of the other direction not yet delivered when their segment
     * arrived are kept; a mark at or below offset 0 applies to the next expected byte.
     */
    private final int[] markRel;
    private final int[] markAck;
    private int marks;
    /**
     * With acknowledgement timing ({@link AckWatch}): acknowledgement numbers the peer sent while
     * bytes were held, ascending, each with the ring sequence of the packet that first carried it.
     * Held bytes the peer acknowledged are the ones Suricata parses on that packet, so events made
     * from them when they are delivered later carry that packet. A new segment drops the stamps
     * reaching past its start: those acknowledgements came before its bytes were held.
     */
    private final int[] stampAck;
    private final long[] stampSeq;
    private int stamps;
    /** Sequence number at relative offset 0 (the direction's next expected byte). */
    int origin;
    /** Set by {@link #insert} when a byte already held differed from the new copy. */
    boolean conflict;
    /** Set by {@link #insert} when some of the new bytes were already held. */
    boolean overlap;
    /**
     * True once the peer acknowledged bytes past the first hole. Under reordering that ACK can
     * arrive before the segment filling the hole, so the hole becomes a gap only after
     * {@link #holeWait} more segments of the flow have not filled it.
     */
    boolean ackPastHole;
    /** Highest sequence number the peer acknowledged, valid while {@link #ackPastHole}. */
    int holeAck;
    /** Segments of the flow without progress left before an acknowledged hole becomes a gap. */
    int holeWait;
    /** The direction's next expected byte when {@link #holeWait} was last reset. */
    int holeProgress;
    /**
     * True while the held data acknowledges bytes of the other direction not yet delivered: its
     * sender had received them, so they come first (a copy whose two directions take different
     * paths delivers a reply before its request).
     */
    boolean waitPeer;
    /** The acknowledgement number the data at the head waits for, valid while {@link #waitPeer}. */
    int peerAck;
    /** The worker's segment count at which the held data stops waiting for the other direction. */
    long peerDeadline;
    /**
     * True once the wait of the held data was extended: at its end the other direction held
     * nothing and had not closed, so the bytes waited for were its latest (TcpReassembler).
     */
    boolean peerExtended;
    /** Budget account, pool and the flow direction using this buffer (set by the pool). */
    BufferBudget.Account account;
    SegmentBufferPool pool;
    Flow flow;
    int dir;

    SegmentBuffer(int maxBytes, int maxSegments) {
        int cap = Integer.highestOneBit(Math.max(maxBytes, 2) - 1) << 1;
        this.data = new byte[cap];
        this.mask = cap - 1;
        this.maxBytes = maxBytes;
        this.ranges = new IntervalSet(maxSegments);
        this.markRel = new int[maxSegments];
        this.markAck = new int[maxSegments];
        this.stampAck = new int[maxSegments];
        this.stampSeq = new long[maxSegments];
    }

    /**
     * The budget takes this buffer back: the held bytes are dropped. The receiver acknowledges
     * them, so the hole before them becomes a gap (TcpReassembler's ack rule) and the analyzer
     * resynchronises after it.
     */
    @Override
    public boolean dropBuffer() {
        Flow f = flow;
        boolean held = !isEmpty();
        if (f != null && f.ooo[dir] == this) {
            f.ooo[dir] = null;
        }
        ranges.clear();
        marks = 0;
        stamps = 0;
        if (pool != null) {
            pool.release(this);
        }
        return held;
    }

    void reset(int origin) {
        this.origin = origin;
        ranges.clear();
        marks = 0;
        stamps = 0;
        ackPastHole = false;
        waitPeer = false;
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    int rangeCount() {
        return ranges.count();
    }

    /** Relative start of the first held range (0 when it starts at the next expected byte). */
    int firstStart() {
        return ranges.start(0);
    }

    int firstEnd() {
        return ranges.end(0);
    }

    /** Relative end of the last held range. */
    int lastEnd() {
        return ranges.end(ranges.count() - 1);
    }

    byte[] data() {
        return data;
    }

    int ringPos(int rel) {
        return (origin + rel) & mask;
    }

    int capacity() {
        return data.length;
    }

    /** True when {@code [rel, rel+len)} fits the window (it still may need a range too many). */
    boolean fits(int rel, int len) {
        return rel >= 0 && (long) rel + len <= maxBytes;
    }

    /**
     * Stores {@code len} bytes at relative offset {@code rel} (≥ 0), keeping bytes already held.
     *
     * @return STORED or FULL (nothing stored)
     */
    int insert(int rel, byte[] src, int off, int len) {
        conflict = false;
        overlap = false;
        if (len <= 0) {
            return STORED;
        }
        int end = rel + len;
        if (!fits(rel, len) || ranges.countAfterAdd(rel, end) > ranges.capacity()) {
            return FULL;
        }
        int start = origin + rel;
        while (stamps > 0 && stampAck[stamps - 1] - start > 0) {
            stamps--;
        }
        int pos = rel;
        while (pos < end) {
            int i = ranges.firstEndingAfter(pos);
            if (i < ranges.count() && ranges.start(i) <= pos) {
                int covEnd = Math.min(ranges.end(i), end);
                overlap = true;
                if (!conflict) {
                    for (int k = pos; k < covEnd; k++) {
                        if (data[(origin + k) & mask] != src[off + k - rel]) {
                            conflict = true;
                            break;
                        }
                    }
                }
                pos = covEnd;
            } else {
                int gapEnd = i < ranges.count() ? Math.min(ranges.start(i), end) : end;
                copyIn(src, off + pos - rel, pos, gapEnd - pos);
                pos = gapEnd;
            }
        }
        ranges.add(rel, end);
        return STORED;
    }

    private void copyIn(byte[] src, int srcOff, int rel, int len) {
        int p = (origin + rel) & mask;
        int first = Math.min(len, data.length - p);
        System.arraycopy(src, srcOff, data, p, first);
        if (first < len) {
            System.arraycopy(src, srcOff + first, data, 0, len - first);
        }
    }

    /** Moves the origin forward by {@code n} bytes (delivered, or skipped as a gap). */
    void advance(int n) {
        origin += n;
        ranges.shiftDown(n);
        // Marks now at or below the origin collapse into the last of them (the largest ack).
        int keep = 0;
        while (keep < marks && markRel[keep] - n <= 0) {
            keep++;
        }
        int from = keep > 0 ? keep - 1 : 0;
        int w = 0;
        for (int r = from; r < marks; r++) {
            markRel[w] = Math.max(0, markRel[r] - n);
            markAck[w] = markAck[r];
            w++;
        }
        marks = w;
        // Stamps below the origin can no longer cover the end of a delivery.
        int old = 0;
        while (old < stamps && stampAck[old] - origin < 0) {
            old++;
        }
        if (old > 0) {
            System.arraycopy(stampAck, old, stampAck, 0, stamps - old);
            System.arraycopy(stampSeq, old, stampSeq, 0, stamps - old);
            stamps -= old;
        }
    }

    /**
     * The peer acknowledged this direction up to {@code ack} on the packet of ring sequence
     * {@code sequence} while bytes were held (only an acknowledgement beyond the last one stamped
     * is kept; with every slot taken it is not, and those bytes wait for a later one as usual).
     */
    void stamp(int ack, long sequence) {
        int ahead = ack - origin;
        if (ahead <= 0 || ahead > TcpReassembler.MAX_SEQ_JUMP
                || stamps > 0 && ack - stampAck[stamps - 1] <= 0 || stamps == stampAck.length) {
            return;
        }
        stampAck[stamps] = ack;
        stampSeq[stamps] = sequence;
        stamps++;
    }

    /**
     * The ring sequence of the first packet that acknowledged sequence number {@code end} while
     * the bytes below it were held, or -1 (not acknowledged yet).
     */
    long acknowledgedOn(int end) {
        for (int i = 0; i < stamps; i++) {
            if (stampAck[i] - end >= 0) {
                return stampSeq[i];
            }
        }
        return -1;
    }

    /**
     * Records that the bytes from {@code rel} on were sent after their sender had received the
     * other direction up to {@code ack}. A mark the earlier ones already imply is not stored, and
     * later marks this one implies are removed; with every slot taken the mark is not kept (those
     * bytes are then delivered without waiting, as a copy without acknowledgements would be).
     */
    void mark(int rel, int ack) {
        int i = 0;
        while (i < marks && markRel[i] <= rel) {
            i++;
        }
        if (i > 0 && ack - markAck[i - 1] <= 0) {
            return;
        }
        int j = i;
        while (j < marks && markAck[j] - ack <= 0) {
            j++;
        }
        int removed = j - i;
        if (i > 0 && markRel[i - 1] == rel) {
            i--;
            removed++;
        }
        if (removed == 0 && marks == markRel.length) {
            return;
        }
        int shift = 1 - removed;
        if (shift != 0) {
            System.arraycopy(markRel, i + removed, markRel, i + 1, marks - i - removed);
            System.arraycopy(markAck, i + removed, markAck, i + 1, marks - i - removed);
        }
        markRel[i] = rel;
        markAck[i] = ack;
        marks += shift;
    }

    /**
     * How many bytes from the next expected one may be delivered while the other direction has
     * been delivered up to {@code peerNext}: up to the first mark acknowledging bytes beyond it
     * (serial arithmetic, RFC 1982), or {@link Integer#MAX_VALUE} when no mark holds anything back.
     */
    int deliverable(int peerNext) {
        for (int i = 0; i < marks; i++) {
            int ahead = markAck[i] - peerNext;
            if (ahead > 0 && ahead <= TcpReassembler.MAX_SEQ_JUMP) {
                return markRel[i];
            }
        }
        return Integer.MAX_VALUE;
    }

    /** The acknowledgement number of the mark at the next expected byte (valid when {@link #deliverable} is 0). */
    int headAck() {
        return markAck[0];
    }

    /** Forgets the mark at the next expected byte (its bytes then go without waiting). */
    void dropHeadMark() {
        if (marks > 0) {
            System.arraycopy(markRel, 1, markRel, 0, marks - 1);
            System.arraycopy(markAck, 1, markAck, 0, marks - 1);
            marks--;
        }
    }

}
