package io.impacketsensor.core.collections;

/**
 * A bounded map from IPv4 address (as an int: {@code Inet4Address.hashCode()} is the address) to a
 * value, evicting the least recently used entry. Open addressing with linear probing over one
 * {@code long} array (key and entry index in one slot) and an index-linked LRU list whose previous
 * and next links of an entry sit side by side: a lookup of a key that is not among the recent ones
 * misses the cache once in the slots, once in the links and once for the value, no key objects (the
 * detection engine looks its per-source state up on every event: its hottest map). The slot table
 * grows with the entries (at most half full) up to the size the bound needs, so a map far below its
 * bound keeps its slots in a few cache lines instead of spreading them over the whole table. Not
 * thread-safe.
 */
public final class Ipv4Lru<V> {
    /** A slot holds {@code key << 32 | (entry + 1)}; 0 (entry 0) is an empty slot. */
    private static final long EMPTY = 0;

    private static final int INITIAL_SLOTS = 64;

    private final int max;
    /** The slot count the bound needs (a power of two, at least twice {@code max}). */
    private final int maxSlots;
    private int mask;
    private long[] slots;
    private final int[] entryKey;
    private final Object[] entryValue;
    /** Entry e's previous entry at {@code 2e}, its next at {@code 2e + 1}; -1 for none. */
    private final int[] links;
    private int head = -1;
    private int tail = -1;
    private int size;
    private long evictions;

    public Ipv4Lru(int max) {
        this.max = max;
        this.maxSlots = Integer.highestOneBit(Math.max(4, max) * 2 - 1) << 1;
        int cap = Math.min(maxSlots, INITIAL_SLOTS);
        this.mask = cap - 1;
        this.slots = new long[cap];
        this.entryKey = new int[max];
        this.entryValue = new Object[max];
        this.links = new int[2 * max];
    }

    private static int hash(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private static int keyOf(long slot) {
        return (int) (slot >>> 32);
    }

    /** The entry index of a non-empty slot. */
    private static int entryOf(long slot) {
        return (int) slot - 1;
    }

    public int size() {
        return size;
    }

    /** The value for the key (and marks it most recently used), or null. */
    @SuppressWarnings("unchecked")
    public V get(int key) {
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            long s = slots[i];
            if (s == EMPTY) {
                return null;
            }
            if (keyOf(s) == key) {
                int e = entryOf(s);
                touch(e);
                return (V) entryValue[e];
            }
        }
    }

    /** Inserts a key that is absent, evicting the least recently used entry when full. */
    public void putAbsent(int key, V value) {
        int e;
        if (size == max) {
            e = head;
            removeSlot(entryKey[e]);
            unlink(e);
            evictions++;
        } else {
            e = size++;
            if (2 * size > slots.length && slots.length < maxSlots) {
                grow();
            }
        }
        entryKey[e] = key;
        entryValue[e] = value;
        linkLast(e);
        int i = hash(key) & mask;
        while (slots[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        slots[i] = ((long) key << 32) | (e + 1);
    }

    /** Doubles the slot table and puts every slot back (amortised: once per doubling of the entries). */
    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        mask = slots.length - 1;
        for (long s : old) {
            if (s != EMPTY) {
                int i = hash(keyOf(s)) & mask;
                while (slots[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                slots[i] = s;
            }
        }
    }

    private void removeSlot(int key) {
        int i = hash(key) & mask;
        while (slots[i] == EMPTY || keyOf(slots[i]) != key) {
            i = (i + 1) & mask;
        }
        // Backward-shift deletion keeps every probe chain unbroken (Knuth 6.4, algorithm R).
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (slots[j] == EMPTY) {
                break;
            }
            int k = hash(keyOf(slots[j])) & mask;
            boolean move = i <= j ? (k <= i || k > j) : (k <= i && k > j);
            if (move) {
                slots[i] = slots[j];
                i = j;
            }
        }
        slots[i] = EMPTY;
    }

    private void touch(int e) {
        if (e != tail) {
            unlink(e);
            linkLast(e);
        }
    }

    private void unlink(int e) {
        int p = links[2 * e];
        int n = links[2 * e + 1];
        if (p >= 0) {
            links[2 * p + 1] = n;
        } else {
            head = n;
        }
        if (n >= 0) {
            links[2 * n] = p;
        } else {
            tail = p;
        }
    }

    private void linkLast(int e) {
        links[2 * e] = tail;
        links[2 * e + 1] = -1;
        if (tail >= 0) {
            links[2 * tail + 1] = e;
        } else {
            head = e;
        }
        tail = e;
    }

    /** Entries evicted to make room since construction. */
    public long evictions() {
        return evictions;
    }
}
