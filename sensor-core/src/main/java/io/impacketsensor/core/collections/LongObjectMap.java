package io.impacketsensor.core.collections;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A small open-addressing map from long keys to values (linear probing, backward-shift deletion),
 * so per-PDU lookups by a numeric id (SMB message, session and file ids) need no boxing. Its size
 * is bounded by the caller's limit checks. Not thread-safe.
 */
public final class LongObjectMap<V> {
    private long[] keys;
    private Object[] values;
    private int size;

    /**
     * The table before its first entry: many maps of a flow's decoder stay empty (a connection's
     * encrypted sessions, the files of a session that opens none), so the arrays are made at the
     * first {@link #put}, with the capacity they always had.
     */
    private static final long[] NO_KEYS = new long[0];
    private static final Object[] NO_VALUES = new Object[0];
    private static final int FIRST_CAPACITY = 8;

    public LongObjectMap() {
        keys = NO_KEYS;
        values = NO_VALUES;
    }

    public int size() {
        return size;
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h ^ h >>> 32) & mask;
    }

    @SuppressWarnings("unchecked")
    public V get(long key) {
        if (size == 0) {
            return null;
        }
        int mask = keys.length - 1;
        for (int i = slot(key, mask); values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return (V) values[i];
            }
        }
        return null;
    }

    public void put(long key, V value) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (values[i] != null) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        size++;
    }

    @SuppressWarnings("unchecked")
    public V remove(long key) {
        if (size == 0) {
            return null;
        }
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (values[i] != null) {
            if (keys[i] == key) {
                V v = (V) values[i];
                deleteAt(i);
                size--;
                return v;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Visits every value (at close; allocation-free). */
    @SuppressWarnings("unchecked")
    public void forEach(Consumer<V> action) {
        for (Object v : values) {
            if (v != null) {
                action.accept((V) v);
            }
        }
    }

    public void clear() {
        // Empty: every slot is null already (a removal nulls the slot it empties). Pooled decoders
        // clear their maps for each connection, most of them empty.
        if (size == 0) {
            return;
        }
        Arrays.fill(values, null);
        size = 0;
    }

    /**
     * {@link #clear}, for a new owner: a map that grew past its first capacity goes back to none,
     * so that it places and visits entries in the order a new map does (its first capacity is the
     * one a new map takes at its first {@link #put}).
     */
    public void reset() {
        clear();
        if (keys.length > FIRST_CAPACITY) {
            keys = NO_KEYS;
            values = NO_VALUES;
        }
    }

    private void deleteAt(int i) {
        int mask = keys.length - 1;
        int hole = i;
        values[hole] = null;
        for (int j = (hole + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            // Move j into the hole when its home slot is not cyclically between hole and j.
            if ((j > hole && (home <= hole || home > j)) || (j < hole && home <= hole && home > j)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                values[j] = null;
                hole = j;
            }
        }
    }

    private void grow() {
        long[] ok = keys;
        Object[] ov = values;
        int capacity = ok.length == 0 ? FIRST_CAPACITY : ok.length * 2;
        keys = new long[capacity];
        values = new Object[capacity];
        size = 0;
        for (int i = 0; i < ok.length; i++) {
            if (ov[i] != null) {
                @SuppressWarnings("unchecked") V v = (V) ov[i];
                put(ok[i], v);
            }
        }
    }
}
