package io.impacketsensor.decoders.dcerpc.ndr;

import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;

/**
 * The path arguments of the calls that make a server open a path as a client, and so authenticate
 * to the host it names (authentication coercion, ATT&amp;CK T1187). Every argument decoded here is the
 * first [in] argument on the wire, or follows only fixed-size ones:
 *
 * <pre>
 * MS-EFSR 3.1.4.2 (c681d488-... over \PIPE\lsarpc, df1941c5-... over \PIPE\efsrpc), handle_t binding:
 *   0 EfsRpcOpenFileRaw, 4 EncryptFileSrv, 5 DecryptFileSrv, 6 QueryUsersOnFile, 7 QueryRecoveryAgents,
 *   8 RemoveUsersFromFile, 9 AddUsersToFile, 12 FileKeyInfo, 13 DuplicateEncryptionInfoFile (SrcFileName),
 *   18 GetEncryptedFileMetadata, 19 SetEncryptedFileMetadata, 21 EncryptFileExSrv, 22 QueryProtectors:
 *       [in, string] wchar_t* FileName                    (a [ref] string: no referent id)
 *   15 AddUsersToFileEx, 16 FileKeyInfoEx:
 *       DWORD dwFlags; [in, unique] EFS_RPC_BLOB* Reserved; [in, string] wchar_t* FileName
 * MS-RPRN:
 *   1 RpcOpenPrinter, 69 RpcOpenPrinterEx:  [in, string, unique] STRING_HANDLE pPrinterName
 *   62 RpcRemoteFindFirstPrinterChangeNotification, 65 ...Ex:
 *       PRINTER_HANDLE hPrinter (20); DWORD fdwFlags; DWORD fdwOptions; [in, string, unique] wchar_t* pszLocalMachine
 * MS-DFSNM 3.1.4.4.1/2: 12 NetrDfsAddStdRoot, 13 NetrDfsRemoveStdRoot: [in, string] WCHAR* ServerName
 * MS-FSRVP 3.1.4.8/9: 8 IsPathSupported, 9 IsPathShadowCopied: handle_t; [in, string] LPWSTR ShareName
 * MS-EVEN 3.1.4.1: 9 ElfrOpenBELW: [in, unique, string] EVENTLOG_HANDLE_W UNCServerName;
 *       [in] PRPC_UNICODE_STRING BackupFileName (a [ref] pointer: the structure inline, its buffer deferred)
 * </pre>
 */
final class CoercionStubs {
    private CoercionStubs() {
    }

    static boolean wants(int iface, int opnum) {
        switch (iface) {
            case RpcInterfaces.EFSRPC_LSA:
            case RpcInterfaces.EFSRPC:
                return efsFileName(opnum) || opnum == 15 || opnum == 16;
            case RpcInterfaces.SPOOLSS:
                return opnum == 1 || opnum == 69 || opnum == 62 || opnum == 65;
            case RpcInterfaces.NETDFS:
                return opnum == 12 || opnum == 13;
            case RpcInterfaces.FSRVP:
                return opnum == 8 || opnum == 9;
            case RpcInterfaces.EVENTLOG:
                return opnum == 9;
            default:
                return false;
        }
    }

    /** EFSRPC operations whose first [in] argument is the [string] FileName. */
    private static boolean efsFileName(int opnum) {
        return (opnum >= 4 && opnum <= 9) || opnum == 0 || opnum == 12 || opnum == 13 || opnum == 18 || opnum == 19
                || opnum == 21 || opnum == 22;
    }

    /** Decodes the path argument of an operation named by {@link #wants}; null when absent or malformed. */
    static RpcArgs request(int iface, int opnum, NdrReader r) {
        switch (iface) {
            case RpcInterfaces.EFSRPC_LSA:
            case RpcInterfaces.EFSRPC:
                if (opnum == 15 || opnum == 16) {
                    r.u32(); // dwFlags / dwFileKeyInfoFlags
                    if (r.pointer() != 0) {
                        blob(r);
                    }
                }
                return ref(r, opnum, opnum == 13 ? "SrcFileName" : "FileName", false);
            case RpcInterfaces.SPOOLSS:
                if (opnum == 1 || opnum == 69) {
                    return unique(r, opnum, "pPrinterName", false);
                }
                r.contextHandle();
                r.u32(); // fdwFlags
                r.u32(); // fdwOptions
                return unique(r, opnum, "pszLocalMachine", true);
            case RpcInterfaces.NETDFS:
                if (!r.varyingString(2)) {
                    return null;
                }
                String server = r.string();
                return new RpcArgs.UncPath(opnum, "ServerName", server, RpcArgs.UncPath.hostOf(trim(server), true), true);
            case RpcInterfaces.FSRVP:
                return ref(r, opnum, "ShareName", false);
            case RpcInterfaces.EVENTLOG:
                r.uniqueWideString(); // UNCServerName: names the server being called (ignored by it)
                if (!r.unicodeString()) {
                    return null;
                }
                String file = trim(r.string());
                return new RpcArgs.UncPath(opnum, "BackupFileName", file, RpcArgs.UncPath.hostOf(file, false), true);
            default:
                return null;
        }
    }

    /** EFS_RPC_BLOB (MS-EFSR 2.2.18): cbData, [size_is(cbData), unique] pbData; the deferred bytes skipped. */
    private static void blob(NdrReader r) {
        long cb = r.u32();
        if (r.pointer() != 0) {
            long max = r.u32();
            if (max != cb || max > r.remaining()) {
                r.fail();
                return;
            }
            r.skip((int) max);
        }
    }

    private static RpcArgs ref(NdrReader r, int opnum, String argument, boolean bareName) {
        if (!r.varyingString(2)) {
            return null;
        }
        String path = trim(r.string());
        return new RpcArgs.UncPath(opnum, argument, path, RpcArgs.UncPath.hostOf(path, bareName), true);
    }

    private static RpcArgs unique(NdrReader r, int opnum, String argument, boolean listener) {
        if (!r.uniqueWideString()) {
            return null;
        }
        String path = trim(r.string());
        return new RpcArgs.UncPath(opnum, argument, path, RpcArgs.UncPath.hostOf(path, false), listener);
    }

    /** NDR [string] arguments carry their terminating NUL (C706 14.3.4). */
    private static String trim(String s) {
        int n = s.length();
        while (n > 0 && s.charAt(n - 1) == 0) {
            n--;
        }
        return n == s.length() ? s : s.substring(0, n);
    }
}
