package io.impacketsensor.core.pipeline;

import com.lmax.disruptor.Sequence;
import io.impacketsensor.core.event.EventSink;
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
    private final long[] seqs;
    private final long[] keys;
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

    // producer-thread counters (read by others once the worker stopped, or stale)
    private long published;
    private long dropped;
    private long fullWaits;

    WorkerEvents(int index, int capacity, boolean lossless) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 2, got " + capacity);
        }
        this.index = index;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.lossless = lossless;
        this.events = new SensorEvent[capacity];
        this.seqs = new long[capacity];
        this.keys = new long[capacity];
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
    public void accept(SensorEvent e) {
        long t = tail;
        if (t - cachedHead >= capacity) {
            cachedHead = headSeq.get();
            if (t - cachedHead >= capacity && !awaitSpace(t)) {
                dropped++;
                return;
            }
        }
        int i = (int) t & mask;
        events[i] = e;
        seqs[i] = seq;
        keys[i] = key;
        tail = t + 1;
        tailSeq.set(t + 1);
        published++;
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
        return seqs[(int) slot & mask];
    }

    long keyAt(long slot) {
        return keys[(int) slot & mask];
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
