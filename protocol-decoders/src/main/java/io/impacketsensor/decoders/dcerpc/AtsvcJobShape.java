package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.wire.Bytes;

/**
 * A request of opnum 0 on a pipe whose CREATE and BIND were not captured, read strictly as atsvc
 * NetrJobAdd (MS-TSCH 3.2.5.2.1) so that the one call names ATSVC: no call sequence does (a remote
 * {@code at} is this call and nothing else), and opnum 0 is the first call of many interfaces. The
 * cleartext stub must be, to its last byte, in NDR 2.0 (C706 ch. 14) or in NDR64 (MS-RPCE 2.2.5,
 * which Windows' {@code at.exe} negotiates: 8-byte pointers and counts, 8-aligned):
 * <ul>
 *   <li>ServerName: a unique pointer, null or to a NUL-terminated conformant varying string;</li>
 *   <li>AT_INFO (MS-TSCH 2.3.4): JobTime (a DWORD_PTR) in milliseconds after midnight, below
 *   86,400,000; DaysOfMonth with bit 31 clear (days 1 to 31); DaysOfWeek with bit 7 clear (seven
 *   days); Flags within the defined JOB_* bits (0x1F);</li>
 *   <li>Command: a pointer that is not null, and its deferred conformant varying string (C706
 *   14.3.4.2) with offset 0, actual count at most the maximum, a first character that is not NUL and
 *   a NUL last, followed by nothing but the bytes that align the stub's end.</li>
 * </ul>
 * The other interfaces' opnum-0 requests of the lab and public captures (SAMR's SamrConnect, WINREG's
 * OpenClassesRoot, SVCCTL's RCloseServiceHandle, DRSUAPI's IDL_DRSBind, LSARPC's LsarClose, the
 * endpoint mapper's ept_insert ...) fail one of these; SequenceInferenceTest replays every capture
 * without its BINDs and CREATEs and compares each interface named so with the bound one. Static
 * methods over the stub bytes: no allocation.
 */
final class AtsvcJobShape {
    private AtsvcJobShape() {
    }

    static final int NETR_JOB_ADD = 0;
    /** {@link #of}: the stub is no NetrJobAdd. */
    static final int NONE = 0;
    /** {@link #of}: a NetrJobAdd in NDR 2.0. */
    static final int NDR = 1;
    /** {@link #of}: a NetrJobAdd in NDR64. */
    static final int NDR64 = 2;

    private static final long MS_PER_DAY = 86_400_000L;
    /** JOB_RUN_PERIODICALLY, JOB_EXEC_ERROR, JOB_RUNS_TODAY, JOB_ADD_CURRENT_DATE, JOB_NONINTERACTIVE. */
    private static final int JOB_FLAGS = 0x1F;

    /** Whether {@code b[off, off + len)} is, exactly, a NetrJobAdd request stub, and in which syntax. */
    static int of(byte[] b, int off, int len) {
        if (fits(b, off, len, false)) {
            return NDR;
        }
        return fits(b, off, len, true) ? NDR64 : NONE;
    }

    private static boolean fits(byte[] b, int off, int len, boolean ndr64) {
        int end = off + len;
        int word = ndr64 ? 8 : 4;
        if (len < word) {
            return false;
        }
        int at = off + word;
        if (pointer(b, off, ndr64) != 0) {
            at = string(b, off, at, end, ndr64);
            if (at < 0) {
                return false;
            }
        }
        // JobTime, DaysOfMonth, DaysOfWeek, Flags, alignment, the Command pointer.
        int job = at + (ndr64 ? 8 : 4);
        int ptr = ndr64 ? at + 16 : at + 12;
        if (ptr + word > end || (ndr64 && Bytes.u32le(b, at + 4) != 0)) {
            return false;
        }
        if (Bytes.u32le(b, at) >= MS_PER_DAY || (Bytes.u32le(b, job) & 0x8000_0000L) != 0
                || (b[job + 4] & 0x80) != 0 || (b[job + 5] & ~JOB_FLAGS) != 0 || pointer(b, ptr, ndr64) == 0) {
            return false;
        }
        // The stub ends with the command (and its alignment): nothing of another layout follows.
        return string(b, off, ptr + word, end, ndr64) == end;
    }

    private static long pointer(byte[] b, int at, boolean ndr64) {
        return ndr64 ? Bytes.u32le(b, at) | Bytes.u32le(b, at + 4) : Bytes.u32le(b, at);
    }

    /**
     * A NUL-terminated conformant varying UTF-16 string at {@code at}, not empty: the offset after it,
     * padded to 4 (NDR64: 8) from the stub's start {@code base} (C706 14.2.2) but not past
     * {@code end}, or -1.
     */
    private static int string(byte[] b, int base, int at, int end, boolean ndr64) {
        int word = ndr64 ? 8 : 4;
        if (at + 3 * word > end) {
            return -1;
        }
        if (ndr64 && (Bytes.u32le(b, at + 4) != 0 || Bytes.u32le(b, at + 12) != 0 || Bytes.u32le(b, at + 20) != 0)) {
            return -1;
        }
        long max = Bytes.u32le(b, at);
        long actual = Bytes.u32le(b, at + 2 * word);
        if (Bytes.u32le(b, at + word) != 0 || actual > max || actual < 2 || actual > (end - at - 3 * word) / 2) {
            return -1;
        }
        int first = at + 3 * word;
        int afterChars = first + (int) actual * 2;
        if (Bytes.u16le(b, first) == 0 || Bytes.u16le(b, afterChars - 2) != 0) {
            return -1;
        }
        return Math.min(end, base + ((afterChars - base + word - 1) & -word));
    }
}
