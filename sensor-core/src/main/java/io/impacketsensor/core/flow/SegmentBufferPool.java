package io.impacketsensor.core.flow;

/**
 * A worker's pool of {@link SegmentBuffer}s: created on first need up to a bound, then reused, so
 * steady-state reordering allocates nothing and the memory a peer can pin is bounded.
 */
final class SegmentBufferPool {
    private final int maxBytes;
    private final int maxSegments;
    private final int maxBuffers;
    private final SegmentBuffer[] free;
    private int freeCount;
    private int created;

    SegmentBufferPool(int maxBytes, int maxSegments, int maxBuffers) {
        this.maxBytes = maxBytes;
        this.maxSegments = maxSegments;
        this.maxBuffers = maxBuffers;
        this.free = new SegmentBuffer[maxBuffers];
    }

    /** A buffer whose origin is {@code origin}, or null when all {@code maxBuffers} are in use. */
    SegmentBuffer acquire(int origin) {
        SegmentBuffer b;
        if (freeCount > 0) {
            b = free[--freeCount];
            free[freeCount] = null;
        } else if (created < maxBuffers) {
            b = new SegmentBuffer(maxBytes, maxSegments);
            created++;
        } else {
            return null;
        }
        b.reset(origin);
        return b;
    }

    void release(SegmentBuffer b) {
        if (b != null && freeCount < free.length) {
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
