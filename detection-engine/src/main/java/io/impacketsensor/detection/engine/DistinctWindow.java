package io.impacketsensor.detection.engine;

/**
 * "At least N different keys in the last W": the last {@code capacity} distinct keys (by hash) with the
 * time each was last seen. A key already held only has its time refreshed, so one account failing
 * twenty times, or one unknown principal retried by a misconfigured client, counts once. O(capacity)
 * per event, no allocation after construction. Hash collisions can only lower the count.
 */
final class DistinctWindow {
    private final int[] hashes;
    private final long[] times;
    private int next;

    /** @param capacity how many distinct keys are remembered (the largest count this window can report) */
    DistinctWindow(int capacity) {
        this.hashes = new int[capacity];
        this.times = new long[capacity];
    }

    /** Records {@code key} at {@code now}; returns the number of distinct keys seen within the window (≥ 1). */
    int add(int key, long now, long windowNanos) {
        int slot = -1;
        for (int i = 0; i < times.length; i++) {
            if (times[i] != 0 && hashes[i] == key) {
                slot = i;
                break;
            }
        }
        if (slot < 0) {
            // Reuse an expired slot when there is one, else overwrite the oldest insertion.
            for (int i = 0; i < times.length; i++) {
                if (times[i] == 0 || now - times[i] > windowNanos) {
                    slot = i;
                    break;
                }
            }
            if (slot < 0) {
                slot = next;
                next = (next + 1) % times.length;
            }
            hashes[slot] = key;
        }
        times[slot] = now;
        return count(now, windowNanos);
    }

    /** Distinct keys seen within the window ending at {@code now}. */
    int count(long now, long windowNanos) {
        int n = 0;
        for (long t : times) {
            if (t != 0 && now - t <= windowNanos) {
                n++;
            }
        }
        return n;
    }
}
