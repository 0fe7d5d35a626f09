package io.impacketsensor.core.packet;

/**
 * A bounded, sorted set of disjoint half-open ranges {@code [start, end)} over non-negative ints,
 * held in two primitive arrays. IP fragment reassembly and the TCP out-of-order buffer both use
 * it to know which bytes they already hold (so the first copy of a byte wins) and which are missing.
 */
public final class IntervalSet {
    private final int[] starts;
    private final int[] ends;
    private int count;

    public IntervalSet(int capacity) {
        starts = new int[capacity];
        ends = new int[capacity];
    }

    public int capacity() {
        return starts.length;
    }

    public int count() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public int start(int i) {
        return starts[i];
    }

    public int end(int i) {
        return ends[i];
    }

    public void clear() {
        count = 0;
    }

    /** Index of the first range whose end is after {@code pos}, or {@link #count()} when none. */
    public int firstEndingAfter(int pos) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] <= pos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** True when {@code [s, e)} is entirely held. */
    public boolean covers(int s, int e) {
        int i = firstEndingAfter(s);
        return i < count && starts[i] <= s && ends[i] >= e;
    }

    /** Number of ranges after {@link #add(int, int)} of {@code [s, e)} (ranges that touch merge). */
    public int countAfterAdd(int s, int e) {
        int i = firstEndingAfter(s - 1);
        int j = i;
        while (j < count && starts[j] <= e) {
            j++;
        }
        return count - (j - i) + 1;
    }

    /**
     * Adds {@code [s, e)}, merging with ranges it overlaps or touches.
     *
     * @return false (and no change) when that would need more ranges than the capacity
     */
    public boolean add(int s, int e) {
        if (e <= s) {
            return true;
        }
        // Ranges i..j-1 overlap or touch [s, e).
        int i = firstEndingAfter(s - 1);
        int j = i;
        while (j < count && starts[j] <= e) {
            j++;
        }
        int merged = j - i;
        if (merged == 0) {
            if (count == starts.length) {
                return false;
            }
            System.arraycopy(starts, i, starts, i + 1, count - i);
            System.arraycopy(ends, i, ends, i + 1, count - i);
            starts[i] = s;
            ends[i] = e;
            count++;
            return true;
        }
        int ns = Math.min(s, starts[i]);
        int ne = Math.max(e, ends[j - 1]);
        starts[i] = ns;
        ends[i] = ne;
        int removed = merged - 1;
        if (removed > 0) {
            System.arraycopy(starts, j, starts, i + 1, count - j);
            System.arraycopy(ends, j, ends, i + 1, count - j);
            count -= removed;
        }
        return true;
    }

    /** Removes the first range. */
    public void removeFirst() {
        if (count == 0) {
            return;
        }
        System.arraycopy(starts, 1, starts, 0, count - 1);
        System.arraycopy(ends, 1, ends, 0, count - 1);
        count--;
    }

    /**
     * Moves the origin forward by {@code n}: every range shifts down by {@code n}; ranges that end
     * at or before the new origin are dropped, a range straddling it is clipped.
     */
    public void shiftDown(int n) {
        int w = 0;
        for (int r = 0; r < count; r++) {
            int s = starts[r] - n;
            int e = ends[r] - n;
            if (e <= 0) {
                continue;
            }
            starts[w] = Math.max(s, 0);
            ends[w] = e;
            w++;
        }
        count = w;
    }

    /** Total bytes held. */
    public long size() {
        long n = 0;
        for (int i = 0; i < count; i++) {
            n += ends[i] - starts[i];
        }
        return n;
    }
}
