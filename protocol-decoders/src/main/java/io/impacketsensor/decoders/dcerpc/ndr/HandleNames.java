package io.impacketsensor.decoders.dcerpc.ndr;

import java.util.Arrays;

/**
 * What a context handle stands for on one connection (the service an OpenServiceW opened, the key
 * an OpenKey opened), so a later StartServiceW or SaveKey on that handle can be named. Bounded:
 * when full, the oldest entry is replaced. A handle is 20 bytes (MS-RPCE 2.2.1.1.4 / C706 context
 * handle: 4-byte attributes, 16-byte GUID); an all-zero handle (a failed open) is never stored.
 * Nothing is allocated until the first handle is stored (most connections open none); the arrays
 * then double up to the bound, filled in the same order as a table made full-size.
 */
public final class HandleNames {
    private static final int HANDLE = 20;
    /** Slots made at the first store. */
    private static final int INITIAL = 4;
    private final int capacity;
    private byte[] keys = io.impacketsensor.core.wire.Bytes.EMPTY;
    private String[] names = NONE;
    private int next;
    private int size;
    private static final String[] NONE = {};

    public HandleNames(int capacity) {
        this.capacity = capacity;
    }

    /** Forgets every handle (a pooled analyzer's next association); the arrays are kept. */
    public void clear() {
        if (size > 0) {
            Arrays.fill(names, 0, size, null);
        }
        next = 0;
        size = 0;
    }

    public void put(byte[] b, int off, String name) {
        if (name == null || capacity <= 0 || off < 0 || off > b.length - HANDLE || isZero(b, off)) {
            return;
        }
        int i = find(b, off);
        if (i < 0) {
            if (size == names.length && names.length < capacity) {
                int n = Math.min(capacity, Math.max(INITIAL, names.length * 2));
                keys = Arrays.copyOf(keys, n * HANDLE);
                names = Arrays.copyOf(names, n);
            }
            i = next;
            next = (next + 1) % capacity;
            size = Math.min(size + 1, capacity);
            System.arraycopy(b, off, keys, i * HANDLE, HANDLE);
        }
        names[i] = name;
    }

    /** The name stored for the handle at {@code b[off]}, or null. */
    public String get(byte[] b, int off) {
        if (off < 0 || off > b.length - HANDLE) {
            return null;
        }
        int i = find(b, off);
        return i < 0 ? null : names[i];
    }

    private int find(byte[] b, int off) {
        for (int i = 0; i < size; i++) {
            if (Arrays.equals(keys, i * HANDLE, i * HANDLE + HANDLE, b, off, off + HANDLE)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isZero(byte[] b, int off) {
        for (int i = 0; i < HANDLE; i++) {
            if (b[off + i] != 0) {
                return false;
            }
        }
        return true;
    }
}
