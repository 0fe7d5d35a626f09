package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.event.LdapEvent.Attribute;
import io.impacketsensor.core.event.LdapEvent.NetlogonResponse;
import io.impacketsensor.core.event.LdapEvent.SearchEntry;
import io.impacketsensor.core.wire.BerTlv;
import io.impacketsensor.core.wire.ByteCursor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SearchResultEntry (RFC 4511 4.5.2): objectName LDAPDN, attributes PartialAttributeList ::=
 * SEQUENCE OF SEQUENCE { type AttributeDescription, vals SET OF AttributeValue }. Past
 * {@code maxListItems} attributes, or values of one attribute, the rest is passed over without an
 * anomaly: a group's member list is long by nature, and the entry stays counted.
 *
 * <p>One walk, two uses. On the decode worker it only measures: the characters of the DN, types
 * and values (what keeping the entry costs against {@code max_kept_entry_bytes}) and where the
 * cursor ends, making no text. The entry then keeps a copy of its bytes and is decoded by the same
 * walk, building the text, only when its search's record reads it ({@link SearchEntry#deferred}).
 * The two walks move the cursor identically, so the measured size is the decoded text's.
 *
 * <p>The measuring walk makes one exception: the value of an attribute named {@code netlogon} (an
 * LDAP ping answer, MS-ADTS 6.3.3.2) is binary, and detection reads it for every such answer to
 * learn domain controllers, so it is decoded at once ({@link LdapNetlogon}). Recognising the name
 * compares its bytes, making no text; every other entry stays bytes until read.
 */
final class SearchEntryWalk {
    private static final int U = BerTlv.CLASS_UNIVERSAL;

    private final LdapLimits limits;
    private final BerTlv t = new BerTlv();
    /** Text of the last {@link #str} when building. */
    private String text;
    /** Whether the last measuring {@link #str} read the name {@code netlogon} (any case). */
    private boolean netlogonName;
    /** The first {@code netlogon} value that decoded, when measuring. */
    private NetlogonResponse netlogon;

    /** Where a streaming walk passes the strings, or null; and which string comes next (0 DN, 1 type, 2 value). */
    private SearchEntry.Sink sink;
    private int sinkKind;
    /**
     * Measuring: whether every string so far was well-formed UTF-8 of the Basic Multilingual
     * Plane. Streaming: that the measuring walk found so, and the strings need no check.
     */
    private boolean bmp;
    private boolean knownBmp;

    // results of a building walk
    private String dn;
    private List<Attribute> attributes;

    SearchEntryWalk(LdapLimits limits) {
        this.limits = limits;
    }

    /**
     * Walks the entry at the cursor up to {@code opEnd} (the cursor is left where the walk ended).
     *
     * @param build true: make the DN and attribute text; false: only measure
     * @return characters of the entry's DN, types and values
     */
    int walk(ByteCursor c, int opEnd, boolean build) {
        try {
            return walk(c, opEnd, build, null);
        } catch (IOException e) {
            throw new AssertionError("no sink, nothing written", e);
        }
    }

    /**
     * As {@link #walk(ByteCursor, int, boolean)}; with a {@code sink}, also passes each string's
     * bytes to it (DN, then type and values per attribute), as UTF-8 that decodes to the same text.
     */
    private int walk(ByteCursor c, int opEnd, boolean build, SearchEntry.Sink sink) throws IOException {
        this.sink = sink;
        bmp = true;
        netlogon = null;
        sinkKind = 0;
        int size = str(c, build, false);
        String entryDn = text;
        int listEnd = seq(c);
        List<Attribute> attrs = build ? new ArrayList<>(4) : null;
        int nAttrs = 0;
        while (c.ok() && c.position() < listEnd && nAttrs < limits.maxListItems()) {
            int end = seq(c);
            sinkKind = 1;
            size += str(c, build, false);
            String type = text;
            // only the measuring walk decodes it: the building walk runs later, for the text alone
            boolean netlogonValues = netlogonName;
            List<String> vals = build ? new ArrayList<>(1) : null;
            int nVals = 0;
            if (t.expect(c, U, 17, limits.maxMessageLength())) {
                int setEnd = Math.min(c.position() + t.length, end);
                sinkKind = 2;
                while (c.ok() && c.position() < setEnd && nVals < limits.maxListItems()) {
                    size += str(c, build, netlogonValues && netlogon == null);
                    if (build) {
                        vals.add(text);
                    }
                    nVals++;
                }
            }
            c.seek(end);
            if (build) {
                attrs.add(new Attribute(type, List.copyOf(vals)));
            }
            nAttrs++;
        }
        if (build) {
            dn = entryDn;
            attributes = List.copyOf(attrs);
        }
        return size;
    }

