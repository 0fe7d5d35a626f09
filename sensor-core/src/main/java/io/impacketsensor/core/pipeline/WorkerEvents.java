package io.impacketsensor.core.pipeline;

import com.lmax.disruptor.Sequence;
import io.impacketsensor.core.event.EventSink;
import io.impacketsensor.core.event.PacketTiming;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.spi.EventOrder;

import java.util.concurrent.locks.LockSupport;

/**
 * One decode worker's side of the event ring: a single-producer, single-consumer queue of events,
 * each stamped with the ring sequence of the slot that produced it and its key within that slot
 * ({@link EventOrder}), plus the worker's progress (every slot up to it has been handled, its
 * events are in the queue). {@link EventRing}'s consumer merges the workers' queues by those
 * stamps.
 *
 * <p>Preallocated parallel arrays, no lock and no object per event beyond the event itself: the
 * producer writes a slot and publishes the tail with a release store, the consumer frees slots by
 * publishing the head the same way. Progress is published every {@link #PROGRESS_EVERY} slots and
 * at the end of each batch the worker takes from the capture ring, so an idle worker always
 * counts as caught up with the capture thread.
 */
final class WorkerEvents implements EventSink, EventOrder {
    /** Handled slots between two progress stores in a long batch (bounds the consumer's wait). */
    static final int PROGRESS_EVERY = 4;
    private static final long FULL_PARK_NANOS = 50_000;

    private final int index;
    private final int mask;
    private final int capacity;
    private final boolean lossless;
    private final SensorEvent[] events;
    /**
     * Per slot, {@link #stride} longs side by side: the ring sequence and the key of its entry
     * ({@link #SEQ}, {@link #KEY}); with {@link #ackTimed} also what the event waits for
     * ({@link #NO_WAIT}, or direction and stream position, see {@link #awaitAck}), or for a mark
     * (no event) its kind, direction and acknowledgement ({@link #MARK}), and the flow id of a
     * mark ({@link #MARK_FLOW}). One array rather than one per field: an entry's stamps share a
     * cache line, which the producer's and the consumer's cores hand to each other once per entry
     * instead of once per field.
     */
    private final long[] meta;
    private final int stride;
    private static final int SEQ = 0;
    private static final int KEY = 1;
    private static final int MARK = 2;
    private static final int MARK_FLOW = 3;
    private final boolean ackTimed;
    private long nextAwait = NO_WAIT;

    /** The {@link #MARK} of an event that waits for nothing. */
    static final long NO_WAIT = -1;
    /** {@link #MARK} bits of a mark: the other side acknowledged, or the flow ended. */
    static final long MARK_ACK = 1L << 40;
    static final long MARK_END = 1L << 41;
    /** Next slot the producer writes (published as {@link #tailSeq}). */
    private long tail;
    /** Consumer's head as last read by the producer (refreshed only when the queue looks full). */
    private long cachedHead;
    private long seq = -1;
    private long key = FRAME;
    private final Sequence tailSeq = new Sequence(0);
    private final Sequence headSeq = new Sequence(0);
    private final Sequence progress = new Sequence(-1);
    private volatile boolean halted;
    /**
     * A sleeping consumer is woken when the tail reaches a multiple of {@code wakeMask + 1}: it
     * then takes a batch per wake-up (about {@link #WAKE_BATCH} events, at most a quarter of the
     * queue), and what is left after the last one waits at most the consumer's idle sleep.
     */
    private final EventRing.Sleeper sleeper;
    private final int wakeMask;
    static final int WAKE_BATCH = 256;

    // producer-thread counters (read by others once the worker stopped, or stale)
    private long published;
    private long dropped;
    private long fullWaits;

