package io.impacketsensor.detection.engine;

/**
 * "More than N in the last W": a ring of the last N+1 timestamps. The count is exceeded exactly when
 * the ring is full and its oldest entry is inside the window. O(1) per event, N+1 longs of memory.
 */
final class RateWindow {
    private final long[] ring;
    private int next;
    private int filled;

    RateWindow(int threshold) {
        this.ring = new long[threshold + 1];
    }

    /** Records an occurrence at {@code now}; true when more than the threshold occurred within the window. */
    boolean hit(long now, long windowNanos) {
        ring[next] = now;
        next = next + 1 == ring.length ? 0 : next + 1;
        if (filled < ring.length) {
            filled++;
        }
        return filled == ring.length && now - ring[next] <= windowNanos;
    }

    /** Occurrences within the window ending at {@code now} (at most threshold + 1). */
    int count(long now, long windowNanos) {
        int n = 0;
        for (int i = 0; i < filled; i++) {
            if (now - ring[i] <= windowNanos) {
                n++;
            }
        }
        return n;
    }
}
