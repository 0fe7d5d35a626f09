package io.impacketsensor.core.pipeline;

import io.impacketsensor.core.event.EventSink;
import io.impacketsensor.core.event.PacketTiming;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.spi.EventOrder;

import java.io.Flushable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Ring #2: events from every decode worker to one consumer thread (the detection engine, or an
 * EVE writer), so whatever sits downstream owns its state without locks.
 *
 * <p>Each worker publishes into its own single-producer queue ({@link WorkerEvents}, see
 * {@link #producer}); every event carries the capture-ring sequence of the slot that produced it
 * and its key within the slot ({@link EventOrder}). The consumer thread merges the queues: it takes
 * the smallest (sequence, key, worker) head, and only once every worker whose queue is empty has
 * reported progress up to that sequence, so no event of an earlier frame can still come. The
 * engine therefore sees events in the order of the frames that produced them, whatever the number
 * of workers and however their threads run: a replay with N workers raises the same alerts, in the
 * same order, as with one. Workers handle every slot of the capture ring (another worker's frame
 * costs a compare), so an idle worker's progress follows the capture thread and never holds the
 * merge back.
 *
 * <p>The consumer calls the downstream {@link EventSink} in that order and flushes it when it has
 * nothing to take (a batch end) if it is {@link Flushable}. Replay is lossless (a full queue makes
 * its worker wait); live capture drops the event and counts {@code events.dropped_ring} rather than
 * stall packet decoding.
 */
public final class EventRing {
    /**
     * Consumer back-off. With no event queued it spins briefly, then sleeps until a producer has
     * queued a batch ({@link WorkerEvents}) or {@link #IDLE_SLEEP_NANOS} passed. It does not yield
     * in between: on a machine with fewer cores than busy threads (capture, workers, this one)
     * every yield is a system call that takes CPU the producers need, and a replay's consumer
     * catches up with its worker every few hundred events. Waiting for another worker's progress
     * (a merge wait, which ends within a packet's decoding) spins, then yields, then sleeps.
     */
    private static final int SPINS = 100;
    private static final int YIELDS = 200;
    private static final long IDLE_SLEEP_NANOS = 1_000_000L;
    /** Longest a batch end waits for its flush while the consumer stays busy. */
    private static final long FLUSH_NANOS = 10_000_000L;
    /** {@link #next()} results other than a worker index. */
    private static final int EMPTY = -1;
    private static final int BLOCKED = -2;
    private static final int RETRY = -3;
    private static final int DONE = -4;

    private final EventSink downstream;
    /** The downstream, when it wants packet numbers and acknowledgements ({@link PacketTiming}); else null. */
    private final PacketTiming timing;
    private final WorkerEvents[] queues;
    private final Thread thread;
    private final ErrorCounter errors = new ErrorCounter("event");
    /** Set once no worker publishes any more: the consumer drains what is left and stops. */
    private volatile boolean producersDone;
    private volatile boolean halted;
    /** The consumer's announcement that it is about to sleep, and the producers' way to wake it. */
    private final Sleeper sleeper;
    private final long idleSleepNanos;
    private volatile long consumed;

    // consumer-thread state, one entry per worker
    private final long[] heads;
    private final long[] tails;
    private final long[] progress;
    private long mergeWaits;
    private volatile long mergeWaitsPublished;
    /** Bytes allocated and CPU time of the consumer thread, known once it stopped (-1 before, or unsupported). */
    private volatile long consumerAllocated = -1;
    private volatile long consumerCpu = -1;

    /**
     * @param downstream the consumer, called on the "events" thread only
     * @param workers    number of producing workers, each with its own queue
     * @param size       slots per worker queue (power of two)
     * @param lossless   true: a full queue makes its worker wait; false: the event is dropped
     */
    public EventRing(EventSink downstream, int workers, int size, boolean lossless) {
        this(downstream, workers, size, lossless, IDLE_SLEEP_NANOS);
    }

    /** @param idleSleepNanos longest sleep of a consumer with nothing queued (tests make it long) */
    EventRing(EventSink downstream, int workers, int size, boolean lossless, long idleSleepNanos) {
        this.idleSleepNanos = idleSleepNanos;
        this.downstream = downstream;
        // Packet numbers are the capture ring's sequence only in a replay (live rings also carry ticks).
        this.timing = lossless && downstream instanceof PacketTiming t && t.packetTiming() ? t : null;
        this.queues = new WorkerEvents[workers];
        this.thread = new Thread(this::consume, "events");
        thread.setDaemon(true);
        this.sleeper = new Sleeper(thread);
        for (int i = 0; i < workers; i++) {
            queues[i] = new WorkerEvents(i, size, lossless, timing != null, sleeper);
        }

        this.heads = new long[workers];
        this.tails = new long[workers];
        this.progress = new long[workers];
        java.util.Arrays.fill(progress, -1);
    }

    /** Worker {@code worker}'s queue: its analyzers' event sink and its {@link EventOrder}. */
    WorkerEvents producer(int worker) {
        return queues[worker];
    }

    /** The consumer's sleep announcement (tests wait for it). */
    Sleeper sleeper() {
        return sleeper;
    }

    public void start() {
        thread.start();
    }

    private void consume() {
        int idle = 0;
        boolean slept = false;
        boolean unflushed = false;
        long flushedAt = System.nanoTime();
        boolean waiting = false;
        long allocStart = ThreadAllocation.current();
        long cpuStart = ThreadAllocation.cpuNanos();
        try {
            while (!halted) {
                int w = next();
                if (w >= 0) {
                    if (slept | sleeper.parked.get()) {
                        sleeper.parked.set(false);
                        slept = false;
                    }
                    deliver(w);
                    unflushed = true;
                    idle = 0;
                    waiting = false;
                    continue;
                }
                if (w == RETRY) {
                    continue;
                }
                if (w == DONE) {
                    if (unflushed) {
                        flush();
                    }
                    return;
                }
                if (w == BLOCKED) {
                    if (!waiting) {
                        waiting = true;
                        mergeWaitsPublished = ++mergeWaits;
                    }
                    if (unflushed && (idle >= YIELDS || System.nanoTime() - flushedAt >= FLUSH_NANOS)) {
                        unflushed = false;
                        flush();
                        flushedAt = System.nanoTime();
                    }
                    idle = backOff(idle);
                    continue;
                }
                if (idle < SPINS) {
                    Thread.onSpinWait();
                    idle++;
                    continue;
                }
                if (!sleeper.parked.get()) {
                    // Announce the sleep, then look once more: an event published before a
                    // producer read the announcement is seen by that look, one after it wakes us.
                    sleeper.parked.set(true);
                    continue;
                }
                // A batch end is flushed after a lull of a whole sleep, at the end, or when the last
                // flush is FLUSH_NANOS old: the downstream's buffered output reaches its file within
                // that while events keep coming, without a write each time a replay's consumer
                // catches up with its worker.
                if (unflushed && (slept || System.nanoTime() - flushedAt >= FLUSH_NANOS)) {
                    unflushed = false;
                    flush();
                    flushedAt = System.nanoTime();
                    continue;
                }
                LockSupport.parkNanos(this, idleSleepNanos);
                slept = true;
            }
        } finally {
            for (WorkerEvents q : queues) {
                q.halt();
            }
            long allocEnd = ThreadAllocation.current();
            consumerAllocated = allocStart < 0 || allocEnd < 0 ? -1 : allocEnd - allocStart;
            long cpuEnd = ThreadAllocation.cpuNanos();
            consumerCpu = cpuStart < 0 || cpuEnd < 0 ? -1 : cpuEnd - cpuStart;
        }
    }

    /**
     * The worker whose head event comes next, or {@link #EMPTY} (no event queued),
     * {@link #BLOCKED} (a worker with an empty queue may still publish an earlier event),
     * {@link #RETRY} (such a worker just published) or {@link #DONE} (producers done, all taken).
     */
    private int next() {
        // Read before the tails: once producers are done, every event is visible below them.
        boolean done = producersDone;
        int best = -1;
        long bestSeq = 0;
        long bestKey = 0;
        for (int j = 0; j < queues.length; j++) {
            long h = heads[j];
            if (h == tails[j]) {
                tails[j] = queues[j].tail();
            }
            if (h < tails[j]) {
                long s = queues[j].seqAt(h);
                long k = queues[j].keyAt(h);
                if (best < 0 || s < bestSeq || (s == bestSeq && k < bestKey)) {
                    best = j;
                    bestSeq = s;
                    bestKey = k;
                }
            }
        }
        if (best < 0) {
            return done ? DONE : EMPTY;
        }
        if (done) {
            return best;
        }
        for (int j = 0; j < queues.length; j++) {
            if (j == best || heads[j] < tails[j] || progress[j] >= bestSeq) {
                // A queued head is already no earlier than the best; a worker past bestSeq
                // published everything up to it before the tail read that followed (below).
                continue;
            }
            progress[j] = queues[j].progressSeq();
            // Progress first, then the tail: events published before that progress are seen now.
            tails[j] = queues[j].tail();
            if (heads[j] < tails[j]) {
                return RETRY;
            }
            if (progress[j] < bestSeq) {
                return BLOCKED;
            }
        }
        return best;
    }

    private void deliver(int w) {
        long h = heads[w];
        WorkerEvents q = queues[w];
        long mark = WorkerEvents.NO_WAIT;
        long markFlow = 0;
        long packet = 0;
        if (timing != null) {
            // Read before take(): taking frees the slot for the producer.
            mark = q.markAt(h);
            markFlow = q.markFlowAt(h);
            // In a replay every slot up to the end of input is a frame: sequence + 1 is its number.
            packet = q.keyAt(h) == EventOrder.FRAME ? q.seqAt(h) + 1 : 0;
        }
        SensorEvent e = q.take(h);
        heads[w] = h + 1;
        try {
            if (e == null) {
                if ((mark & WorkerEvents.MARK_ACK) != 0) {
                    timing.acknowledged(markFlow, (int) (mark >>> 32) & 1, (int) mark, packet);
                } else {
                    timing.flowEnded(markFlow, packet);
                }
                return;
            }
            consumed++;
            if (timing != null) {
                timing.produced(packet, mark);
            }
            downstream.accept(e);
        } catch (RuntimeException | StackOverflowError ex) {
            errors.record(ex, "while handling an event");
        }
    }

    private void flush() {
        if (downstream instanceof Flushable f) {
            try {
                f.flush();
            } catch (java.io.IOException | RuntimeException ex) {
                errors.record(ex, "while flushing");
            }
        }
    }

    /**
     * The consumer's sleep announcement, shared with the producers: a producer that queued a batch
     * wakes a consumer that announced its sleep (once: the first to clear the flag unparks it).
     */
    static final class Sleeper {
        private final Thread consumer;
        /** Set by the consumer before it sleeps; cleared by it on waking, or by the producer that wakes it. */
        final AtomicBoolean parked = new AtomicBoolean();

        Sleeper(Thread consumer) {
            this.consumer = consumer;
        }

        /** Called by a producer after publishing; while the consumer is busy the flag stays in the producer's cache. */
        void wake() {
            if (parked.get() && parked.compareAndSet(true, false)) {
                LockSupport.unpark(consumer);
            }
        }
    }

    private static int backOff(int idle) {
        if (idle < SPINS) {
            Thread.onSpinWait();
        } else if (idle < YIELDS) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(IDLE_SLEEP_NANOS);
            return idle;
        }
        return idle + 1;
    }

    /**
     * Called once no worker publishes any more (they finished, or were halted): waits until every
     * queued event has been handed downstream, then the consumer stops.
     *
     * @param timeout how long to wait; {@code Long.MAX_VALUE} waits as long as it takes
     * @return false when the consumer did not catch up within the timeout (it is halted anyway)
     */
    public boolean shutdown(long timeout, TimeUnit unit) throws InterruptedException {
        producersDone = true;
        LockSupport.unpark(thread);
        if (timeout == Long.MAX_VALUE) {
            thread.join();
        } else {
            thread.join(Math.max(1, unit.toMillis(timeout)));
        }
        if (thread.isAlive()) {
            halted = true;
            LockSupport.unpark(thread);
            thread.join();
            return false;
        }
        return true;
    }

    /**
     * {@code events.published}, {@code events.dropped_ring}, {@code events.handler_errors},
     * {@code events.queue_full_waits} (a worker waited for the consumer, replay),
     * {@code events.merge_waits} (the consumer waited for a worker that lagged behind another) and,
     * once the consumer has stopped, {@code events.allocated_bytes} and {@code events.cpu_ns} (its
     * thread's, as the capture thread's and the workers').
     */
    public void reportCounters(CounterVisitor v) {
        long published = 0;
        long dropped = 0;
        long fullWaits = 0;
        for (WorkerEvents q : queues) {
            published += q.published();
            dropped += q.dropped();
            fullWaits += q.fullWaits();
        }
        v.counter("events.published", published);
        v.counter("events.dropped_ring", dropped);
        v.counter("events.handler_errors", errors.errors());
        v.counter("events.queue_full_waits", fullWaits);
        v.counter("events.merge_waits", mergeWaitsPublished);
        if (consumerAllocated >= 0) {
            v.counter("events.allocated_bytes", consumerAllocated);
        }
        if (consumerCpu >= 0) {
            v.counter("events.cpu_ns", consumerCpu);
        }
    }

    /** Events handed downstream so far. */
    public long consumed() {
        return consumed;
    }
}
