package io.impacketsensor.decoders.text;

import java.util.List;

/**
 * The immutable lists a decode thread put in events lately, replaced in turn: {@link #of} gives one
 * back when a parser's scratch list holds equal elements (the same names and numbers repeat in
 * nearly every message of a replay), else copies the scratch list and keeps the copy. Events are
 * immutable, so they share the lists. Elements are compared by index with {@code equals}: a list's
 * own equals walks an iterator, an allocation per comparison where C1 compiles the decoder (no
 * escape analysis). One per parser, used by its thread only.
 */
public final class RecentLists<T> {
    private final List<T>[] kept;
    private int next;

    /** @param slots how many lists are kept */
    @SuppressWarnings("unchecked")
    public RecentLists(int slots) {
        this.kept = new List[slots];
    }

    /** An immutable list equal to {@code scratch}. */
    public List<T> of(List<T> scratch) {
        for (List<T> l : kept) {
            if (l != null && equal(l, scratch)) {
                return l;
            }
        }
        List<T> copy = List.copyOf(scratch);
        kept[next] = copy;
        next = (next + 1) % kept.length;
        return copy;
    }

    /**
     * {@code a.equals(b)} for lists of non-null elements, by index: a list's own equals walks an
     * iterator, an allocation per comparison under C1.
     */
    public static boolean equal(List<?> a, List<?> b) {
        int n = a.size();
        if (b.size() != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            if (x != y && !x.equals(y)) {
                return false;
            }
        }
        return true;
    }
}
