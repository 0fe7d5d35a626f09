package io.impacketsensor.core.wire;

import java.nio.charset.StandardCharsets;

/** UTF-16LE strings as Windows protocols carry them (SMB2 names, NTLMSSP fields, NDR strings). */
public final class Utf16 {
    private Utf16() {
    }

    /**
     * Decodes {@code len} bytes of UTF-16LE; an odd trailing byte is dropped and trailing NUL
     * characters (NDR conformant strings include the terminator) are removed. Allocates: call it
     * when an event is created, not per packet.
     */
    public static String decode(byte[] b, int off, int len) {
        return decode(b, off, len, null);
    }

    /**
     * {@link #decode(byte[], int, int)} with the Latin-1 characters gathered in {@code scratch} when
     * it is long enough (a caller that decodes often keeps one), so only the String's own array is
     * made; null or too short: a temporary array.
     */
    public static String decode(byte[] b, int off, int len, byte[] scratch) {
        if (off < 0 || len <= 0 || off > b.length - len) {
            return "";
        }
        int n = len & ~1;
        while (n >= 2 && b[off + n - 2] == 0 && b[off + n - 1] == 0) {
            n -= 2;
        }
        // Names on the wire are almost always Latin-1 (every high byte 0): their string is made from
        // the low bytes, without the charset decoder's four intermediate objects. Anything else,
        // including surrogates, goes through the decoder, which replaces malformed units.
        int chars = n >> 1;
        byte[] latin = scratch != null && scratch.length >= chars ? scratch : new byte[chars];
        for (int i = 0; i < chars; i++) {
            if (b[off + 2 * i + 1] != 0) {
                return new String(b, off, n, StandardCharsets.UTF_16LE);
            }
            latin[i] = b[off + 2 * i];
        }
        return new String(latin, 0, chars, StandardCharsets.ISO_8859_1);
    }

    /** Decodes {@code len} bytes at the cursor and advances; past the end sets the cursor's error. */
    public static String read(ByteCursor c, int len) {
        if (!c.has(len)) {
            c.skip(len);
            return "";
        }
        String s = decode(c.array(), c.arrayPosition(), len);
        c.skip(len);
        return s;
    }

    /** True when the UTF-16LE bytes equal the ASCII text, case-insensitively, without decoding. */
    public static boolean equalsAsciiIgnoreCase(byte[] b, int off, int len, String ascii) {
        if (len != ascii.length() * 2 || off < 0 || off > b.length - len) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            int lo = b[off + 2 * i] & 0xFF;
            int hi = b[off + 2 * i + 1] & 0xFF;
            if (hi != 0 || Character.toLowerCase(lo) != Character.toLowerCase(ascii.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
