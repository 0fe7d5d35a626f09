package io.impacketsensor.core.flow;

/**
 * A worker's pool of {@link SegmentBuffer}s: created on first need up to a bound, then reused, so
 * steady-state reordering allocates nothing and the memory a peer can pin is bounded. A buffer in
 * use is charged to the worker's {@link BufferBudget}, which may take it back (the held bytes are
 * dropped; the hole before them later becomes a gap like any loss).
 */
final class SegmentBufferPool {
    private final int maxBytes;
    private final int maxSegments;
    private final int maxBuffers;
    private final SegmentBuffer[] free;
    private final BufferBudget budget;
    private int freeCount;
    private int created;

    SegmentBufferPool(int maxBytes, int maxSegments, int maxBuffers, BufferBudget budget) {
        this.budget = budget;
        this.maxBytes = maxBytes;
        this.maxSegments = maxSegments;
        this.maxBuffers = maxBuffers;
        this.free = new SegmentBuffer[maxBuffers];
    }

    /**
     * A buffer whose origin is {@code origin} for direction {@code dir} of {@code f}, or null when
     * all {@code maxBuffers} are in use or the budget refuses it.
     */
    SegmentBuffer acquire(int origin, Flow f, int dir) {
        SegmentBuffer b;
        if (freeCount > 0) {
            b = free[--freeCount];
            free[freeCount] = null;
        } else if (created < maxBuffers) {
            b = new SegmentBuffer(maxBytes, maxSegments);
            b.account = budget.account(null, "tcp reassembly", b);
            b.pool = this;
            created++;
        } else {
            return null;
        }
        b.reset(origin);
        b.flow = f;
        b.dir = dir;
        b.account.flow = f;
        if (!b.account.grow(b.capacity())) {
            // Refused: this flow's own buffers fill the budget (the refusal dropped b again).
            return null;
        }
        return b;
    }

    void release(SegmentBuffer b) {
        if (b == null) {
            return;
        }
        b.account.release();
        b.flow = null;
        if (freeCount < free.length) {
            free[freeCount++] = b;
        }
    }

    int inUse() {
        return created - freeCount;
    }

    int created() {
        return created;
    }
}