    private int seq(ByteCursor cur) {
        if (!t.expect(cur, U, 16, limits.maxMessageLength())) {
            return cur.position();
        }
        return cur.position() + t.length;
    }

    /**
     * An LDAPString (OCTET STRING, UTF-8): its length in UTF-16 units; built into {@link #text} when
     * asked. Sets {@link #netlogonName}; with {@code decodeNetlogon}, decodes the value's bytes as a
     * netlogon response into {@link #netlogon} (null when they are none).
     */
    private int str(ByteCursor cur, boolean build, boolean decodeNetlogon) throws IOException {
        text = "";
        netlogonName = false;
        if (!t.expect(cur, U, 4, limits.maxMessageLength())) {
            emit(EMPTY, 0, 0, null);
            return 0;
        }
        int len = t.length;
        if (sink != null) {
            if (!cur.has(len)) {
                emit(EMPTY, 0, 0, null); // as BerTlv.readString: the text is empty
            } else if (knownBmp || bmpUtf8(cur.array(), cur.arrayPosition(), len)) {
                emit(cur.array(), cur.arrayPosition(), len, null);
            } else {
                // malformed bytes (the JDK's replacement) or a supplementary character (a writer
                // may escape it as a surrogate pair): as text
                emit(null, 0, 0, BerTlv.readString(cur, len));
                return 0;
            }
            // the cursor moves as in the other walks; the size is not wanted here
            cur.skip(len);
            return 0;
        }
        if (decodeNetlogon) {
            // a value cut short is decoded as far as it goes; LdapNetlogon rejects what is incomplete
            netlogon = LdapNetlogon.decode(cur.array(), cur.arrayPosition(), Math.min(len, cur.remaining()));
        }
        netlogonName = !build && isNetlogon(cur, len);
        if (build) {
            text = BerTlv.readString(cur, len);
            return text.length();
        }
        if (!cur.has(len)) {
            // as BerTlv.readString: the cursor fails, the text is empty
            cur.skip(len);
            return 0;
        }
        long scan = scan(cur.array(), cur.arrayPosition(), len);
        int n;
        if (scan < 0) {
            bmp = false;
            n = new String(cur.array(), cur.arrayPosition(), len, StandardCharsets.UTF_8).length();
        } else {
            if ((scan & SUPPLEMENTARY) != 0) {
                bmp = false;
            }
            n = (int) scan;
        }
        cur.skip(len);
        return n;
    }

    /**
     * Whether the {@code len} bytes at the cursor are the ASCII name {@code netlogon} in any case.
     * A non-ASCII character cannot compare equal to one of these letters ignoring case, so this is
     * {@code String.equalsIgnoreCase} on the decoded text, without decoding it.
     */
    private void emit(byte[] b, int off, int len, String s) throws IOException {
        if (sink == null) {
            return;
        }
        switch (sinkKind) {
            case 0 -> sink.dn(b, off, len, s);
            case 1 -> sink.type(b, off, len, s);
            default -> sink.value(b, off, len, s);
        }
    }

    /**
     * Whether the bytes are well-formed UTF-8 without a four-byte sequence (lead byte 0xF0-0xF4):
     * text of the Basic Multilingual Plane, whose UTF-8 is exactly these bytes.
     */
    private static boolean bmpUtf8(byte[] b, int off, int len) {
        int end = off + len;
        // one pass over the ASCII that most values are; the rest is checked from the first other byte
        for (int i = off; i < end; i++) {
            if (b[i] < 0) {
                for (int k = i; k < end; k++) {
                    if ((b[k] & 0xFF) >= 0xF0) {
                        return false;
                    }
                }
                return wellFormedLength(b, i, end - i) >= 0;
            }
        }
        return true;
    }

    private static final byte[] EMPTY = new byte[0];

