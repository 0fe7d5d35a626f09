package io.impacketsensor.decoders.text;

import java.util.Arrays;

/**
 * The byte strings a decode thread saw lately, replaced in turn, for memos that give back what
 * they made from the same bytes before (a String, a digest): the caller keeps its values in its own
 * array at the index this returns, so a hit costs one comparison and nothing is boxed.
 */
public final class RecentBytes {
    private final byte[][] bytes;
    private final int[] length;
    private final int maxBytes;
    private final int initialBytes;
    private int next;

    /**
     * @param slots        how many byte strings are kept
     * @param maxBytes     longer ones are never kept
     * @param initialBytes a slot's first array (grown when a longer string comes)
     */
    public RecentBytes(int slots, int maxBytes, int initialBytes) {
        this.bytes = new byte[slots][];
        this.length = new int[slots];
        this.maxBytes = maxBytes;
        this.initialBytes = initialBytes;
    }

    /** The index of the slot holding exactly {@code b[off, off+n)}, or -1. */
    public int find(byte[] b, int off, int n) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != null && length[i] == n && Arrays.equals(bytes[i], 0, n, b, off, off + n)) {
                return i;
            }
        }
        return -1;
    }

    /** Keeps {@code b[off, off+n)} in the next slot in turn and returns its index; -1 when it is too long to keep. */
    public int keep(byte[] b, int off, int n) {
        if (n > maxBytes) {
            return -1;
        }
        int i = next;
        next = (next + 1) % bytes.length;
        if (bytes[i] == null || bytes[i].length < n) {
            bytes[i] = new byte[Math.max(n, initialBytes)];
        }
        System.arraycopy(b, off, bytes[i], 0, n);
        length[i] = n;
        return i;
    }
}
