package io.impacketsensor.core.collections;

import java.util.Arrays;

/**
 * A map from long keys (flow ids, ticket digests, NTLM challenges) to values, bounded by entry count
 * and evicting the least recently used entry, with the order of {@link LruMap}: a get that finds
 * its key and every put make the entry the most recent. Unlike an {@code LruMap<Long, V>}, a lookup
 * boxes no key and a put of a new key makes no entry object, so a per-event lookup allocates
 * nothing.
 *
 * <p>Entries are numbered 0 to size - 1 (an evicted entry's number goes to the entry that replaces
 * it); a slot table (linear probing, backward-shift deletion) holds entry numbers plus one, and the
 * recency order is a doubly linked list through two arrays of entry numbers. The arrays grow with
 * the entries up to the bound. Not thread-safe.
 *
 * @param <V> the value type
 */
public final class LongLruMap<V> {
    private static final int FIRST_CAPACITY = 16;

    private final int max;
    private long[] keys;
    private Object[] values;
    /** Recency links: the entry used just before / after, or -1. */
    private int[] older;
    private int[] newer;
    /** Entry number + 1 per slot, 0 when free; a power of two at least twice the entry capacity. */
    private int[] slots;
    private int size;
    /** The least and the most recently used entries, or -1 when empty. */
    private int eldest = -1;
    private int youngest = -1;
    private long evictions;

    /** @param max the most entries kept (at least 1) */
    public LongLruMap(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("bound must be at least 1: " + max);
        }
        this.max = max;
        allocate(Math.min(max, FIRST_CAPACITY));
    }

    private void allocate(int capacity) {
        keys = keys == null ? new long[capacity] : Arrays.copyOf(keys, capacity);
        values = values == null ? new Object[capacity] : Arrays.copyOf(values, capacity);
        older = older == null ? new int[capacity] : Arrays.copyOf(older, capacity);
        newer = newer == null ? new int[capacity] : Arrays.copyOf(newer, capacity);
        slots = new int[Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1];
        int mask = slots.length - 1;
        for (int e = 0; e < size; e++) {
            int i = slot(keys[e], mask);
            while (slots[i] != 0) {
                i = (i + 1) & mask;
            }
            slots[i] = e + 1;
        }
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h ^ h >>> 32) & mask;
    }

    /** The entry number of {@code key}, or -1. */
    private int find(long key) {
        int mask = slots.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            int s = slots[i];
            if (s == 0) {
                return -1;
            }
            if (keys[s - 1] == key) {
                return s - 1;
            }
        }
    }

    /** The value of {@code key}, made the most recent entry; null when absent. */
    @SuppressWarnings("unchecked")
    public V get(long key) {
        int e = find(key);
        if (e < 0) {
            return null;
        }
        touch(e);
        return (V) values[e];
    }

    /**
     * Maps {@code key} to {@code value} (not null), as the most recent entry; a new key beyond the
     * bound evicts the least recently used entry. Returns the previous value of the key, or null.
     */
    @SuppressWarnings("unchecked")
    public V put(long key, V value) {
        if (value == null) {
            throw new NullPointerException("value");
        }
        int e = find(key);
        if (e >= 0) {
            V before = (V) values[e];
            values[e] = value;
            touch(e);
            return before;
        }
        if (size == max) {
            // LruMap adds the entry and then drops the eldest; dropping it first leaves the same map.
            e = eldest;
            unlink(e);
            clearSlot(e);
            evictions++;
        } else {
            if (size == keys.length) {
                allocate(Math.min(max, keys.length * 2));
            }
            e = size++;
        }
        keys[e] = key;
        values[e] = value;
        int mask = slots.length - 1;
        int i = slot(key, mask);
        while (slots[i] != 0) {
            i = (i + 1) & mask;
        }
        slots[i] = e + 1;
        linkYoungest(e);
        return null;
    }

    /** Frees the slot of entry {@code e}, moving later entries of its probe run back (no tombstones). */
    private void clearSlot(int e) {
        int mask = slots.length - 1;
        int i = slot(keys[e], mask);
        while (slots[i] != e + 1) {
            i = (i + 1) & mask;
        }
        for (int j = (i + 1) & mask; slots[j] != 0; j = (j + 1) & mask) {
            int home = slot(keys[slots[j] - 1], mask);
            // The entry at j may fill the hole at i unless its home lies cyclically in (i, j].
            boolean stays = i <= j ? home > i && home <= j : home > i || home <= j;
            if (!stays) {
                slots[i] = slots[j];
                i = j;
            }
        }
        slots[i] = 0;
    }

    private void touch(int e) {
        if (e != youngest) {
            unlink(e);
            linkYoungest(e);
        }
    }

    private void unlink(int e) {
        int o = older[e];
        int n = newer[e];
        if (o < 0) {
            eldest = n;
        } else {
            newer[o] = n;
        }
        if (n < 0) {
            youngest = o;
        } else {
            older[n] = o;
        }
    }

    private void linkYoungest(int e) {
        older[e] = youngest;
        newer[e] = -1;
        if (youngest < 0) {
            eldest = e;
        } else {
            newer[youngest] = e;
        }
        youngest = e;
    }

    public int size() {
        return size;
    }

    /** Entries evicted to make room since construction. */
    public long evictions() {
        return evictions;
    }
}
