package io.impacketsensor.decoders.limit;

/**
 * A first-in first-out queue of at most {@code limit} elements whose array starts small and grows
 * to the limit only when a flow has that many waiting: the requests waiting for their answer on a
 * connection (a Kerberos datagram flow carries one, a pipelining HTTP client a few), where an array
 * of the limit's size per flow was most of the analyzer's allocation. Used by one thread.
 */
public final class BoundedFifo<T> {
    /** The first array's length (or the limit, when smaller). */
    static final int INITIAL = 4;
    private final int limit;
    private Object[] items;
    private int head;
    private int count;

    /** @param limit most elements held (at least 1) */
    public BoundedFifo(int limit) {
        this.limit = limit;
        this.items = new Object[Math.min(INITIAL, limit)];
    }

    /** Elements held. */
    public int size() {
        return count;
    }

    /** True when {@link #limit} elements are held: {@link #add} needs a {@link #poll} first. */
    public boolean full() {
        return count == limit;
    }

    /** Appends {@code item}; the caller made room when {@link #full}. */
    public void add(T item) {
        if (count == items.length) {
            grow();
        }
        items[(head + count) % items.length] = item;
        count++;
    }

    /** Removes and returns the oldest element, or null when empty. */
    @SuppressWarnings("unchecked")
    public T poll() {
        if (count == 0) {
            return null;
        }
        T item = (T) items[head];
        items[head] = null;
        head = (head + 1) % items.length;
        count--;
        return item;
    }

    /** Removes every element (the array is kept, with the length it grew to). */
    public void clear() {
        while (count > 0) {
            items[head] = null;
            head = (head + 1) % items.length;
            count--;
        }
        head = 0;
    }

    private void grow() {
        if (count == limit) {
            throw new IllegalStateException("full: " + limit);
        }
        Object[] n = new Object[Math.min(items.length * 2, limit)];
        for (int i = 0; i < count; i++) {
            n[i] = items[(head + i) % items.length];
        }
        items = n;
        head = 0;
    }
}
