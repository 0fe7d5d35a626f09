package io.impacketsensor.decoders.smb2;

import io.impacketsensor.core.wire.Bytes;

/**
 * Named pipes on a tree whose TREE_CONNECT was not captured (a capture picked up mid-session): the
 * share is unknown, so IPC$ cannot be read from it. A CREATE there is taken as a pipe when its name
 * is a well-known DCE/RPC pipe, or when the first payload written to it (WRITE, or IOCTL
 * FSCTL_PIPE_TRANSCEIVE, a pipe-only request per MS-FSCC) is a DCE/RPC BIND. No
 * allocation: names are compared in place.
 */
final class Smb2Pipes {
    /**
     * The endpoints of the RPC interfaces the DCE/RPC decoder names (MS-SCMR, MS-TSCH, MS-RRP, MS-SAMR,
     * MS-LSAT, MS-SRVS, MS-WKST, MS-NRPC, MS-RPRN, MS-EVEN, MS-EFSR, MS-RPCE epmapper), as opened.
     */
    private static final String[] RPC_PIPES = {
        "svcctl", "atsvc", "winreg", "samr", "lsarpc", "lsass", "netlogon", "srvsvc", "wkssvc", "spoolss",
        "eventlog", "efsrpc", "epmapper", "ntsvcs", "browser", "protected_storage", "InitShutdown",
    };

    /** C706 12.6.3.1: rpc_vers 5, rpc_vers_minor 0 or 1, PTYPE bind (11). */
    private static final int RPC_VERSION = 5;
    private static final int PTYPE_BIND = 11;
    private static final int COMMON_HEADER = 16;
    /** Payload bytes gathered with a WRITE so that its first PDU header can be looked at. */
    static final int PROBE_BYTES = COMMON_HEADER;

    private Smb2Pipes() {
    }

    /** The pipe name as the DCE/RPC consumer knows it: without a leading {@code \} or {@code PIPE\}. */
    static String pipeName(String name) {
        String n = name.startsWith("\\") ? name.substring(1) : name;
        return n.regionMatches(true, 0, "PIPE\\", 0, 5) ? n.substring(5) : n;
    }

    /** True when the CREATE name (with or without {@code \PIPE\}) is a well-known DCE/RPC pipe. */
    static boolean wellKnownRpcPipe(String name) {
        if (name == null) {
            return false;
        }
        int start = name.startsWith("\\") ? 1 : 0;
        if (name.regionMatches(true, start, "PIPE\\", 0, 5)) {
            start += 5;
        }
        int len = name.length() - start;
        for (String p : RPC_PIPES) {
            if (p.length() == len && name.regionMatches(true, start, p, 0, len)) {
                return true;
            }
        }
        return false;
    }

    /** True when the bytes start with a DCE/RPC connection-oriented BIND header. */
    static boolean dcerpcBind(byte[] b, int at, int n) {
        return n >= COMMON_HEADER && at >= 0 && at <= b.length - COMMON_HEADER && b[at] == RPC_VERSION
                && (b[at + 1] == 0 || b[at + 1] == 1) && b[at + 2] == PTYPE_BIND;
    }

    /** C706 12.6.4: REQUEST 0, RESPONSE 2, FAULT 3, BIND 11 ... ORPHANED 19; the connection-oriented types. */
    private static boolean connectionOriented(int ptype) {
        return ptype == 0 || ptype == 2 || ptype == 3 || ptype >= 11 && ptype <= 19;
    }

    /**
     * True when {@code b[at, at+n)} starts with a DCE/RPC PDU header that can be verified (C706
     * 12.6.3.1): rpc_vers 5 and rpc_vers_minor 0 or 1, a connection-oriented PTYPE, a data
     * representation with known integer and character formats (little- or big-endian, ASCII or
     * EBCDIC) and floating-point format (IEEE, VAX, Cray, IBM), a frag_length that covers the
     * header and the auth_length, and (a client's PDU) a first-fragment flag on a BIND or REQUEST.
     * Used to take an open whose CREATE was not captured as a pipe: a file whose bytes merely start
     * with 05 00 does not pass all of it.
     */
    static boolean rpcPdu(byte[] b, int at, int n) {
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

    /**
     * Looks once at the first payload written to a file of an unknown share: true when it shows the
     * file is a pipe (the caller then opens the pipe consumer). Files of known shares and files already
     * judged are never looked at again.
     */
    static boolean firstPayloadShowsPipe(Smb2Session.FileEntry f, boolean transceive, byte[] b, int at, int n) {
        if (f.pipe || f.probed) {
            return false;
        }
        f.probed = true;
        return f.tree.unknownShare() && (transceive || dcerpcBind(b, at, n));
    }
}
