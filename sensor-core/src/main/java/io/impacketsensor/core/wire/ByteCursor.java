package io.impacketsensor.core.wire;

/**
 * A bounds-checked reader over a window of a reused {@code byte[]}.
 *
 * <p>Reading past the window sets a sticky error flag and returns 0 (or does nothing): a parser
 * reads a whole record and checks {@link #ok()} once, instead of checking every field or catching
 * exceptions. The cursor is a flyweight: {@link #wrap} points it at new bytes without allocating.
 *
 * <pre>
 *   buf: [ ..... | start ....... pos ....... limit | ..... ]
 *                  ^ wrap(off)     ^ next read      ^ off+len
 * </pre>
 *
 * Positions given to and returned by {@link #position()}/{@link #seek(int)} are relative to the
 * window start, which is what protocol offsets (SMB2 buffer offsets, NTLMSSP field offsets) are.
 */
public final class ByteCursor {
    private byte[] buf = Bytes.EMPTY;
    private int start;
    private int pos;
    private int limit;
    private boolean error;

    public ByteCursor() {
    }

    public ByteCursor(byte[] buf, int off, int len) {
        wrap(buf, off, len);
    }

    /** Points the cursor at {@code buf[off, off+len)} and clears the error flag. */
    public ByteCursor wrap(byte[] b, int off, int len) {
        if (off < 0 || len < 0 || off > b.length - len) {
            this.buf = b;
            this.start = 0;
            this.pos = 0;
            this.limit = 0;
            this.error = true;
            return this;
        }
        this.buf = b;
        this.start = off;
        this.pos = off;
        this.limit = off + len;
        this.error = false;
        return this;
    }

    /** Points {@code into} at the next {@code len} bytes and advances past them. */
    public ByteCursor slice(int len, ByteCursor into) {
        if (!has(len)) {
            into.wrap(buf, pos, 0);
            into.error = true;
            return into;
        }
        into.wrap(buf, pos, len);
        pos += len;
        return into;
    }

    /** True while no read has gone past the window. */
    public boolean ok() {
        return !error;
    }

    /** Marks the cursor as failed (for semantic checks made by the caller). */
    public void fail() {
        error = true;
    }

    public byte[] array() {
        return buf;
    }

    /** Absolute index in {@link #array()} of the next byte. */
    public int arrayPosition() {
        return pos;
    }

    /** Absolute index in {@link #array()} of the window start. */
    public int arrayStart() {
        return start;
    }

    /** Position relative to the window start. */
    public int position() {
        return pos - start;
    }

    /** Window length. */
    public int length() {
        return limit - start;
    }

    public int remaining() {
        return limit - pos;
    }

    public boolean hasRemaining() {
        return pos < limit;
    }

    /** True when {@code n} more bytes can be read; does not set the error flag. */
    public boolean has(int n) {
        return n >= 0 && n <= limit - pos;
    }

    /** Moves to a position relative to the window start; past the end sets the error flag. */
    public ByteCursor seek(int relative) {
        if (relative < 0 || relative > limit - start) {
            error = true;
            pos = limit;
        } else {
            pos = start + relative;
        }
        return this;
    }

    public ByteCursor skip(int n) {
        if (!has(n)) {
            error = true;
            pos = limit;
        } else {
            pos += n;
        }
        return this;
    }

    /** True when the window {@code [relOff, relOff+len)} lies inside this cursor's window. */
    public boolean inBounds(long relOff, long len) {
        // Compared without adding, so huge peer-supplied values cannot overflow into "in bounds".
        long window = limit - start;
        return relOff >= 0 && len >= 0 && relOff <= window && len <= window - relOff;
    }

    private boolean need(int n) {
        if (limit - pos < n) {
            error = true;
            pos = limit;
            return false;
        }
        return true;
    }

    public int u8() {
        if (!need(1)) {
            return 0;
        }
        return buf[pos++] & 0xFF;
    }

    public int u16le() {
        if (!need(2)) {
            return 0;
        }
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    public int u16be() {
        if (!need(2)) {
            return 0;
        }
        int v = (buf[pos] & 0xFF) << 8 | (buf[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    /** 32 bits little-endian as a raw (possibly negative) int. */
    public int i32le() {
        if (!need(4)) {
            return 0;
        }
        int v = Bytes.i32le(buf, pos);
        pos += 4;
        return v;
    }

    /** 32 bits big-endian as a raw (possibly negative) int. */
    public int i32be() {
        if (!need(4)) {
            return 0;
        }
        int v = Bytes.i32be(buf, pos);
        pos += 4;
        return v;
    }

    public long u32le() {
        return i32le() & 0xFFFF_FFFFL;
    }

    public long u32be() {
        return i32be() & 0xFFFF_FFFFL;
    }

    public long i64le() {
        if (!need(8)) {
            return 0;
        }
        long v = Bytes.i64le(buf, pos);
        pos += 8;
        return v;
    }

    public long i64be() {
        if (!need(8)) {
            return 0;
        }
        long v = Bytes.i64be(buf, pos);
        pos += 8;
        return v;
    }

    /** Byte at a position relative to the window start, without moving; out of range gives -1. */
    public int peekU8(int relative) {
        int i = start + relative;
        if (relative < 0 || i >= limit) {
            return -1;
        }
        return buf[i] & 0xFF;
    }

    /** Copies the next {@code len} bytes into a new array (use only when an event is created). */
    public byte[] copyBytes(int len) {
        if (len < 0) {
            fail();
            return new byte[0];
        }
        if (!need(len)) {
            return new byte[0];
        }
        byte[] out = new byte[len];
        System.arraycopy(buf, pos, out, 0, len);
        pos += len;
        return out;
    }
}
