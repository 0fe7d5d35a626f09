package io.impacketsensor.decoders.smb;

import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.ParseStatus;

/**
 * The NetBIOS session service header (RFC 1002 4.3.1; MS-SMB2 2.1 Direct TCP uses the same four
 * bytes with type 0): a type byte and a 24-bit big-endian length, and the SMB protocol id that
 * starts a session message. Pure: it reads, it never emits.
 */
final class SmbParser {
    /** RFC 1002 4.3.1 SESSION MESSAGE: the SMB message follows. */
    static final int SESSION_MESSAGE = 0x00;
    /** MS-CIFS 2.2.3.1 ({@code FF 'SMB'}), MS-SMB2 2.2.1 ({@code FE}), 2.2.41 ({@code FD}), 2.2.42 ({@code FC}). */
    static final int SMB1 = 0xFF;
    static final int SMB2 = 0xFE;
    static final int TRANSFORM = 0xFD;
    static final int COMPRESSION = 0xFC;
    /** Longest control message read (a session request carries two 34-byte encoded NetBIOS names). */
    private static final int MAX_CONTROL = 1024;

    /** The header's type. */
    int type;
    /** The header's length: bytes that follow it. */
    int length;

    /**
     * Reads the 4-byte header at {@code b[off]}: OK for a session message or a session
     * request/response/keep-alive (RFC 1002 4.3.2-4.3.7: types 0x81..0x85, short), ERROR for any
     * other type, NEED_MORE under 4 bytes.
     */
    ParseStatus header(byte[] b, int off, int len) {
        if (len < 4) {
            return ParseStatus.NEED_MORE;
        }
        type = b[off] & 0xFF;
        length = Bytes.u24be(b, off + 1);
        if (type == SESSION_MESSAGE || type >= 0x81 && type <= 0x85 && length <= MAX_CONTROL) {
            return ParseStatus.OK;
        }
        return ParseStatus.ERROR;
    }

    /** True for a session message; otherwise a session service control message, skipped. */
    boolean sessionMessage() {
        return type == SESSION_MESSAGE;
    }

    /** True when {@code b[off]} starts with {@code id 'SMB'}. */
    static boolean isSmb(byte[] b, int off, int len, int id) {
        return len >= 4 && (b[off] & 0xFF) == id && b[off + 1] == 'S' && b[off + 2] == 'M' && b[off + 3] == 'B';
    }

    /** True for any of the four SMB protocol ids. */
    static boolean anySmb(byte[] b, int off, int len) {
        if (len < 4) {
            return false;
        }
        int p = b[off] & 0xFF;
        return (p == SMB1 || p == SMB2 || p == TRANSFORM || p == COMPRESSION)
                && b[off + 1] == 'S' && b[off + 2] == 'M' && b[off + 3] == 'B';
    }

    /**
     * First index in {@code b[off, off+len)} of a plausible session message header (length 4 to
     * {@code maxPdu}) followed by an SMB protocol id, or -1: where framing resumes after a gap.
     */
    static int findSync(byte[] b, int off, int len, int maxPdu) {
        for (int i = off, end = off + len - 8; i <= end; i++) {
            if (b[i] != 0 || !anySmb(b, i + 4, 4)) {
                continue;
            }
            int l = Bytes.u24be(b, i + 1);
            if (l <= maxPdu && l >= 4) {
                return i;
            }
        }
        return -1;
    }
}