    /**
     * @param ackTimed publish the acknowledgement marks of {@link EventOrder#ackTimed}
     * @param sleeper  the consumer's sleep announcement: woken once a batch is queued
     */
    WorkerEvents(int index, int capacity, boolean lossless, boolean ackTimed, EventRing.Sleeper sleeper) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 2, got " + capacity);
        }
        this.index = index;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.lossless = lossless;
        this.events = new SensorEvent[capacity];
        this.ackTimed = ackTimed;
        this.stride = ackTimed ? 4 : 2;
        this.meta = new long[capacity * stride];
        this.sleeper = sleeper;
        this.wakeMask = Math.max(1, Math.min(WAKE_BATCH, capacity / 4)) - 1;
    }

    // ---- producer side (the worker's thread) ----

    /** The worker starts on slot {@code sequence}: the events that follow carry it. */
    void slot(long sequence) {
        seq = sequence;
        key = FRAME;
    }

    /**
     * Every slot up to {@code sequence} is handled: the consumer may take other workers' events
     * up to it without waiting for this worker.
     */
    void progress(long sequence) {
        progress.set(sequence);
    }

    @Override
    public long sequence() {
        return seq;
    }

    @Override
    public void within(long k) {
        key = k;
    }

    @Override
    public boolean ackTimed() {
        return ackTimed;
    }

    @Override
    public void awaitAck(int direction, int end) {
        nextAwait = (long) direction << 32 | (end & 0xFFFF_FFFFL);
    }

    @Override
    public void acknowledgedOn(long sequence) {
        // In a replay every slot is a frame: sequence + 1 is its number (as EventRing counts).
        nextAwait = PacketTiming.ACKED | (sequence + 1);
    }

    @Override
    public void acknowledged(long flowId, int direction, int ack) {
        mark(flowId, MARK_ACK | (long) direction << 32 | (ack & 0xFFFF_FFFFL));
    }

    @Override
    public void flowEnded(long flowId) {
        mark(flowId, MARK_END);
    }

    @Override
    public void accept(SensorEvent e) {
        long await = nextAwait;
        nextAwait = NO_WAIT;
        int i = claim();
        if (i < 0) {
            return;
        }
        events[i] = e;
        if (ackTimed) {
            meta[i * stride + MARK] = await;
        }
        publish(i);
        published++;
    }

    /** A mark is a slot without an event: it keeps its place among the events, so it is merged in frame order. */
    private void mark(long flowId, long kind) {
        int i = claim();
        if (i < 0) {
            return;
        }
        events[i] = null;
        int m = i * stride;
        meta[m + MARK] = kind;
        meta[m + MARK_FLOW] = flowId;
        publish(i);
    }

    /** The next free slot's index, or -1 when the queue is full and the entry is dropped (live). */
    private int claim() {
        long t = tail;
        if (t - cachedHead >= capacity) {
            cachedHead = headSeq.get();
            if (t - cachedHead >= capacity && !awaitSpace(t)) {
                dropped++;
                return -1;
            }
        }
        return (int) t & mask;
    }

    private void publish(int i) {
        int m = i * stride;
        meta[m + SEQ] = seq;
        meta[m + KEY] = key;
        long t = tail + 1;
        tail = t;
        tailSeq.set(t);
        if ((t & wakeMask) == 0) {
            sleeper.wake();
        }
    }

    /** Full queue: live drops (false); replay waits for the consumer unless it was halted. */
    private boolean awaitSpace(long t) {
        if (!lossless) {
            return false;
        }
        fullWaits++;
        while (t - cachedHead >= capacity) {
            if (halted) {
                return false;
            }
            LockSupport.parkNanos(FULL_PARK_NANOS);
            cachedHead = headSeq.get();
        }
        return true;
    }

    // ---- consumer side (EventRing's thread) ----

    /** Published tail (acquire): slots below it hold events. */
    long tail() {
        return tailSeq.get();
    }

    /** Published progress (acquire). */
    long progressSeq() {
        return progress.get();
    }

    long seqAt(long slot) {
        return meta[((int) slot & mask) * stride + SEQ];
    }

    long keyAt(long slot) {
        return meta[((int) slot & mask) * stride + KEY];
    }

    /** The slot's wait or mark ({@link #meta}); {@link #NO_WAIT} without ack timing. */
    long markAt(long slot) {
        return ackTimed ? meta[((int) slot & mask) * stride + MARK] : NO_WAIT;
    }

    long markFlowAt(long slot) {
        return meta[((int) slot & mask) * stride + MARK_FLOW];
    }

    /** Takes the event at {@code slot} (the head) and frees the slot for the producer. */
    SensorEvent take(long slot) {
        int i = (int) slot & mask;
        SensorEvent e = events[i];
        events[i] = null;
        headSeq.set(slot + 1);
        return e;
    }

    /** The consumer stopped for good: a producer waiting for space drops instead. */
    void halt() {
        halted = true;
    }

    int index() {
        return index;
    }

    long published() {
        return published;
    }

    long dropped() {
        return dropped;
    }

    long fullWaits() {
        return fullWaits;
    }
}
