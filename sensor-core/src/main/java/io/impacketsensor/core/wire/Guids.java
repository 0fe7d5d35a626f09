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
        long d1 = (b[off] & 0xFFL) | (b[off + 1] & 0xFFL) << 8 | (b[off + 2] & 0xFFL) << 16 | (b[off + 3] & 0xFFL) << 24;
        long d2 = (b[off + 4] & 0xFFL) | (b[off + 5] & 0xFFL) << 8;
        long d3 = (b[off + 6] & 0xFFL) | (b[off + 7] & 0xFFL) << 8;
        long msb = d1 << 32 | d2 << 16 | d3;
        long lsb = 0;
        for (int i = 8; i < 16; i++) {
            lsb = lsb << 8 | (b[off + i] & 0xFFL);
        }
        return new UUID(msb, lsb);
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
        long msb = u.getMostSignificantBits();
        long lsb = u.getLeastSignificantBits();
        long d1 = (b[off] & 0xFFL) | (b[off + 1] & 0xFFL) << 8 | (b[off + 2] & 0xFFL) << 16 | (b[off + 3] & 0xFFL) << 24;
        long d2 = (b[off + 4] & 0xFFL) | (b[off + 5] & 0xFFL) << 8;
        long d3 = (b[off + 6] & 0xFFL) | (b[off + 7] & 0xFFL) << 8;
        if ((d1 << 32 | d2 << 16 | d3) != msb) {
            return false;
        }
        long l = 0;
        for (int i = 8; i < 16; i++) {
            l = l << 8 | (b[off + i] & 0xFFL);
        }
        return l == lsb;
    }
}
