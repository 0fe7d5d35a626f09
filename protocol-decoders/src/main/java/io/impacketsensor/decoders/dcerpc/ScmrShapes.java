package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.wire.Bytes;

/**
 * The NDR shapes of the two SVCCTL requests that open a service (MS-SCMR 3.1.4.15 ROpenSCManagerW,
 * 3.1.4.56 ROpenSCManager2, 3.1.4.16 ROpenServiceW), read from a cleartext stub whose context no
 * BIND named. {@link OpnumInference} names SVCCTL from a call sequence without RCreateServiceW only
 * when both opening calls have these shapes: opnums 15, 16 and 64 and their stub sizes are common
 * to other interfaces (SAMR, LSARPC, the Task Scheduler), their exact layouts are not.
 *
 * <p>Every check ends where the stub ends (C706 14.2: NDR has no trailing data of its own), so a
 * stub of another operation that happens to start alike does not pass. Static methods over the
 * stub bytes: no allocation.
 */
final class ScmrShapes {
    private ScmrShapes() {
    }

    static final int OPEN_SC_MANAGER_W = 15;
    static final int OPEN_SERVICE_W = 16;
    static final int OPEN_SC_MANAGER_2 = 64;

    /** The access bits an SCM handle may ask (MS-SCMR 2.2.1: SC_MANAGER_*), with the standard and generic rights. */
    private static final long SCM_ACCESS = 0x3FL;
    /** The access bits a service handle may ask (MS-SCMR 2.2.1: SERVICE_*). */
    private static final long SERVICE_ACCESS = 0x1FFL;
    /** DELETE .. WRITE_OWNER, SYNCHRONIZE ([MS-DTYP] 2.4.3 ACCESS_MASK), MAXIMUM_ALLOWED, the four generic rights. */
    private static final long COMMON_ACCESS = 0x001F0000L | 0x02000000L | 0xF0000000L;

    /** True when the cleartext stub of {@code opnum} has the shape of that SVCCTL opening call. */
    static boolean fits(int opnum, byte[] b, int off, int len) {
        return switch (opnum) {
            case OPEN_SC_MANAGER_W -> openScManagerW(b, off, len);
            case OPEN_SC_MANAGER_2 -> openScManager2(b, off, len);
            case OPEN_SERVICE_W -> openServiceW(b, off, len);
            default -> false;
        };
    }

    /** ROpenSCManagerW: [unique, string] lpMachineName, [unique, string] lpDatabaseName, dwDesiredAccess. */
    static boolean openScManagerW(byte[] b, int off, int len) {
        int end = off + len;
        int at = uniqueString(b, off, off, end);
        if (at < 0) {
            return false;
        }
        at = uniqueString(b, off, at, end);
        return at >= 0 && access(b, at, end, SCM_ACCESS);
    }

    /** ROpenSCManager2: [unique, string] DatabaseName, DesiredAccess (the binding handle is implicit). */
    static boolean openScManager2(byte[] b, int off, int len) {
        int end = off + len;
        int at = uniqueString(b, off, off, end);
        return at >= 0 && access(b, at, end, SCM_ACCESS);
    }

    /**
     * ROpenServiceW: hSCManager (a 20-byte context handle, C706 appendix N: attributes 0 and a UUID
     * that is not nil), [string] lpServiceName (a reference pointer: the conformant varying string
     * alone, not empty), dwDesiredAccess.
     */
    static boolean openServiceW(byte[] b, int off, int len) {
        int end = off + len;
        if (len < 20 + 12 + 4 + 4 || Bytes.u32le(b, off) != 0) {
            return false;
        }
        if (Bytes.u32le(b, off + 4) == 0 && Bytes.u32le(b, off + 8) == 0 && Bytes.u32le(b, off + 12) == 0
                && Bytes.u32le(b, off + 16) == 0) {
            return false;
        }
        int at = string(b, off, off + 20, end, 2);
        return at >= 0 && access(b, at, end, SERVICE_ACCESS);
    }

    /** A unique pointer and, when not null, its string: the offset after them (aligned to 4), or -1. */
    private static int uniqueString(byte[] b, int base, int at, int end) {
        if (at + 4 > end) {
            return -1;
        }
        return Bytes.u32le(b, at) == 0 ? at + 4 : string(b, base, at + 4, end, 1);
    }

    /**
     * A conformant varying UTF-16 string (C706 14.3.4.2): maximum count, offset 0, actual count at most
     * the maximum and at least {@code minChars}, the last character NUL ([string], C706 14.3.4.3); the
     * offset after it, padded to 4 from the stub's start {@code base} (C706 14.2.2), or -1.
     */
    private static int string(byte[] b, int base, int at, int end, int minChars) {
        if (at + 12 > end) {
            return -1;
        }
        long max = Bytes.u32le(b, at);
        long actual = Bytes.u32le(b, at + 8);
        if (Bytes.u32le(b, at + 4) != 0 || actual > max || actual < minChars || actual > (end - at - 12) / 2) {
            return -1;
        }
        int last = at + 12 + (int) actual * 2 - 2;
        if (Bytes.u16le(b, last) != 0) {
            return -1;
        }
        int next = at + 12 + (int) actual * 2;
        return base + ((next - base + 3) & ~3);
    }

    /** The access mask, the last four bytes of the stub: not zero, only bits the handle may ask. */
    private static boolean access(byte[] b, int at, int end, long own) {
        if (at + 4 != end) {
            return false;
        }
        long mask = Bytes.u32le(b, at);
        return mask != 0 && (mask & ~(own | COMMON_ACCESS)) == 0;
    }
}
