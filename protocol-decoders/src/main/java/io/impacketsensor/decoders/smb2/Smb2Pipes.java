package io.impacketsensor.decoders.smb2;

import io.impacketsensor.decoders.smb.spi.RpcPdus;

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

    /** A verified DCE/RPC PDU header at {@code b[at]} ({@link RpcPdus#verified}). */
    static boolean rpcPdu(byte[] b, int at, int n) {
        return RpcPdus.verified(b, at, n);
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
