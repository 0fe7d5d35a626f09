package io.impacketsensor.decoders.dcerpc.ndr;

import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.wire.ByteCursor;
import io.impacketsensor.core.wire.Guids;

import java.util.UUID;

/**
 * Little-endian GUIDs (MS-DTYP 2.3.4.2) read as shared {@link UUID} values where one exists: the
 * interface UUIDs of {@link RpcInterfaces} (bound, mapped at the endpoint mapper, asked for in
 * DCOM QueryInterface and activation) and the caller's last value (a DCOM connection names the
 * same IPID request after request). A UUID is immutable, so events may share it; anything else is
 * a new UUID, as {@link Guids#fromLittleEndian} makes.
 */
public final class KnownGuids {
    /** The known UUIDs by a hash of their bits, open addressing (null: an empty slot). */
    private static final UUID[] SLOTS = new UUID[Integer.highestOneBit(RpcInterfaces.count() * 4)];

    static {
        for (int i = 0; i < RpcInterfaces.count(); i++) {
            UUID u = RpcInterfaces.uuid(i);
            int h = slot(u.getMostSignificantBits(), u.getLeastSignificantBits());
            while (SLOTS[h] != null && !SLOTS[h].equals(u)) {
                h = (h + 1) & (SLOTS.length - 1);
            }
            SLOTS[h] = u;
        }
    }

    private KnownGuids() {
    }

    private static int slot(long msb, long lsb) {
        long x = msb ^ lsb;
        return (int) ((x ^ (x >>> 32)) * 0x9E3779B9L >>> 16) & (SLOTS.length - 1);
    }

    /** {@link Guids#fromLittleEndian}, a known interface's UUID shared. */
    public static UUID fromLittleEndian(byte[] b, int off) {
        if (off < 0 || off > b.length - 16) {
            return Guids.fromLittleEndian(b, off);
        }
        return littleEndian(b, off, null);
    }

    /** {@link Guids#read}, a known interface's UUID shared. */
    public static UUID read(ByteCursor c) {
        return read(c, null);
    }

    /** {@link Guids#read}: {@code last} when the GUID is that one, else as {@link #read(ByteCursor)}. */
    public static UUID read(ByteCursor c, UUID last) {
        if (!c.has(16)) {
            return Guids.read(c);
        }
        UUID u = littleEndian(c.array(), c.arrayPosition(), last);
        c.skip(16);
        return u;
    }

    /**
     * The GUID at {@code b[off, off+16)} (the caller has checked the 16 bytes are there): {@code last}
     * when it is that GUID, else the known interface's shared UUID, else a new one.
     */
    public static UUID littleEndian(byte[] b, int off, UUID last) {
        long msb = Guids.msbLittleEndian(b, off);
        long lsb = Guids.lsbLittleEndian(b, off);
        if (last != null && last.getMostSignificantBits() == msb && last.getLeastSignificantBits() == lsb) {
            return last;
        }
        for (int h = slot(msb, lsb); SLOTS[h] != null; h = (h + 1) & (SLOTS.length - 1)) {
            UUID u = SLOTS[h];
            if (u.getMostSignificantBits() == msb && u.getLeastSignificantBits() == lsb) {
                return u;
            }
        }
        return new UUID(msb, lsb);
    }
}
