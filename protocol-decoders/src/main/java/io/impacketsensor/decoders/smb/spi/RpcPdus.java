package io.impacketsensor.decoders.smb.spi;

import io.impacketsensor.core.wire.Bytes;

/**
 * The check both SMB versions make before taking a file whose open was not captured as a named
 * pipe: its data starts with a DCE/RPC PDU header that can be verified. No allocation.
 */
public final class RpcPdus {
    /** C706 12.6.3.1: rpc_vers 5, PTYPE bind (11), the 16-byte common header. */
    private static final int RPC_VERSION = 5;
    private static final int PTYPE_BIND = 11;
    private static final int COMMON_HEADER = 16;

    private RpcPdus() {
    }

    /**
     * True when {@code b[at, at+n)} starts with a DCE/RPC PDU header that can be verified (C706
     * 12.6.3.1): rpc_vers 5 and rpc_vers_minor 0 or 1, a connection-oriented PTYPE, a data
     * representation with known integer and character formats (little- or big-endian, ASCII or
     * EBCDIC) and floating-point format (IEEE, VAX, Cray, IBM), a frag_length that covers the
     * header and the auth_length, and (a client's PDU) a first-fragment flag on a BIND or REQUEST.
     * A file whose bytes merely start with 05 00 does not pass all of it.
     */
    public static boolean verified(byte[] b, int at, int n) {
        if (n < COMMON_HEADER || at < 0 || at > b.length - COMMON_HEADER) {
            return false;
        }
        int ptype = b[at + 2] & 0xFF;
        if (b[at] != RPC_VERSION || (b[at + 1] & 0xFF) > 1 || !connectionOriented(ptype)
                || (b[at + 4] & 0xEE) != 0 || (b[at + 5] & 0xFF) > 3 || b[at + 6] != 0 || b[at + 7] != 0) {
            return false;
        }
        boolean le = (b[at + 4] & 0x10) != 0;
        int fragLength = Bytes.u16(b, at + 8, le);
        int authLength = Bytes.u16(b, at + 10, le);
        boolean firstFrag = (b[at + 3] & 0x01) != 0;
        return fragLength >= COMMON_HEADER + 8 && authLength <= fragLength - COMMON_HEADER
                && (firstFrag || ptype != 0 && ptype != PTYPE_BIND);
    }

    /** C706 12.6.4: REQUEST 0, RESPONSE 2, FAULT 3, BIND 11 ... ORPHANED 19; the connection-oriented types. */
    private static boolean connectionOriented(int ptype) {
        return ptype == 0 || ptype == 2 || ptype == 3 || ptype >= 11 && ptype <= 19;
    }
}
