package io.impacketsensor.core.pipeline;

import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PacketSource;
import io.impacketsensor.core.event.EventSink;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.spi.FrameClassifier;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The packet path from a {@link PacketSource} to the decode workers and on to the event consumer:
 *
 * <pre>
 *  capture thread ── read straight into a preallocated slot of ring #1 (Disruptor, single
 *        │           producer, LiteBlockingWaitStrategy), or point the slot at the frame in a capture
 *        │           file's read buffer, pick worker = symmetric flow hash % N
 *        ▼
 *  worker-0 … worker-N-1 ── each runs its own FrameProcessor on its frames
 *        │ analyzers emit events
 *        ▼
 *  ring #2 ({@link EventRing}: one queue per worker, merged in frame order) ── "events" thread
 *        ── downstream EventSink
 * </pre>
 *
 * <p>The workers sleep on an empty ring; the lite blocking strategy takes the lock and signals
 * only when a worker sleeps, where the plain one locked and signalled on every publish.
 *
 * <p>The events reach the consumer in the order of the ring sequence of the frames (or ticks)
 * that produced them, whatever the number of workers: see {@link EventRing}.
 *
 * <p>Replay ({@link PacketSource#lossless()}): a full ring makes the capture thread wait, so a
 * replay is lossless and deterministic, with any number of workers. Live: frames are published in batches of what the kernel
 * has ready, and a full ring makes the capture thread pause (counted in
 * {@code capture.ring_full_waits}) while frames wait in the kernel buffer, which drops and counts
 * ({@code capture.kernel_dropped}) only when it is full too; a stop request ends the pause.
 *
 * <p>Shutdown (end of input, or {@link #requestStop()} from a signal handler): the capture thread
 * stops reading and publishes a FINISH slot; every worker drains what is before it, then calls
 * {@link FrameProcessor#finish()} on its own thread; the event ring is drained last.
 *
 * <p>Live capture also gets a tick every {@link PipelineOptions#tickMillis()}: the ticker thread
 * wakes the source (libpcap's read never returns on an idle link) and the capture thread
 * publishes a TICK slot, on which every worker expires idle flows and, when asked, reports its
 * counters for a periodic stats record.
 */
public final class CapturePipeline {
    /** Replay publishes this many slots at a time (the ring holds at least 64). */
    static final int BATCH = 32;
    /** Live capture publishes at most this many frames at a time (fewer when the kernel has fewer ready). */
    static final int LIVE_BATCH = 128;
    /**
     * Most ring slots a replay uses. A file never makes the capture wait, so a replay's ring
     * absorbs no bursts; what its size decides is how often the worker finds it empty. On two
     * cores the capture thread shares a core with the events thread, and the scheduler gives each
     * a few milliseconds at a time: a ring of 1,024 frames (0.6 ms of a worker's work) ran dry
     * while the capture thread waited for its turn, about every 200 frames, and each time the
     * worker went to sleep and the capture thread had to wake it (a futex call on both sides and
     * two context switches). 8,192 frames last through such a turn. The slots hold no frame
     * bytes in a replay (the reader lends its read buffers, see PcapFileReader), so a larger ring
     * costs only the slot objects.
     */
    static final int REPLAY_RING_SLOTS = 8192;
    /** How long the capture thread sleeps between looks at a full ring (per 256 slots it waits for). */
    private static final long RING_FULL_PARK_NANOS = 100_000;
    private final PacketSource source;
    private final FrameClassifier classifier;
    private final PipelineOptions options;
    private final int workers;
    private final EventRing events;
    private final Disruptor<FrameSlot> disruptor;
    private final WorkerHandler[] handlers;
    private final ErrorCounter errors = new ErrorCounter("capture");
    private final Thread captureThread;
    private final OversizePool oversize;
    /**
     * Counted down by each worker as its thread starts. Disruptor's drain check skips consumers
     * that have not started yet and would halt them before they ran, so nothing is read until
     * every worker runs.
     */
    private final CountDownLatch workersRunning;
    /** Counted down by each worker once it has handled the FINISH slot (see {@link #awaitEnd}). */
    private final CountDownLatch workersFinished;
    private Thread ticker;

    // capture-thread counters (read by others: stale values are fine)
    private long published;
    private long ringFullWaits;
    private long ticksPublished;
    private volatile long captureAllocated = -1;
    private volatile long captureCpu = -1;

    private volatile boolean started;
    private volatile boolean stopRequested;
    private volatile boolean ended;
    private volatile String failure;

    // periodic snapshots (live stats)
    private volatile int snapshotGeneration;
    private volatile boolean snapshotPending;
    private volatile CountDownLatch snapshotLatch = new CountDownLatch(0);
    private final CounterSnapshot[] workerSnapshots;

    /**
     * @param source     where frames come from (the caller closes it after {@link #awaitEnd})
     * @param classifier symmetric flow hash for worker selection (unused with one worker)
     * @param factory    creates each worker's processor
     * @param downstream the event consumer (engine or EVE writer), called on the "events" thread
     */
    public CapturePipeline(PacketSource source, FrameClassifier classifier, ProcessorFactory factory,
                           EventSink downstream, PipelineOptions options) {
        this.source = source;
        this.classifier = classifier;
        this.options = options;
        this.workers = options.workers();
        this.workersRunning = new CountDownLatch(options.workers());
        this.workersFinished = new CountDownLatch(options.workers());
        this.events = new EventRing(downstream, workers, options.eventRingSize(), source.lossless());
        int[] nextWorker = {0};
        int ringSize = source.lossless() ? Math.min(options.ringSize(), REPLAY_RING_SLOTS) : options.ringSize();
        this.disruptor = new Disruptor<>(FrameSlot::new, ringSize, r -> {
            Thread t = new Thread(r, "worker-" + nextWorker[0]++);
            t.setDaemon(true);
            return t;
        }, ProducerType.SINGLE, new LiteBlockingWaitStrategy());
        this.handlers = new WorkerHandler[workers];
        for (int i = 0; i < workers; i++) {
            WorkerEvents queue = events.producer(i);
            handlers[i] = new WorkerHandler(i, factory.create(i, workers, queue), queue, this, workersRunning,
                    workersFinished);
        }
        this.workerSnapshots = new CounterSnapshot[workers];
        this.oversize = new OversizePool(disruptor.getRingBuffer(), source.lossless());
        // A source that lends its buffers (a capture file's read window) saves the copy of every
        // frame into its slot; the workers only read frames, and the pool knows when they are done.
        boolean lend = source.lendsFrames();
        for (int i = 0; i < ringSize; i++) {
            FrameSlot slot = disruptor.getRingBuffer().get(i);
            slot.attach(oversize);
            if (lend) {
                slot.allowLending(oversize);
            }
        }
        disruptor.handleEventsWith(handlers);
        disruptor.setDefaultExceptionHandler(errors);
        this.captureThread = new Thread(this::captureLoop, "capture");
        captureThread.setDaemon(true);
    }

    /** Starts the consumer threads, the capture thread and (live) the ticker. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        events.start();
        disruptor.start();
        try {
            workersRunning.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the workers started", e);
        }
        captureThread.start();
        if (!source.lossless()) {
            ticker = new Thread(this::tickLoop, "capture-ticker");
            ticker.setDaemon(true);
            ticker.start();
        }
    }

    private void captureLoop() {
        RingBuffer<FrameSlot> ring = disruptor.getRingBuffer();
        int status = PacketSource.END;
        long allocStart = ThreadAllocation.current();
        long cpuStart = ThreadAllocation.cpuNanos();
        try {
            if (source.lossless()) {
                do {
                    status = fillBatch(ring);
                } while (status != PacketSource.END && status != PacketSource.ERROR);
            } else {
                status = liveLoop(ring);
            }
            if (status == PacketSource.ERROR) {
                failure = source.failure();
            }
        } catch (Throwable t) {
            errors.record(t, "in the capture thread");
            failure = "capture thread failed: " + t;
        } finally {
            long allocEnd = ThreadAllocation.current();
            captureAllocated = allocStart < 0 || allocEnd < 0 ? -1 : allocEnd - allocStart;
            long cpuEnd = ThreadAllocation.cpuNanos();
            captureCpu = cpuStart < 0 || cpuEnd < 0 ? -1 : cpuEnd - cpuStart;
            long seq = ring.next();
            FrameSlot slot = ring.get(seq);
            slot.kind = FrameSlot.KIND_FINISH;
            ring.publish(seq);
        }
    }

    /**
     * Live capture: reads the frames the source has ready into consecutive slots and publishes
     * them at once, so the workers are woken once per batch (one kernel block) instead of once
     * per frame; a wake-up made the capture thread and the worker each pay a context switch per
     * frame, more than the decoding itself. When nothing is ready the last claimed slot carries a
     * tick (when one is due) or nothing, and the source sleeps in {@link PacketSource#awaitFrames}.
     *
     * <p>A full ring is back-pressure, not a drop: the capture thread stops reading until a
     * worker frees a slot, and the frames wait in the kernel's capture buffer (32-64 MB, far
     * more frames than the ring), which absorbs a burst or the JIT's warm-up; only when that is
     * full too does the kernel drop, counted in {@code capture.kernel_dropped}. Reading frames
     * just to drop them would take the CPU the worker needs to catch up.
     */
    private int liveLoop(RingBuffer<FrameSlot> ring) {
        long tickNanos = TimeUnit.MILLISECONDS.toNanos(options.tickMillis());
        long lastTick = System.nanoTime();
        while (true) {
            if (!ring.hasAvailableCapacity(1)) {
                ringFullWaits++;
                while (!ring.hasAvailableCapacity(1)) {
                    if (stopRequested) {
                        return PacketSource.END;
                    }
                    LockSupport.parkNanos(RING_FULL_PARK_NANOS);
                }
            }
            long lo = ring.next();
            long hi = lo;
            int status;
            while (true) {
                FrameSlot slot = ring.get(hi);
                slot.prepare(hi);
                status = source.read(slot);
                if (status != PacketSource.FRAME) {
                    if (status == PacketSource.IDLE
                            && (snapshotPending || System.nanoTime() - lastTick >= tickNanos / 2)) {
                        snapshotPending = false;
                        lastTick = System.nanoTime();
                        slot.kind = FrameSlot.KIND_TICK;
                        slot.tsNanos = System.currentTimeMillis() * 1_000_000L;
                        ticksPublished++;
                    } else {
                        slot.kind = FrameSlot.KIND_NONE;
                    }
                    break;
                }
                slot.kind = FrameSlot.KIND_FRAME;
                slot.worker = workers == 1 ? 0
                        : (classifier.symmetricFlowHash(slot.linkType, slot.data, slot.offset, slot.caplen) & 0x7FFFFFFF) % workers;
                published++;
                if (hi - lo + 1 >= LIVE_BATCH || !ring.hasAvailableCapacity(1)) {
                    break;
                }
                hi = ring.next();
            }
            ring.publish(lo, hi);
            if (status == PacketSource.END || status == PacketSource.ERROR) {
                return status;
            }
            if (status == PacketSource.IDLE) {
                source.awaitFrames();
            }
        }
    }

    /**
     * Replay: claims {@link #BATCH} slots, fills them from the source and publishes them at once,
     * so the consumers are signalled once per batch rather than once per frame (each signal is a
     * monitor enter and notifyAll in BlockingWaitStrategy). A file read never blocks, so batching
     * adds no latency. Slots left over at the end are published empty.
     */
    private int fillBatch(RingBuffer<FrameSlot> ring) {
        if (!ring.hasAvailableCapacity(BATCH)) {
            awaitRoom(ring);
        }
        long hi = ring.next(BATCH);
        long lo = hi - BATCH + 1;
        int status = PacketSource.FRAME;
        for (long seq = lo; seq <= hi; seq++) {
            FrameSlot slot = ring.get(seq);
            slot.prepare(seq);
            if (status != PacketSource.END && status != PacketSource.ERROR) {
                status = source.read(slot);
            }
            if (status == PacketSource.FRAME) {
                slot.kind = FrameSlot.KIND_FRAME;
                slot.worker = workers == 1 ? 0
                        : (classifier.symmetricFlowHash(slot.linkType, slot.data, slot.offset, slot.caplen) & 0x7FFFFFFF) % workers;
                published++;
            } else {
                slot.kind = FrameSlot.KIND_NONE;
            }
        }
        ring.publish(lo, hi);
        return status;
    }

    /**
     * Replay found the ring full: the workers are the slower side. Sleep until a quarter of the
     * ring is free rather than letting {@code ring.next} look again after every 1 ns park, which
     * wakes the capture thread (a futex wait and a context switch each time) once per few dozen
     * frames the workers free; here it wakes once per quarter ring and then fills it at once. The
     * sleep between looks grows with the room waited for (a worker frees 256 slots in about
     * 0.1-0.2 ms), so a larger ring is not looked at more often.
     */
    private void awaitRoom(RingBuffer<FrameSlot> ring) {
        ringFullWaits++;
        int room = Math.max(BATCH, ring.getBufferSize() >> 2);
        long park = RING_FULL_PARK_NANOS * Math.max(1, room >> 8);
        while (!ring.hasAvailableCapacity(room)) {
            LockSupport.parkNanos(park);
        }
    }

    private void tickLoop() {
        long sleep = options.tickMillis();
        while (!stopRequested && captureThread.isAlive()) {
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                return;
            }
            if (!stopRequested) {
                source.wakeUp(false);
            }
        }
    }

    /** Asks the capture to stop (any thread, e.g. a SIGINT hook); {@link #awaitEnd} then drains. */
    public void requestStop() {
        stopRequested = true;
        source.wakeUp(true);
    }

    /** True once stop was requested. */
    public boolean stopRequested() {
        return stopRequested;
    }

    /**
     * Waits for the end of input (or a stop), then for the workers to drain the ring and finish,
     * then for the event consumer to drain ring #2.
     *
     * @param timeoutMillis how long the drain may take after the capture thread ended
     *                      ({@code Long.MAX_VALUE}: wait as long as it takes, for replays)
     * @return true when everything drained; false when a ring had to be halted
     */
    public boolean awaitEnd(long timeoutMillis) throws InterruptedException {
        captureThread.join();
        boolean drained = true;
        try {
            // Disruptor.shutdown looks at the workers' sequences in a busy loop that allocates on
            // every look; on two cores it takes a core from the very workers it waits for (all
            // of a short replay's decoding happens after the file is read). The workers are
            // waited for asleep until each has handled FINISH; shutdown then finds them done.
            if (timeoutMillis == Long.MAX_VALUE) {
                if (started) {
                    workersFinished.await();
                }
                disruptor.shutdown();
            } else {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
                if (started) {
                    workersFinished.await(timeoutMillis, TimeUnit.MILLISECONDS);
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                disruptor.shutdown(Math.max(1, left), TimeUnit.MILLISECONDS);
            }
        } catch (TimeoutException e) {
            disruptor.halt();
            drained = false;
        }
        drained &= events.shutdown(timeoutMillis,
                TimeUnit.MILLISECONDS);
        stopRequested = true;
        if (ticker != null) {
            ticker.interrupt();
            ticker.join();
        }
        ended = true;
        return drained;
    }

    /**
     * Waits up to {@code millis} for the capture thread to end (end of input, stop or failure);
     * the ring may still be draining.
     *
     * @return true when the capture thread has ended
     */
    public boolean awaitCaptureEnd(long millis) throws InterruptedException {
        captureThread.join(Math.max(1, millis));
        return !captureThread.isAlive();
    }

    /** Runs to the end: {@link #start()} then {@link #awaitEnd} without a time limit. */
    public boolean run() throws InterruptedException {
        start();
        return awaitEnd(Long.MAX_VALUE);
    }

    /** One line when the source or the capture thread failed (exit code 1), else null. */
    public String failure() {
        return failure;
    }

    /** Called by a worker on each TICK: reports its counters if a snapshot is being gathered. */
    void offerSnapshot(WorkerHandler w) {
        int g = snapshotGeneration;
        if (w.snapshotGeneration() != g) {
            CounterSnapshot s = new CounterSnapshot();
            w.reportCounters(s);
            workerSnapshots[w.index()] = s;
            w.snapshotGeneration(g);
            snapshotLatch.countDown();
        }
    }

    /**
     * All counters: the source's, the pipeline's, every worker's (processors' counters summed by
     * name) and the event ring's. After {@link #awaitEnd} they are exact. While live capture runs,
     * the workers report on their own threads at the next tick; a worker that does not answer
     * within {@code waitMillis} contributes its previous report.
     */
    public synchronized CounterSnapshot snapshot(long waitMillis) throws InterruptedException {
        CounterSnapshot out = new CounterSnapshot();
        if (ended || !started) {
            source.reportCounters(out);
            reportPipelineCounters(out);
            for (WorkerHandler h : handlers) {
                h.reportCounters(out);
            }
        } else {
            CountDownLatch latch = new CountDownLatch(workers);
            snapshotLatch = latch;
            snapshotGeneration++;
            snapshotPending = true;
            source.wakeUp(false);
            latch.await(waitMillis, TimeUnit.MILLISECONDS);
            source.reportCounters(out);
            reportPipelineCounters(out);
            for (CounterSnapshot s : workerSnapshots) {
                if (s != null) {
                    for (var e : s.asMap().entrySet()) {
                        out.counter(e.getKey(), e.getValue());
                    }
                }
            }
        }
        events.reportCounters(out);
        return out;
    }

    private void reportPipelineCounters(CounterVisitor v) {
        v.counter("pipeline.workers", workers);
        v.counter("pipeline.published", published);
        v.counter("pipeline.ticks", ticksPublished);
        v.counter("capture.ring_full_waits", ringFullWaits);
        v.counter("pipeline.handler_errors", errors.errors());
        v.counter("capture.oversize_frames", oversize.lent());
        v.counter("capture.oversize_waits", oversize.waits());
        v.counter("capture.oversize_allocations", oversize.allocations());
        if (captureAllocated >= 0) {
            // bytes the capture thread allocated while reading (known once it stopped)
            v.counter("capture.allocated_bytes", captureAllocated);
        }
        if (captureCpu >= 0) {
            v.counter("capture.cpu_ns", captureCpu);
        }
    }

    /** Worker {@code worker}'s event sink (its queue of ring #2); only that worker's thread may use it. */
    public EventSink events(int worker) {
        return events.producer(worker);
    }

    /** Workers whose processors have been finished (all of them after a clean {@link #awaitEnd}). */
    public int finishedWorkers() {
        int n = 0;
        for (WorkerHandler h : handlers) {
            if (h.finished()) {
                n++;
            }
        }
        return n;
    }
}
