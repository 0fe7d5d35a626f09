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

    /**
     * Frame bytes, {@code [offset, offset + caplen)} valid: the slot's own buffer (see
     * {@link #ensureCapacity(int)}), or a source's buffer lent with {@link #lend}.
     */
    public byte[] data = EMPTY;
    /** Where the frame starts in {@link #data}: 0 in the slot's own buffer. */
    public int offset;
    private static final byte[] EMPTY = {};
    /** The slot's own buffer, which {@link #data} returns to after an oversized frame (ring slots only). */
    private byte[] own = data;
    /** Where a ring slot borrows a buffer for an oversized frame; null outside a ring. */
    private Oversize oversize;
    /** The ring's progress, for sources that lend their buffers; null outside a ring. */
    private Consumption consumption;
    /** The ring sequence this slot holds now (set by the pipeline before each read). */
    private long sequence = -1;
    /** {@link #data} is a source's buffer ({@link #lend}), never to be written through this slot. */
    private boolean lent;
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

    /**
     * How far the ring's workers are, for a source that lends its own buffer instead of copying
     * the frame ({@link #lend}): the buffer may be written again only once every slot that
     * refers to it is consumed.
     */
    public interface Consumption {
        /** True once every worker has handled the slot of ring sequence {@code sequence}. */
        boolean consumed(long sequence);

        /**
         * True when {@code sequence} has been published. A slot claimed but not yet published
         * is consumed only after the capture thread publishes it, so the capture thread must
         * not wait for it.
         */
        boolean published(long sequence);
    }

    /** Makes this a ring slot that borrows oversized buffers from {@code pool}. */
    public void attach(Oversize pool) {
        this.oversize = pool;
    }

    /**
     * Lets a source lend its buffers to this ring slot ({@link #lend}): set by the pipeline when
     * everything between the source and the workers only reads the frames.
     */
    public void allowLending(Consumption ring) {
        this.consumption = ring;
    }

    /** The ring's progress when a source may lend this slot a buffer ({@link #lend}), else null. */
    public Consumption lending() {
        return consumption;
    }

    /** The ring sequence the slot holds now (-1 outside a ring). */
    public long sequence() {
        return sequence;
    }

    /**
     * Points the slot at {@code len} bytes of a source's buffer instead of copying them; only
     * where {@link #lending()} is not null, and the source keeps those bytes unchanged until
     * {@link Consumption#consumed} says this slot's {@link #sequence()} is done.
     */
    public void lend(byte[] buf, int off, int len) {
        lent = true;
        data = buf;
        offset = off;
        caplen = len;
    }

    /** The pipeline moves the slot to ring sequence {@code seq} before reading a frame into it. */
    public void prepare(long seq) {
        sequence = seq;
        data = own;
        offset = 0;
        lent = false;
    }

    /**
     * Makes {@link #data} hold at least {@code size} bytes. Contents are not kept: the caller is
     * about to overwrite them. A ring slot borrows a pooled buffer; a lone slot grows by doubling,
     * so a run of jumbo frames allocates only a few times.
     */
    public void ensureCapacity(int size) {
        if (lent) {
            lent = false;
            data = own;
        }
        offset = 0;
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
