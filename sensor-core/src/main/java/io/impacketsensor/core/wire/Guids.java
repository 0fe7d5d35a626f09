package io.impacketsensor.core.wire;

import java.util.UUID;

/**
 * GUIDs in the Microsoft little-endian layout (MS-DTYP 2.3.4.2): Data1 (4 bytes LE), Data2 (2 LE),
 * Data3 (2 LE), Data4 (8 bytes as they are). This is how SMB2 ClientGuid and DCE/RPC interface
 * UUIDs (with NDR little-endian data representation) travel.
 */
public final class Guids {
    private Guids() {
    }

    /** Reads 16 bytes at {@code off} as a little-endian GUID. */
    public static UUID fromLittleEndian(byte[] b, int off) {
        if (off < 0 || off > b.length - 16) {
            return new UUID(0, 0);
        }
        return new UUID(msbLittleEndian(b, off), lsbLittleEndian(b, off));
    }

    /**
     * The UUID's most significant bits of the little-endian GUID at {@code off} (Data1, Data2 and
     * Data3 as numbers); the caller has checked the 16 bytes are there.
     */
    public static long msbLittleEndian(byte[] b, int off) {
        return Bytes.u32le(b, off) << 32 | (long) Bytes.u16le(b, off + 4) << 16 | Bytes.u16le(b, off + 6);
    }

    /** The UUID's least significant bits of the little-endian GUID at {@code off} (Data4, as it travels). */
    public static long lsbLittleEndian(byte[] b, int off) {
        return Bytes.i64be(b, off + 8);
    }

    /** Reads a little-endian GUID at the cursor and advances 16 bytes. */
    public static UUID read(ByteCursor c) {
        if (!c.has(16)) {
            c.skip(16);
            return new UUID(0, 0);
        }
        UUID u = fromLittleEndian(c.array(), c.arrayPosition());
        c.skip(16);
        return u;
    }

    /** Compares 16 little-endian GUID bytes with a UUID without allocating. */
    public static boolean equalsLittleEndian(byte[] b, int off, UUID u) {
        if (off < 0 || off > b.length - 16) {
            return false;
        }
        return msbLittleEndian(b, off) == u.getMostSignificantBits()
                && lsbLittleEndian(b, off) == u.getLeastSignificantBits();
    }
}
