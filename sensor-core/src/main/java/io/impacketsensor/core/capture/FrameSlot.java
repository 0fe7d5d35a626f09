package io.impacketsensor.core.capture;

/**
 * One captured frame, and one slot of the capture ring (ring #1): made once, filled in place by a
 * {@link PacketSource}, read by the decode workers, reused for the next frame. Its buffer is made
 * by the first {@link #ensureCapacity} (every source calls it before writing a frame), so a ring of
 * 16,384 slots costs its 32 MB only as frames reach it, not all at once at start-up, where the
 * burst made the JVM grow its heap far beyond what a replay keeps live.
 *
 * <p>Fields are public and mutable on purpose: the slot is a flyweight written by one thread and
 * read by another after the ring's publish/consume barrier, never shared otherwise.
 */
public final class FrameSlot {
    /** Initial buffer size: a full Ethernet frame plus VLAN tags fits; larger frames grow it. */
    public static final int INITIAL_CAPACITY = 2048;

    /** Slot kinds: what a worker does with the slot (see {@link #kind}). */
    public static final int KIND_FRAME = 0;
    /** Nothing to do (a claimed slot whose read returned no frame). */
    public static final int KIND_NONE = 1;
    /** Every worker: time passed without packets, expire idle flows up to {@link #tsNanos}. */
    public static final int KIND_TICK = 2;
    /** Every worker: end of input, close every flow. */
    public static final int KIND_FINISH = 3;

    /** Frame bytes, {@code [0, caplen)} valid; see {@link #ensureCapacity(int)}. */
    public byte[] data = EMPTY;
    private static final byte[] EMPTY = {};
    /** The slot's own buffer, which {@link #data} returns to after an oversized frame (ring slots only). */
    private byte[] own = data;
    /** Where a ring slot borrows a buffer for an oversized frame; null outside a ring. */
    private Oversize oversize;
    /** The ring sequence this slot holds now (set by the pipeline before each read). */
    private long sequence = -1;
    /** Bytes captured. */
    public int caplen;
    /** Length of the frame on the wire (may exceed {@link #caplen} when the snaplen cut it). */
    public int wirelen;
    /** Capture time, ns since the epoch. */
    public long tsNanos;
    /** libpcap LINKTYPE_ value of the interface the frame came from. */
    public int linkType;
    /** Index of the interface within the capture file (pcapng IDB order; 0 for classic pcap and live). */
    public int interfaceId;
    /** What the slot holds: {@link #KIND_FRAME}, {@link #KIND_NONE}, {@link #KIND_TICK}, {@link #KIND_FINISH}. */
    public int kind;
    /** Index of the decode worker that owns the frame (symmetric flow hash % workers). */
    public int worker;

    /**
     * Lends buffers for frames larger than a ring slot (GRO/TSO super-frames up to 64 KB): a small
     * pool shared by the ring, so ring memory stays slots x 2 KB instead of every slot growing to
     * the largest frame it ever held.
     */
    public interface Oversize {
        /** A buffer of at least {@code size} bytes that stays untouched until {@code sequence} is consumed. */
        byte[] take(int size, long sequence);
    }

    /** Makes this a ring slot that borrows oversized buffers from {@code pool}. */
    public void attach(Oversize pool) {
        this.oversize = pool;
    }

    /** The pipeline moves the slot to ring sequence {@code seq} before reading a frame into it. */
    public void prepare(long seq) {
        sequence = seq;
        data = own;
    }

    /**
     * Makes {@link #data} hold at least {@code size} bytes. Contents are not kept: the caller is
     * about to overwrite them. A ring slot borrows a pooled buffer; a lone slot grows by doubling,
     * so a run of jumbo frames allocates only a few times.
     */
    public void ensureCapacity(int size) {
        if (data.length >= size) {
            return;
        }
        if (own.length == 0 && size <= INITIAL_CAPACITY) {
            own = new byte[INITIAL_CAPACITY];
            data = own;
            return;
        }
        if (oversize != null) {
            data = oversize.take(size, sequence);
            return;
        }
        {
            int n = Math.max(INITIAL_CAPACITY, data.length);
            while (n < size) {
                n = n > (Integer.MAX_VALUE >> 1) ? size : n << 1;
            }
            data = new byte[n];
            own = data;
        }
    }
}
