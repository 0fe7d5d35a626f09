package io.impacketsensor.core.pipeline;

import com.lmax.disruptor.EventHandler;
import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.spi.FrameProcessor;

/**
 * One decode worker on ring #1: handles the frames whose {@link FrameSlot#worker} is its index
 * (every worker sees every slot; another worker's frame only advances the capture clock, see
 * {@link FrameProcessor#observe}), and every tick and the final finish. Owns one
 * {@link FrameProcessor}; all its fields are written by its thread.
 *
 * <p>Before each slot it tells its event queue the slot's sequence (the events the slot produces
 * carry it), and after it reports its progress, so the event consumer can merge the workers'
 * events in frame order ({@link EventRing}).
 */
final class WorkerHandler implements EventHandler<FrameSlot> {
    private final int index;
    private final FrameProcessor processor;
    private final CapturePipeline pipeline;
    private final WorkerEvents events;
    private long packets;
    private long bytes;
    private long ticks;
    private int snapshotGeneration;
    private long allocatedAtStart = -1;
    private volatile long allocated = -1;
    private long cpuAtStart = -1;
    private volatile long cpu = -1;
    private volatile boolean finished;

    private final java.util.concurrent.CountDownLatch running;
    private final java.util.concurrent.CountDownLatch done;

    WorkerHandler(int index, FrameProcessor processor, WorkerEvents events, CapturePipeline pipeline,
                  java.util.concurrent.CountDownLatch running, java.util.concurrent.CountDownLatch done) {
        this.running = running;
        this.done = done;
        this.events = events;
        this.index = index;
        this.processor = processor;
        this.pipeline = pipeline;
    }

    @Override
    public void onEvent(FrameSlot s, long sequence, boolean endOfBatch) {
        events.slot(sequence);
        try {
            if (s.kind == FrameSlot.KIND_FRAME && s.worker == index) {
                // This worker's frame, nearly every slot: processed here, one call less.
                packets++;
                bytes += s.caplen;
                processor.process(s.linkType, s.tsNanos, s.data, s.offset, s.caplen, s.wirelen);
            } else {
                handle(s);
            }
        } finally {
            // Published at batch ends (an idle worker has handled everything published) and every
            // PROGRESS_EVERY slots of a long batch, so the merge never waits long for this worker.
            if (endOfBatch || (sequence & (WorkerEvents.PROGRESS_EVERY - 1)) == 0) {
                events.progress(sequence);
            }
        }
    }

    private void handle(FrameSlot s) {
        switch (s.kind) {
            case FrameSlot.KIND_FRAME -> {
                if (s.worker == index) {
                    packets++;
                    bytes += s.caplen;
                    processor.process(s.linkType, s.tsNanos, s.data, s.offset, s.caplen, s.wirelen);
                } else {
                    processor.observe(s.tsNanos);
                }
            }
            case FrameSlot.KIND_TICK -> {
                ticks++;
                processor.tick(s.tsNanos);
                pipeline.offerSnapshot(this);
            }
            case FrameSlot.KIND_FINISH -> {
                try {
                    processor.finish();
                } finally {
                    // Measured here, on the worker thread before its sequence moves past FINISH, so
                    // the value is visible once the ring has drained (onShutdown runs later).
                    long now = ThreadAllocation.current();
                    allocated = allocatedAtStart < 0 || now < 0 ? -1 : now - allocatedAtStart;
                    long cpuNow = ThreadAllocation.cpuNanos();
                    cpu = cpuAtStart < 0 || cpuNow < 0 ? -1 : cpuNow - cpuAtStart;
                    finished = true;
                    done.countDown();
                }
            }
            default -> {
                // KIND_NONE: a claimed slot that got no frame
            }
        }
    }

    @Override
    public void onStart() {
        allocatedAtStart = ThreadAllocation.current();
        cpuAtStart = ThreadAllocation.cpuNanos();
        running.countDown();
    }

    int index() {
        return index;
    }

    int snapshotGeneration() {
        return snapshotGeneration;
    }

    void snapshotGeneration(int g) {
        snapshotGeneration = g;
    }

    boolean finished() {
        return finished;
    }

    long packets() {
        return packets;
    }

    /**
     * Reports {@code worker.<i>.packets/bytes/ticks} and the processor's
     * counters. Only from this worker's thread, or after the ring has stopped.
     */
    void reportCounters(CounterVisitor v) {
        v.counter("worker." + index + ".packets", packets);
        v.counter("worker." + index + ".bytes", bytes);
        v.counter("worker." + index + ".ticks", ticks);
        if (allocated >= 0) {
            // bytes this worker thread allocated from start to FINISH (known once it finished)
            v.counter("worker." + index + ".allocated_bytes", allocated);
        }
        if (cpu >= 0) {
            v.counter("worker." + index + ".cpu_ns", cpu);
        }
        processor.reportCounters(v);
    }
}
