package io.impacketsensor.detection.engine;

/**
 * A bounded map from IPv4 address (as an int: {@code Inet4Address.hashCode()} is the address) to a
 * per-address state object, evicting the least recently used one. The state object is its own entry:
 * it carries the key and its two LRU links ({@link Node}), and the open-addressed slot table holds
 * references to it. A lookup of an address that is not among the recent ones therefore reads the
 * slot and then the state object it needs anyway: two dependent cache misses, where a table of
 * key/index slots, separate link and value arrays and a state object behind them costs four or
 * five. The behaviour layer looks its per-source state up on every event, with as many sources as a
 * network has hosts; this is its hottest lookup. The slot table grows with the entries (at most half
 * full) up to the size the bound needs. Not thread-safe.
 *
 * @param <N> the state type
 */
final class Ipv4NodeLru<N extends Ipv4NodeLru.Node> {
    /** What an entry carries for the table: its key and its place in the recency order. */
    abstract static class Node {
        int key;
        Node prev;
        Node next;
    }

    private static final int INITIAL_SLOTS = 64;

    private final int max;
    /** The slot count the bound needs (a power of two, at least twice {@code max}). */
    private final int maxSlots;
    private int mask;
    private Node[] slots;
    /** Least recently used at the head, most recently used at the tail. */
    private Node head;
    private Node tail;
    private int size;
    private long evictions;

    Ipv4NodeLru(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("bound must be at least 1: " + max);
        }
        this.max = max;
        this.maxSlots = Integer.highestOneBit(Math.max(4, max) * 2 - 1) << 1;
        int cap = Math.min(maxSlots, INITIAL_SLOTS);
        this.mask = cap - 1;
        this.slots = new Node[cap];
    }

    private static int hash(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    int size() {
        return size;
    }

    /** The entry for the key (and marks it most recently used), or null. */
    @SuppressWarnings("unchecked")
    N get(int key) {
        Node[] s = slots;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            Node n = s[i];
            if (n == null) {
                return null;
            }
            if (n.key == key) {
                if (n != tail) {
                    unlink(n);
                    linkLast(n);
                }
                return (N) n;
            }
        }
    }

    /**
     * Inserts an entry for a key that is absent, evicting the least recently used entry when full.
     * Returns the entry evicted, or null.
     */
    @SuppressWarnings("unchecked")
    N putAbsent(int key, N node) {
        Node evicted = null;
        if (size == max) {
            evicted = head;
            removeSlot(evicted);
            unlink(evicted);
            evicted.prev = null;
            evicted.next = null;
            evictions++;
        } else {
            size++;
            if (2 * size > slots.length && slots.length < maxSlots) {
                grow();
            }
        }
        node.key = key;
        linkLast(node);
        int i = hash(key) & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = node;
        return (N) evicted;
    }

    /** Doubles the slot table and puts every entry back (amortised: once per doubling of the entries). */
    private void grow() {
        Node[] old = slots;
        slots = new Node[old.length * 2];
        mask = slots.length - 1;
        for (Node n : old) {
            if (n != null) {
                int i = hash(n.key) & mask;
                while (slots[i] != null) {
                    i = (i + 1) & mask;
                }
                slots[i] = n;
            }
        }
    }

    private void removeSlot(Node node) {
        int i = hash(node.key) & mask;
        while (slots[i] != node) {
            i = (i + 1) & mask;
        }
        // Backward-shift deletion keeps every probe chain unbroken (Knuth 6.4, algorithm R).
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (slots[j] == null) {
                break;
            }
            int k = hash(slots[j].key) & mask;
            boolean move = i <= j ? (k <= i || k > j) : (k <= i && k > j);
            if (move) {
                slots[i] = slots[j];
                i = j;
            }
        }
        slots[i] = null;
    }

    private void unlink(Node n) {
        Node p = n.prev;
        Node x = n.next;
        if (p != null) {
            p.next = x;
        } else {
            head = x;
        }
        if (x != null) {
            x.prev = p;
        } else {
            tail = p;
        }
    }

    private void linkLast(Node n) {
        n.prev = tail;
        n.next = null;
        if (tail != null) {
            tail.next = n;
        } else {
            head = n;
        }
        tail = n;
    }

    /** Entries evicted to make room since construction. */
    long evictions() {
        return evictions;
    }
}
