package io.impacketsensor.core.pipeline;

import com.lmax.disruptor.EventHandler;
import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.flow.CounterVisitor;

/**
 * One decode worker on ring #1: handles the frames whose {@link FrameSlot#worker} is its index
 * (every worker sees every slot; the others are skipped with one compare), and every tick and
 * the final finish. Owns one {@link FrameProcessor}; all its fields are written by its thread.
 */
final class WorkerHandler implements EventHandler<FrameSlot> {
    private final int index;
    private final FrameProcessor processor;
    private final CapturePipeline pipeline;
    private long packets;
    private long bytes;
    private long ticks;
    private int snapshotGeneration;
    private long allocatedAtStart = -1;
    private volatile long allocated = -1;
    private volatile boolean finished;

    WorkerHandler(int index, FrameProcessor processor, CapturePipeline pipeline) {
        this.index = index;
        this.processor = processor;
        this.pipeline = pipeline;
    }

    @Override
    public void onEvent(FrameSlot s, long sequence, boolean endOfBatch) {
        switch (s.kind) {
            case FrameSlot.KIND_FRAME -> {
                if (s.worker == index) {
                    packets++;
                    bytes += s.caplen;
                    processor.process(s.linkType, s.tsNanos, s.data, s.caplen, s.wirelen);
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
                    finished = true;
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
    }

    @Override
    public void onShutdown() {
        long now = ThreadAllocation.current();
        allocated = allocatedAtStart < 0 || now < 0 ? -1 : now - allocatedAtStart;
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
            // bytes this worker thread allocated from start to stop (known once it stopped)
            v.counter("worker." + index + ".allocated_bytes", allocated);
        }
        processor.reportCounters(v);
    }
}
