package io.impacketsensor.core.wire;

/** Security identifiers (MS-DTYP 2.4.2.2) rendered as S-1-5-21-... text. */
public final class Sids {
    private Sids() {
    }

    /**
     * Formats a binary SID at the cursor (revision, sub-authority count, 6-byte big-endian
     * authority, count x 32-bit little-endian sub-authorities) and advances past it. A count over
     * 15 (the MS-DTYP maximum) sets the cursor's error flag.
     */
    public static String read(ByteCursor c) {
        int revision = c.u8();
        int count = c.u8();
        if (count > 15) {
            c.fail();
            return "";
        }
        long authority = 0;
        for (int i = 0; i < 6; i++) {
            authority = authority << 8 | c.u8();
        }
        StringBuilder sb = new StringBuilder(16 + count * 11);
        sb.append("S-").append(revision).append('-').append(authority);
        for (int i = 0; i < count; i++) {
            sb.append('-').append(c.u32le());
        }
        return c.ok() ? sb.toString() : "";
    }
}
