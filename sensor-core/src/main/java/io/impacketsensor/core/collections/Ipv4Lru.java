package io.impacketsensor.core.collections;

/**
 * A bounded map from IPv4 address (as an int: {@code Inet4Address.hashCode()} is the address) to a
 * value, evicting the least recently used entry. Open addressing with linear probing over primitive
 * arrays and an index-linked LRU list: a lookup touches two int arrays and the value, no key objects
 * (the detection engine looks its per-source state up on every event: its hottest map).
 * Not thread-safe.
 */
public final class Ipv4Lru<V> {
    private static final int EMPTY = 0;

    private final int max;
    private final int mask;
    private final int[] slotKey;
    /** Entry index + 1, or EMPTY. */
    private final int[] slotEntry;
    private final int[] entryKey;
    private final Object[] entryValue;
    private final int[] prev;
    private final int[] next;
    private int head = -1;
    private int tail = -1;
    private int size;
    private long evictions;

    public Ipv4Lru(int max) {
        this.max = max;
        int cap = Integer.highestOneBit(Math.max(4, max) * 2 - 1) << 1;
        this.mask = cap - 1;
        this.slotKey = new int[cap];
        this.slotEntry = new int[cap];
        this.entryKey = new int[max];
        this.entryValue = new Object[max];
        this.prev = new int[max];
        this.next = new int[max];
    }

    private static int hash(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    public int size() {
        return size;
    }

    /** The value for the key (and marks it most recently used), or null. */
    @SuppressWarnings("unchecked")
    public V get(int key) {
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            int e = slotEntry[i];
            if (e == EMPTY) {
                return null;
            }
            if (slotKey[i] == key) {
                touch(e - 1);
                return (V) entryValue[e - 1];
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
        }
        entryKey[e] = key;
        entryValue[e] = value;
        linkLast(e);
        int i = hash(key) & mask;
        while (slotEntry[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        slotKey[i] = key;
        slotEntry[i] = e + 1;
    }

    private void removeSlot(int key) {
        int i = hash(key) & mask;
        while (slotKey[i] != key || slotEntry[i] == EMPTY) {
            i = (i + 1) & mask;
        }
        // Backward-shift deletion keeps every probe chain unbroken (Knuth 6.4, algorithm R).
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (slotEntry[j] == EMPTY) {
                break;
            }
            int k = hash(slotKey[j]) & mask;
            boolean move = i <= j ? (k <= i || k > j) : (k <= i && k > j);
            if (move) {
                slotKey[i] = slotKey[j];
                slotEntry[i] = slotEntry[j];
                i = j;
            }
        }
        slotEntry[i] = EMPTY;
    }

    private void touch(int e) {
        if (e != tail) {
            unlink(e);
            linkLast(e);
        }
    }

    private void unlink(int e) {
        int p = prev[e];
        int n = next[e];
        if (p >= 0) {
            next[p] = n;
        } else {
            head = n;
        }
        if (n >= 0) {
            prev[n] = p;
        } else {
            tail = p;
        }
    }

    private void linkLast(int e) {
        prev[e] = tail;
        next[e] = -1;
        if (tail >= 0) {
            next[tail] = e;
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
