package io.impacketsensor.core.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Fixed-width integer reads at an absolute offset of a byte array, in both byte orders: the one
 * place outside {@link ByteCursor} where bytes are assembled into integers, so every decoder reads
 * a field the same way.
 *
 * <p>These do no bounds checking: the caller has already checked that {@code off + width <=
 * limit} (as every framing check does before it reads a header field). Use {@link ByteCursor} when
 * the length is not known in advance.
 */
public final class Bytes {
    /**
     * The buffer of a flow that holds nothing yet, or whose bytes the buffer budget took back:
     * shared, since a zero-length array cannot be written, and every growth allocates anew anyway.
     */
    public static final byte[] EMPTY = {};

    private static final VarHandle I32LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I64LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {
    }

    public static int u16le(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    public static int u16be(byte[] b, int off) {
        return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
    }

    /** 24 bits big-endian, e.g. the NBSS length (RFC 1002 4.3.1, with the 7-bit flags byte before it). */
    public static int u24be(byte[] b, int off) {
        return (b[off] & 0xFF) << 16 | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF);
    }

    /**
     * 32 bits little-endian as a raw (possibly negative) int: one 4-byte load through a byte-array
     * view. The view's accessors are force-inlined, so even the batch commands' C1 compiler (which
     * inlines only callees of 35 bytes of bytecode or less) makes this one bounds check and one
     * load, where four byte reads took four of each (about three times the time per read).
     */
    public static int i32le(byte[] b, int off) {
        return (int) I32LE.get(b, off);
    }

    /** 32 bits big-endian as a raw (possibly negative) int; one load, as {@link #i32le}. */
    public static int i32be(byte[] b, int off) {
        return (int) I32BE.get(b, off);
    }

    public static long u32le(byte[] b, int off) {
        return i32le(b, off) & 0xFFFF_FFFFL;
    }

    public static long u32be(byte[] b, int off) {
        return i32be(b, off) & 0xFFFF_FFFFL;
    }

    public static long i64le(byte[] b, int off) {
        return (long) I64LE.get(b, off);
    }

    public static long i64be(byte[] b, int off) {
        return (long) I64BE.get(b, off);
    }

    /** 16 bits in the order a DCE/RPC data representation (or similar flag) selects. */
    public static int u16(byte[] b, int off, boolean littleEndian) {
        return littleEndian ? u16le(b, off) : u16be(b, off);
    }

    /** 32 bits unsigned in the order the flag selects. */
    public static long u32(byte[] b, int off, boolean littleEndian) {
        return littleEndian ? u32le(b, off) : u32be(b, off);
    }

    /** 32 bits (raw int) in the order the flag selects. */
    public static int i32(byte[] b, int off, boolean littleEndian) {
        return littleEndian ? i32le(b, off) : i32be(b, off);
    }

    /**
     * The first {@code n} (0..8) bytes as a big-endian unsigned number: a key built from a
     * variable-length prefix (an address, a hash prefix) rather than a protocol field.
     */
    public static long beN(byte[] b, int off, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = v << 8 | (b[off + i] & 0xFF);
        }
        return v;
    }

    /** The first {@code n} (0..8) bytes as a little-endian unsigned number. */
    public static long leN(byte[] b, int off, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[off + i] & 0xFF);
        }
        return v;
    }

    /** True when every byte of {@code b[off, off+len)} is ASCII (below 0x80). */
    public static boolean ascii(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when {@code b[off, off+len)} is the ASCII text {@code ascii}, letters compared without
     * case and every other byte exactly (attribute descriptions, RFC 4512 2.5, and header names,
     * RFC 9110 5.1, are case-insensitive ASCII). {@link Utf16#equalsAsciiIgnoreCase} is the
     * UTF-16LE twin.
     */
    public static boolean equalsAsciiIgnoreCase(byte[] b, int off, int len, String ascii) {
        if (len != ascii.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            int c = b[off + i];
            int n = ascii.charAt(i);
            int folded = n | 0x20;
            if (c != n && !(folded >= 'a' && folded <= 'z' && (c | 0x20) == folded)) {
                return false;
            }
        }
        return true;
    }
}
