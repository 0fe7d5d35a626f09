package io.impacketsensor.core.collections;

/**
 * Objects done with, kept by their owner for its next ones: the analyzers of ended flows kept by a
 * decode worker, the requests an analyzer has answered, the sessions and trees of a connection that
 * ended. Making them new for each flow or request was a large share of a worker's allocation. Only
 * the owner's thread takes and gives (analyzer factories and analyzers are per worker), so there is
 * no lock; bounded, an object given beyond the bound is dropped for the collector. The caller resets
 * what it takes (or what it gives).
 *
 * @param <T> what is kept
 */
public final class ReusePool<T> {
    private final Object[] kept;
    private int size;

    /** A pool that keeps at most {@code max} objects. */
    public ReusePool(int max) {
        this.kept = new Object[max];
    }

    /** The object given last and not taken since, or null when none is kept. */
    @SuppressWarnings("unchecked")
    public T take() {
        if (size == 0) {
            return null;
        }
        T t = (T) kept[--size];
        kept[size] = null;
        return t;
    }

    /** Keeps {@code t} for a later {@link #take()} unless the pool is full. */
    public void give(T t) {
        if (size < kept.length) {
            kept[size++] = t;
        }
    }

    /**
     * Gives every object kept here to {@code to} (those beyond its bound are dropped) and keeps none:
     * what one owner set aside until it was safe to reuse becomes another's spares.
     */
    public void moveTo(ReusePool<T> to) {
        for (T t = take(); t != null; t = take()) {
            to.give(t);
        }
    }

    /** Objects kept now. */
    public int size() {
        return size;
    }

    /** The most this pool keeps. */
    public int capacity() {
        return kept.length;
    }
}
