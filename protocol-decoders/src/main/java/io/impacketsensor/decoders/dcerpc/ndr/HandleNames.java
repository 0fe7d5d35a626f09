package io.impacketsensor.decoders.dcerpc.ndr;

import java.util.Arrays;

/**
 * What a context handle stands for on one connection (the service an OpenServiceW opened, the key
 * an OpenKey opened), so a later StartServiceW or SaveKey on that handle can be named. Bounded:
 * when full, the oldest entry is replaced. A handle is 20 bytes (MS-RPCE 2.2.1.1.4 / C706 context
 * handle: 4-byte attributes, 16-byte GUID); an all-zero handle (a failed open) is never stored.
 */
public final class HandleNames {
    private static final int HANDLE = 20;
    private final byte[] keys;
    private final String[] names;
    private int next;
    private int size;

    public HandleNames(int capacity) {
        this.keys = new byte[capacity * HANDLE];
        this.names = new String[capacity];
    }

    public void put(byte[] b, int off, String name) {
        if (name == null || names.length == 0 || off < 0 || off > b.length - HANDLE || isZero(b, off)) {
            return;
        }
        int i = find(b, off);
        if (i < 0) {
            i = next;
            next = (next + 1) % names.length;
            size = Math.min(size + 1, names.length);
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
