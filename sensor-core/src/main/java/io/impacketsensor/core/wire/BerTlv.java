package io.impacketsensor.core.wire;

/**
 * One BER/DER tag-length header (X.690 8.1.2 identifier, 8.1.3 length), read into a reused
 * flyweight. Reading never throws and never allocates.
 *
 * <pre>
 *   identifier: class(2) | constructed(1) | number(5)   number 31 = high-tag form, base-128 octets follow
 *   length:     0xxxxxxx short form | 1nnnnnnn n octets of length | 0x80 indefinite (BER only)
 * </pre>
 */
public final class BerTlv {
    public static final int CLASS_UNIVERSAL = 0;
    public static final int CLASS_APPLICATION = 1;
    public static final int CLASS_CONTEXT = 2;
    public static final int CLASS_PRIVATE = 3;

    /** Length value used for the indefinite form (X.690 8.1.3.6). */
    public static final int INDEFINITE = -1;

    /** Tag class, one of the CLASS_ constants. */
    public int tagClass;
    /** True for the constructed encoding. */
    public boolean constructed;
    /** Tag number (high-tag form decoded). */
    public int tagNumber;
    /** Content length, or {@link #INDEFINITE}. */
    public int length;
    /** Number of header bytes consumed. */
    public int headerLength;

    /**
     * Reads a header at the cursor and leaves it at the first content byte.
     *
     * @param allowIndefinite BER (LDAP) allows the indefinite form; DER (Kerberos) forbids it (X.690 10.1)
     * @param maxLength       a content length above this is an ERROR (a peer-controlled limit)
     * @return NEED_MORE when the header itself is cut short (the cursor is left where it was),
     *         ERROR when it is malformed or over the limit, OK otherwise. The content may still be
     *         incomplete: check {@code c.has(length)}.
     */
    public ParseStatus read(ByteCursor c, boolean allowIndefinite, int maxLength) {
        int startPos = c.position();
        if (!c.has(2)) {
            return ParseStatus.NEED_MORE;
        }
        int id = c.u8();
        tagClass = id >>> 6;
        constructed = (id & 0x20) != 0;
        int number = id & 0x1F;
        if (number == 0x1F) {
            number = 0;
            int octets = 0;
            while (true) {
                if (!c.hasRemaining()) {
                    c.seek(startPos);
                    return ParseStatus.NEED_MORE;
                }
                int b = c.u8();
                // X.690 8.1.2.4.2 c: the first subsequent octet shall not be 0x80.
                if (octets == 0 && b == 0x80) {
                    return ParseStatus.ERROR;
                }
                number = number << 7 | (b & 0x7F);
                if (++octets > 4) {
                    return ParseStatus.ERROR;
                }
                if ((b & 0x80) == 0) {
                    break;
                }
            }
        }
        tagNumber = number;
        if (!c.hasRemaining()) {
            c.seek(startPos);
            return ParseStatus.NEED_MORE;
        }
        int first = c.u8();
        if (first < 0x80) {
            length = first;
        } else if (first == 0x80) {
            if (!allowIndefinite || !constructed) {
                return ParseStatus.ERROR;
            }
            length = INDEFINITE;
        } else {
            int n = first & 0x7F;
            // X.690 8.1.3.5 c: 0xFF is reserved. More than 4 octets cannot fit our limits anyway.
            if (n > 4 || first == 0xFF) {
                return ParseStatus.ERROR;
            }
            if (!c.has(n)) {
                c.seek(startPos);
                return ParseStatus.NEED_MORE;
            }
            long len = 0;
            for (int i = 0; i < n; i++) {
                len = len << 8 | c.u8();
            }
            if (len > Integer.MAX_VALUE) {
                return ParseStatus.ERROR;
            }
            length = (int) len;
        }
        if (length > maxLength) {
            return ParseStatus.ERROR;
        }
        headerLength = c.position() - startPos;
        return ParseStatus.OK;
    }

    /** True when this header is the given class and number. */
    public boolean is(int cls, int number) {
        return tagClass == cls && tagNumber == number;
    }

    /**
     * Reads a two's-complement INTEGER content of {@code len} bytes (X.690 8.3) as a long; more
     * than 8 bytes sets the cursor's error flag.
     */
    public static long readInteger(ByteCursor c, int len) {
        if (len < 1 || len > 8) {
            c.skip(Math.max(len, 0));
            c.fail();
            return 0;
        }
        long v = (byte) c.u8();
        for (int i = 1; i < len; i++) {
            v = v << 8 | c.u8();
        }
        return v;
    }
}