    private static boolean isNetlogon(ByteCursor cur, int len) {
        if (len != NETLOGON.length || !cur.has(len)) {
            return false;
        }
        byte[] b = cur.array();
        int off = cur.arrayPosition();
        for (int i = 0; i < len; i++) {
            // ASCII letters: setting 0x20 folds upper to lower case, and no other byte lands on one
            if ((b[off + i] | 0x20) != NETLOGON[i]) {
                return false;
            }
        }
        return true;
    }

    private static final byte[] NETLOGON = "netlogon".getBytes(StandardCharsets.US_ASCII);

    /**
     * Length of {@code new String(b, off, len, UTF_8)} without making it: well-formed UTF-8 (RFC
     * 3629 4: the shortest form, no surrogates, at most U+10FFFF) is one UTF-16 unit per sequence
     * and two for a four-byte one. Anything else is decoded, so the replacement of malformed bytes
     * is the JDK's own.
     */
    static int utf16Length(byte[] b, int off, int len) {
        int n = wellFormedLength(b, off, len);
        return n >= 0 ? n : new String(b, off, len, StandardCharsets.UTF_8).length();
    }

    /** The UTF-16 length of well-formed UTF-8 (see {@link #utf16Length}), or -1 when the bytes are not. */
    static int wellFormedLength(byte[] b, int off, int len) {
        long scan = scan(b, off, len);
        return scan < 0 ? -1 : (int) scan;
    }

    /** Set in {@link #scan}'s answer when the text holds a four-byte sequence (a supplementary character). */
    private static final long SUPPLEMENTARY = 1L << 32;

    /**
     * The UTF-16 length of well-formed UTF-8, with {@link #SUPPLEMENTARY} set when it holds a
     * four-byte sequence; -1 when the bytes are not well-formed.
     */
    private static long scan(byte[] b, int off, int len) {
        long sup = 0;
        int n = 0;
        int i = off;
        int end = off + len;
        while (i < end) {
            int b0 = b[i];
            if (b0 >= 0) {
                i++;
                n++;
                continue;
            }
            b0 &= 0xFF;
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                need = 1;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                need = 2;
                if (b0 == 0xE0) {
                    lo = 0xA0;
                } else if (b0 == 0xED) {
                    hi = 0x9F;
                }
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                need = 3;
                if (b0 == 0xF0) {
                    lo = 0x90;
                } else if (b0 == 0xF4) {
                    hi = 0x8F;
                }
            } else {
                return -1;
            }
            if (i + need >= end) {
                // the sequence runs past the value
                return -1;
            }
            int b1 = b[i + 1] & 0xFF;
            if (b1 < lo || b1 > hi) {
                return -1;
            }
            for (int k = 2; k <= need; k++) {
                int bk = b[i + k] & 0xFF;
                if (bk < 0x80 || bk > 0xBF) {
                    return -1;
                }
            }
            i += need + 1;
            if (need == 3) {
                n += 2;
                sup = SUPPLEMENTARY;
            } else {
                n++;
            }
        }
        return n | sup;
    }

    /**
     * The deferred entry for the entry at the cursor, measured: the cursor is left at the walk's end
     * and {@code sizeOut[0]} gets the entry's size in characters.
     */
    SearchEntry measure(ByteCursor c, int opEnd, int[] sizeOut) {
        int start = c.position();
        int from = c.arrayPosition();
        sizeOut[0] = walk(c, opEnd, false);
        // Up to the window's end, not opEnd: the decoding walk then sees the same bounds.
        byte[] copy = Arrays.copyOfRange(c.array(), from, c.arrayStart() + c.length());
        return SearchEntry.deferred(new Deferred(copy, opEnd - start, limits, bmp), netlogon);
    }

    /** The bytes of one entry, decoded on the first read. */
    private record Deferred(byte[] bytes, int opEnd, LdapLimits limits, boolean bmp) implements SearchEntry.Decoder {
        @Override
        public SearchEntry decode() {
            SearchEntryWalk w = new SearchEntryWalk(limits);
            w.walk(new ByteCursor(bytes, 0, bytes.length), opEnd, true);
            return new SearchEntry(w.dn, w.attributes);
        }

        @Override
        public boolean stream(SearchEntry.Sink sink) throws IOException {
            SearchEntryWalk w = new SearchEntryWalk(limits);
            w.knownBmp = bmp;
            w.walk(new ByteCursor(bytes, 0, bytes.length), opEnd, false, sink);
            return true;
        }
    }
}
