package io.impacketsensor.core.wire;

import java.nio.charset.StandardCharsets;

/**
 * One BER/DER tag-length header (X.690 8.1.2 identifier, 8.1.3 length), read into a reused
 * flyweight. Reading never throws and never allocates.
 *
 * <pre>
 *   identifier: class(2) | constructed(1) | number(5)   number 31 = high-tag form, base-128 octets follow
 *   length:     0xxxxxxx short form | 1nnnnnnn n octets of length | 0x80 indefinite (BER only)
 * </pre>
 *
 * <p>{@link #read} reads one header; {@link #measure} walks a whole element, checking every nested
 * constructed encoding against its parent and a depth limit, without moving the cursor. When a
 * call answers ERROR, {@link #error} says why (one of the ERR_ constants), so analyzers can name
 * the anomaly. The static readers materialise values (strings, OIDs) and allocate: call them only
 * when an event is created.
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
    /** Why the last call answered ERROR: one of the ERR_ constants ({@link #ERR_NONE} otherwise). */
    public int error;
    /** After {@link #measure}: the whole element's length (header, content and end-of-contents). */
    public int elementLength;

    /** No error. */
    public static final int ERR_NONE = 0;
    /** An identifier or length octet breaks an X.690 8.1.2/8.1.3 rule. */
    public static final int ERR_MALFORMED = 1;
    /** A length over the caller's element size limit (or over 2^31-1). */
    public static final int ERR_TOO_LONG = 2;
    /** The indefinite form where it is not allowed (DER, X.690 10.1; primitive encodings, 8.1.3.2 a). */
    public static final int ERR_INDEFINITE = 3;
    /** Nesting deeper than the caller's depth limit. */
    public static final int ERR_DEPTH = 4;
    /** A nested element runs past the end of its enclosing element (X.690 8.1.1). */
    public static final int ERR_OVERRUN = 5;

    /**
     * A BER decoder's anomaly for an {@link #error} reason, so that every protocol names the same
     * reasons the same way: a length over the limit, the indefinite form, nesting too deep, and
     * anything else (a broken identifier or length, an overrun) as malformed.
     */
    public static <A> A anomaly(int error, A malformed, A tooLong, A indefinite, A tooDeep) {
        switch (error) {
            case ERR_TOO_LONG:
                return tooLong;
            case ERR_INDEFINITE:
                return indefinite;
            case ERR_DEPTH:
                return tooDeep;
            default:
                return malformed;
        }
    }

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
        error = ERR_NONE;
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
                    error = ERR_MALFORMED;
                    return ParseStatus.ERROR;
                }
                number = number << 7 | (b & 0x7F);
                // Four base-128 octets give 28 bits: every tag any of our protocols defines fits.
                if (++octets > 4) {
                    error = ERR_MALFORMED;
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
            // X.690 8.1.3.2 a: primitive encodings always use the definite form.
            if (!allowIndefinite || !constructed) {
                error = ERR_INDEFINITE;
                return ParseStatus.ERROR;
            }
            length = INDEFINITE;
        } else {
            int n = first & 0x7F;
            // X.690 8.1.3.5 c: 0xFF is reserved. More than 4 octets cannot fit our limits anyway.
            if (first == 0xFF) {
                error = ERR_MALFORMED;
                return ParseStatus.ERROR;
            }
            if (n > 4) {
                error = ERR_TOO_LONG;
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
                error = ERR_TOO_LONG;
                return ParseStatus.ERROR;
            }
            length = (int) len;
        }
        if (length > maxLength) {
            error = ERR_TOO_LONG;
            return ParseStatus.ERROR;
        }
        headerLength = c.position() - startPos;
        return ParseStatus.OK;
    }

    /**
     * Walks the whole element at the cursor without moving it: every constructed encoding's
     * contents must be a series of complete elements ending exactly at its end (X.690 8.1.1,
     * 8.1.3.6 for the indefinite form, terminated by the end-of-contents octets of 8.1.5), no
     * element may nest deeper than {@code maxDepth} (the outer element is depth 1), and no length
     * may exceed {@code maxLength}. Primitive contents are skipped by length, not examined.
     * Recursion is bounded by {@code maxDepth}; nothing is allocated.
     *
     * @return OK with {@link #elementLength} set and the header fields describing the outer
     *         element; NEED_MORE when the outer element is not complete in the window; ERROR with
     *         {@link #error} set
     */
    public ParseStatus measure(ByteCursor c, boolean allowIndefinite, int maxLength, int maxDepth) {
        int start = c.position();
        ParseStatus st = walk(c, allowIndefinite, maxLength, maxDepth, 1);
        int end = c.position();
        int why = error;
        c.seek(start);
        if (st != ParseStatus.OK) {
            error = why;
            return st;
        }
        read(c, allowIndefinite, maxLength);
        c.seek(start);
        elementLength = end - start;
        return ParseStatus.OK;
    }

    private ParseStatus walk(ByteCursor c, boolean allowIndefinite, int maxLength, int maxDepth, int depth) {
        if (depth > maxDepth) {
            error = ERR_DEPTH;
            return ParseStatus.ERROR;
        }
        ParseStatus st = read(c, allowIndefinite, maxLength);
        if (st != ParseStatus.OK) {
            return st;
        }
        if (length == INDEFINITE) {
            while (true) {
                if (!c.has(2)) {
                    return ParseStatus.NEED_MORE;
                }
                int p = c.position();
                if (c.peekU8(p) == 0 && c.peekU8(p + 1) == 0) {
                    c.skip(2);
                    return ParseStatus.OK;
                }
                st = walk(c, allowIndefinite, maxLength, maxDepth, depth + 1);
                if (st != ParseStatus.OK) {
                    return st;
                }
            }
        }
        if (!c.has(length)) {
            return ParseStatus.NEED_MORE;
        }
        int end = c.position() + length;
        if (!constructed) {
            c.skip(length);
            return ParseStatus.OK;
        }
        while (c.position() < end) {
            st = walk(c, allowIndefinite, maxLength, maxDepth, depth + 1);
            if (st == ParseStatus.NEED_MORE || (st == ParseStatus.OK && c.position() > end)) {
                // The parent's contents were all there: a child that wants more overruns it.
                error = ERR_OVERRUN;
                return ParseStatus.ERROR;
            }
            if (st != ParseStatus.OK) {
                return st;
            }
        }
        return ParseStatus.OK;
    }

    /**
     * Reads a header and checks it is the expected class and number with a definite length whose
     * contents lie inside the window; sets the cursor's error flag otherwise. For parsers that
     * already {@link #measure}d the message: any failure here is a structure mismatch.
     */
    public boolean expect(ByteCursor c, int cls, int number, int maxLength) {
        if (read(c, false, maxLength) != ParseStatus.OK || !is(cls, number) || length == INDEFINITE
                || !c.has(length)) {
            c.fail();
            return false;
        }
        return true;
    }

    /** Materialises {@code len} content bytes as a string (KerberosString, LDAPString: UTF-8, X.690 8.23). */
    public static String readString(ByteCursor c, int len) {
        if (!c.has(len)) {
            c.skip(len);
            return "";
        }
        String s = new String(c.array(), c.arrayPosition(), len, StandardCharsets.UTF_8);
        c.skip(len);
        return s;
    }

    /** True when the {@code len} content bytes at the cursor equal the ASCII text; does not move. */
    public static boolean contentEquals(ByteCursor c, int len, String ascii) {
        if (len != ascii.length() || !c.has(len)) {
            return false;
        }
        byte[] b = c.array();
        int p = c.arrayPosition();
        for (int i = 0; i < len; i++) {
            if (b[p + i] != (byte) ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Materialises an OBJECT IDENTIFIER content (X.690 8.19: base-128 subidentifiers, the first
     * one packing the first two arcs as 40*X+Y) as dotted text; a malformed one sets the error flag.
     */
    public static String readOid(ByteCursor c, int len) {
        if (len < 1 || !c.has(len)) {
            c.skip(Math.max(len, 0));
            c.fail();
            return "";
        }
        StringBuilder sb = new StringBuilder(len * 3);
        int end = c.position() + len;
        boolean first = true;
        while (c.position() < end) {
            long v = 0;
            int octets = 0;
            int b;
            do {
                b = c.u8();
                // X.690 8.19.2: the leading octet of a subidentifier shall not be 0x80.
                if ((octets == 0 && b == 0x80) || ++octets > 9 || c.position() > end) {
                    c.seek(end);
                    c.fail();
                    return sb.toString();
                }
                v = v << 7 | (b & 0x7F);
            } while ((b & 0x80) != 0 && c.position() < end);
            if ((b & 0x80) != 0) {
                c.fail();
                return sb.toString();
            }
            if (first) {
                long arc0 = v < 80 ? v / 40 : 2;
                sb.append(arc0).append('.').append(v - arc0 * 40);
                first = false;
            } else {
                sb.append('.').append(v);
            }
        }
        return sb.toString();
    }

    /**
     * Reads a BIT STRING content (X.690 8.6.2: one octet of unused-bit count, then the bits) as a
     * 32-bit number whose bit 0 is the most significant bit, as Kerberos flags are numbered
     * (RFC 4120 5.2.8); bits past 32 are ignored, missing ones are zero.
     */
    public static int readBitString32(ByteCursor c, int len) {
        if (len < 1 || !c.has(len)) {
            c.skip(Math.max(len, 0));
            c.fail();
            return 0;
        }
        int unused = c.u8();
        if (unused > 7) {
            c.skip(len - 1);
            c.fail();
            return 0;
        }
        int v = 0;
        for (int i = 1; i < len; i++) {
            int b = c.u8();
            if (i <= 4) {
                v |= b << (8 * (4 - i));
            }
        }
        return v;
    }

    /**
     * Reads a GeneralizedTime content in the DER form Kerberos requires (RFC 4120 5.2.3,
     * X.690 11.7: {@code YYYYMMDDHHMMSSZ}, no fraction) as seconds since the epoch, without
     * allocating; any other form gives {@code Long.MIN_VALUE}.
     */
    public static long readGeneralizedTime(ByteCursor c, int len) {
        if (len != 15 || !c.has(15)) {
            c.skip(Math.max(len, 0));
            return Long.MIN_VALUE;
        }
        int year = digits(c, 4);
        int month = digits(c, 2);
        int day = digits(c, 2);
        int hour = digits(c, 2);
        int min = digits(c, 2);
        int sec = digits(c, 2);
        int z = c.u8();
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || min < 0
                || min > 59 || sec < 0 || sec > 60 || z != 'Z') {
            return Long.MIN_VALUE;
        }
        return daysFromCivil(year, month, day) * 86400L + hour * 3600L + min * 60L + sec;
    }

    private static int digits(ByteCursor c, int n) {
        int v = 0;
        boolean bad = false;
        for (int i = 0; i < n; i++) {
            int d = c.u8() - '0';
            if (d < 0 || d > 9) {
                bad = true;
            }
            v = v * 10 + d;
        }
        return bad ? -1 : v;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    private static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        int era = (y >= 0 ? y : y - 399) / 400;
        int yoe = y - era * 400;
        int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097L + doe - 719468;
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
