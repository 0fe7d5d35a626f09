package io.impacketsensor.decoders.dcerpc.ndr;

import io.impacketsensor.core.wire.ByteCursor;
import io.impacketsensor.core.wire.Sids;
import io.impacketsensor.decoders.text.Utf16Memo;

import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked NDR 2.0 reader (C706 chapter 14) over one little-endian request or response stub.
 * Alignment is relative to the stub start (C706 14.2.2). Two sticky failures: {@link #malformed()}
 * (a count or length points past the stub, or is inconsistent) and {@link #overLimit()} (a
 * conformant array or string longer than the configured limit); readers check them once per stub.
 *
 * <p>Top-level pointers are followed by their referent immediately; pointers embedded in a
 * structure have their referents after the structure (C706 14.3.12.3). The stub decoders follow
 * that order explicitly.
 */
public final class NdrReader {
    private final ByteCursor c = new ByteCursor();
    /** {@link #inner}'s cursor. */
    private final ByteCursor inner = new ByteCursor();
    private int maxArray;
    private int maxStringChars;
    private boolean overLimit;
    private boolean malformed;

    /** Offset in {@link #array()} and byte length of the last string read. */
    private int strOff;
    private int strBytes;
    /** The last string read had 1-byte characters (an ANSI [string] char*, decoded as Latin-1). */
    private boolean strNarrow;

    /**
     * A cursor over {@code b[off, off+len)}, for an encoding the stub carries whole (an ept_map
     * tower, C706 appendix L): the reader's one such cursor, valid until the next call.
     */
    public ByteCursor inner(byte[] b, int off, int len) {
        return inner.wrap(b, off, len);
    }

    /** Points the reader at a stub; limits from {@code DcerpcLimits}. */
    public NdrReader wrap(byte[] buf, int off, int len, int maxArrayCount, int maxStringChars) {
        c.wrap(buf, off, len);
        this.maxArray = maxArrayCount;
        this.maxStringChars = maxStringChars;
        this.overLimit = false;
        this.malformed = false;
        this.strOff = 0;
        this.strBytes = 0;
        this.strNarrow = false;
        return this;
    }

    /** True while nothing went past the stub and no limit was hit. */
    public boolean ok() {
        return c.ok() && !malformed && !overLimit;
    }

    /** A count, length or offset was past the stub or inconsistent. */
    public boolean malformed() {
        return !c.ok() || malformed;
    }

    /** A conformant array or string exceeded its limit. */
    public boolean overLimit() {
        return overLimit;
    }

    public void fail() {
        malformed = true;
    }

    public byte[] array() {
        return c.array();
    }

    public int position() {
        return c.position();
    }

    public int remaining() {
        return c.remaining();
    }

    /** Absolute offset in {@link #array()} of the stub start. */
    public int stubStart() {
        return c.arrayStart();
    }

    public int length() {
        return c.length();
    }

    public void align(int n) {
        int p = c.position();
        int a = (p + n - 1) & -n;
        if (a != p) {
            c.seek(a);
        }
    }

    /** Moves to a stub position; past the end is a failure ({@link #malformed()}). */
    public void seek(int position) {
        c.seek(position);
    }

    /** Reads a little-endian GUID (MS-DTYP 2.3.4.2) and returns its offset in {@link #array()}; no allocation. */
    public int guid() {
        align(4);
        int off = c.arrayPosition();
        c.skip(16);
        return off;
    }

    public int u8() {
        return c.u8();
    }

    /** NDR short (enums travel as 16 bits, C706 14.2.13). */
    public int u16() {
        align(2);
        return c.u16le();
    }

    public long u32() {
        align(4);
        return c.u32le();
    }

    public int i32() {
        align(4);
        return c.i32le();
    }

    public void skip(int n) {
        c.skip(n);
    }

    /** NDR64 hyper (MS-RPCE 2.2.5.3.4.1), 8-aligned. */
    public long u64() {
        align(8);
        return c.i64le();
    }

    /** An NDR64 pointer's referent id (8 bytes, 8-aligned); 0 means null. */
    public long pointer64() {
        return u64();
    }

    /**
     * An NDR64 conformant varying string: max_count, offset and actual_count as 8-byte values
     * (MS-RPCE 2.2.5.3.4), then the characters; read like {@link #varyingString}.
     */
    public boolean varyingString64(int charSize) {
        long max = u64();
        long offset = u64();
        return characters(max, offset, u64(), charSize);
    }

    /** A pointer's referent id (unique/full pointers); 0 means null. */
    public long pointer() {
        return u32();
    }

    /** Reads {@code n} referent ids (an array of pointers) and returns how many are non-null. */
    public int nonNullPointers(int n) {
        int nonNull = 0;
        for (int i = 0; i < n && c.ok(); i++) {
            if (pointer() != 0) {
                nonNull++;
            }
        }
        return nonNull;
    }

    /** An RPC context handle (20 bytes: attributes + GUID), returned as its offset in {@link #array()}. */
    public int contextHandle() {
        align(4);
        int off = c.arrayPosition();
        c.skip(20);
        return off;
    }

    /** An element count checked against the limit and against the bytes left, for elements of {@code minSize} bytes. */
    public int count(long n, int minSize) {
        if (n > maxArray) {
            overLimit = true;
            return 0;
        }
        if (n * minSize > c.remaining()) {
            malformed = true;
            return 0;
        }
        return (int) n;
    }

    /**
     * A conformant varying string of {@code charSize}-byte characters ([string] wchar_t* or char*):
     * max_count, offset, actual_count, then the characters (C706 14.3.4). The characters are not
     * decoded: {@link #string()} does that when an event needs it.
     *
     * @return true when read within bounds and limits
     */
    public boolean varyingString(int charSize) {
        long max = u32();
        long offset = u32();
        return characters(max, offset, u32(), charSize);
    }

    /** The characters of a conformant varying string whose counts were just read (NDR or NDR64). */
    private boolean characters(long max, long offset, long actual, int charSize) {
        strOff = 0;
        strBytes = 0;
        if (!c.ok()) {
            return false;
        }
        if (actual < 0 || actual > maxStringChars) {
            overLimit = true;
            return false;
        }
        if (offset != 0 || actual > max || actual * charSize > c.remaining()) {
            malformed = true;
            return false;
        }
        strOff = c.arrayPosition();
        strBytes = (int) actual * charSize;
        strNarrow = charSize == 1;
        c.skip(strBytes);
        return true;
    }

    /**
     * An RPC_UNICODE_STRING / RRP_UNICODE_STRING as a top-level parameter (MS-DTYP 2.3.10): Length,
     * MaximumLength, a unique pointer, then the deferred conformant varying wchar array.
     *
     * @return true when present and read; false for a null pointer (check {@link #ok()} for errors)
     */
    public boolean unicodeString() {
        return unicodeBuffer(u16(), u16(), pointer(), false);
    }

    /**
     * An NDR64 RPC_UNICODE_STRING (MS-DTYP 2.3.10) and its deferred buffer: the structure is aligned to 8
     * because it holds a pointer (MS-RPCE 2.2.5.3.4.1), Length and MaximumLength, padding, the 8-byte
     * referent id, then the buffer as an NDR64 conformant varying array; false when null.
     */
    public boolean unicodeString64() {
        align(8);
        return unicodeBuffer(u16(), u16(), pointer64(), true);
    }

    /** The buffer of an RPC_UNICODE_STRING whose Length, MaximumLength and referent id were just read. */
    private boolean unicodeBuffer(int length, int maxLength, long ptr, boolean ndr64) {
        if (!c.ok()) {
            return false;
        }
        if (length > maxLength) {
            malformed = true;
            return false;
        }
        strOff = 0;
        strBytes = 0;
        if (ptr == 0) {
            return false;
        }
        return ndr64 ? varyingString64(2) : varyingString(2);
    }

    /** A [string, unique] wchar_t* parameter: referent id then the string; false when null. */
    public boolean uniqueWideString() {
        return uniqueString(2);
    }

    /** A [string, unique] parameter of {@code charSize}-byte characters (2: wchar_t*, 1: char*); false when null. */
    public boolean uniqueString(int charSize) {
        long ptr = pointer();
        strOff = 0;
        strBytes = 0;
        if (ptr == 0 || !c.ok()) {
            return false;
        }
        return varyingString(charSize);
    }

    /** Offset in {@link #array()} of the last SID read by {@link #sid()}. */
    private int sidOff;

    /**
     * A conformant RPC_SID (MS-DTYP 2.4.2.3): max_count, Revision, SubAuthorityCount,
     * IdentifierAuthority[6], SubAuthority[count]. Returns the last sub-authority (the RID), and
     * remembers the SID for {@link #sidString()}; no allocation.
     */
    public long sid() {
        long max = u32();
        sidOff = c.arrayPosition();
        c.u8();
        int count = c.u8();
        if (!c.ok()) {
            return 0;
        }
        if (count > 15 || count != max) {
            malformed = true;
            return 0;
        }
        c.skip(6);
        long last = 0;
        for (int i = 0; i < count; i++) {
            last = c.u32le();
        }
        return last;
    }

    /** The last SID read by {@link #sid()} as S-1-... text (allocates). */
    public String sidString() {
        // 8 fixed bytes + at most 15 sub-authorities; sid() already checked they lie in the stub.
        return Sids.read(new ByteCursor(c.array(), sidOff, Math.min(8 + 4 * 15, c.array().length - sidOff)));
    }

    /** Decodes the last string read (allocates: only when an event is created). */
    public String string() {
        if (strBytes == 0) {
            return "";
        }
        if (strNarrow) {
            int n = strBytes;
            while (n > 0 && c.array()[strOff + n - 1] == 0) {
                n--; // NDR [string] includes the terminator (C706 14.3.4)
            }
            return new String(c.array(), strOff, n, StandardCharsets.ISO_8859_1);
        }
        return Utf16Memo.decode(Utf16Memo.NDR_STRING, c.array(), strOff, strBytes);
    }

    /** Byte length of the last string read. */
    public int stringBytes() {
        return strBytes;
    }

    /** Like {@link #string()} but null when the last string was absent. */
    public String stringOrNull(boolean present) {
        return present ? string() : null;
    }
}
