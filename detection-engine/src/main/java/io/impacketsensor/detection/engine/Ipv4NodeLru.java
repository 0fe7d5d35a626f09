package io.impacketsensor.detection.engine;

/**
 * A bounded map from IPv4 address (as an int: {@code Inet4Address.hashCode()} is the address) to a
 * per-address state object, evicting the least recently used one. The state object is its own entry
 * ({@link Node}: its key, its entry number and when it was last used), and the open-addressed slot
 * table holds references to it: a lookup of an address that is not among the recent ones reads the
 * slot and then the state object it needs anyway, two dependent cache misses, where a table of
 * key/index slots, separate link and value arrays and a state object behind them cost four or five.
 * The behaviour layer looks its per-source state up on every event, with as many sources as a
 * network has hosts; this is its hottest lookup.
 *
 * <p>Recency is a log of uses instead of a linked list: a use stamps the entry with the next tick
 * of a counter and appends (entry number, tick) to the log, two sequential primitive writes, where
 * moving an entry to the end of a linked list writes into its two neighbours and the old tail
 * (random cache lines, and under G1 a reference store's barrier each). The least recently used
 * entry is the one whose record, read from the log's oldest end, still carries its stamp (older
 * records of an entry used since are stale and skipped): the same order as a linked list's. When
 * the log is full, its live records (one per entry, in order) are moved to its front, and it grows
 * when they fill more than half of it, so a use costs amortised O(1). The slot table grows with the
 * entries (at most half full) up to the size the bound needs. Not thread-safe.
 *
 * @param <N> the state type
 */
final class Ipv4NodeLru<N extends Ipv4NodeLru.Node> {
    /** What an entry carries for the table: its key, its entry number and its last use. */
    abstract static class Node {
        int key;
        int index;
        long used;
    }

    private static final int INITIAL_SLOTS = 64;
    private static final int INITIAL_LOG = 256;

    private final int max;
    /** The slot count the bound needs (a power of two, at least twice {@code max}). */
    private final int maxSlots;
    private int mask;
    private Node[] slots;
    /** The entries by number (0 to size - 1); an evicted entry's number goes to its successor. */
    private final Node[] entries;
    /** The use log: entry numbers and their stamps, oldest at {@code logHead}. */
    private int[] logEntry = new int[INITIAL_LOG];
    private long[] logStamp = new long[INITIAL_LOG];
    private int logHead;
    private int logTail;
    /** The last stamp given: the entry carrying it is the most recently used. */
    private long clock;
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
        this.entries = new Node[max];
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
                if (n.used != clock) { // not already the most recently used
                    use(n);
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
        int e;
        if (size == max) {
            evicted = leastRecentlyUsed();
            removeSlot(evicted);
            e = evicted.index;
            evictions++;
        } else {
            e = size++;
            if (2 * size > slots.length && slots.length < maxSlots) {
                grow();
            }
        }
        node.key = key;
        node.index = e;
        entries[e] = node;
        use(node);
        int i = hash(key) & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = node;
        return (N) evicted;
    }

    private void use(Node n) {
        long t = ++clock;
        n.used = t;
        if (logTail == logEntry.length) {
            compactLog();
        }
        logEntry[logTail] = n.index;
        logStamp[logTail] = t;
        logTail++;
    }

    /** Takes the oldest record that is still its entry's last use: that entry is the least recently used. */
    private Node leastRecentlyUsed() {
        while (true) {
            Node n = entries[logEntry[logHead]];
            long t = logStamp[logHead];
            logHead++;
            if (n.used == t) {
                return n;
            }
        }
    }

    /** Keeps each entry's last use (one record per entry, in order) at the front; grows when they fill half. */
    private void compactLog() {
        int w = 0;
        for (int r = logHead; r < logTail; r++) {
            if (entries[logEntry[r]].used == logStamp[r]) {
                logEntry[w] = logEntry[r];
                logStamp[w] = logStamp[r];
                w++;
            }
        }
        logHead = 0;
        logTail = w;
        if (2 * w > logEntry.length) {
            logEntry = java.util.Arrays.copyOf(logEntry, logEntry.length * 2);
            logStamp = java.util.Arrays.copyOf(logStamp, logStamp.length * 2);
        }
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

    /** Entries evicted to make room since construction. */
    long evictions() {
        return evictions;
    }
}
