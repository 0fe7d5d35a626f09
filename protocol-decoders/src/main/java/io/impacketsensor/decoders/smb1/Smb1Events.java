package io.impacketsensor.decoders.smb1;

import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.flow.FlowContext;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds the {@link SmbEvent} records of SMB1 operations: the same records as their SMB2
 * counterparts, with the SMB1 command in {@code smb1Command}, so detection treats both alike.
 */
final class Smb1Events {
    /** MS-SMB2 2.2.31 FSCTL_PIPE_TRANSCEIVE: TRANS_TRANSACT_NMPIPE's SMB2 equivalent (MS-SMB2 3.2.4.20.6). */
    static final int FSCTL_PIPE_TRANSCEIVE = 0x0011_C017;

    private FlowContext ctx;

    Smb1Events(FlowContext ctx) {
        this.ctx = ctx;
    }

    /** For the next connection of a pooled analyzer. */
    void reuse(FlowContext ctx) {
        this.ctx = ctx;
    }

    /** The first command other than NEGOTIATE on a connection: SMB1 is in use. */
    void usage(int command) {
        ctx.emit(new SmbEvent.Smb1Usage(ctx.header(), command));
    }

    /**
     * The last dialect list made, shared by the workers (an immutable list of Strings): a client
     * offers the same dialects on every connection.
     */
    private static volatile List<String> lastDialects;

    /** A NEGOTIATE request: its dialect strings (MS-CIFS 2.2.4.52.1, OEM). */
    void negotiate(Smb1Parser p) {
        List<String> last = lastDialects;
        if (last == null || !sameDialects(last, p)) {
            String[] d = new String[p.dialectCount];
            for (int i = 0; i < d.length; i++) {
                d[i] = new String(p.array(), p.dialects[i], p.dialectLens[i], StandardCharsets.ISO_8859_1);
            }
            last = List.of(d);
            lastDialects = last;
        }
        ctx.emit(new SmbEvent.Smb1Negotiate(ctx.header(), last));
    }

    /** True when {@code l} holds the request's dialect strings, character for byte (Latin-1). */
    private static boolean sameDialects(List<String> l, Smb1Parser p) {
        if (l.size() != p.dialectCount) {
            return false;
        }
        byte[] b = p.array();
        for (int i = 0; i < l.size(); i++) {
            String s = l.get(i);
            int at = p.dialects[i];
            int n = p.dialectLens[i];
            if (s.length() != n) {
                return false;
            }
            for (int k = 0; k < n; k++) {
                if (s.charAt(k) != (b[at + k] & 0xFF)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A NEGOTIATE response (parsed by {@code p.block}, and by {@code negotiateResponse} when it has words). */
    void negotiateResponse(Smb1Parser p) {
        byte[] guid = null;
        if (p.wordCount == 17 && p.serverGuidAt >= 0) {
            guid = java.util.Arrays.copyOfRange(p.array(), p.abs(p.serverGuidAt), p.abs(p.serverGuidAt) + 16);
        }
        ctx.emit(new SmbEvent.Smb1NegotiateResponse(ctx.header(), p.dialectIndex(), guid, p.status));
    }

    /** An anomaly record: the anomaly's event name and a detail naming what was seen. */
    static void anomaly(FlowContext ctx, Smb1Anomaly a, String detail) {
        ctx.emit(new ProtocolAnomaly(ctx.header(), a.eventName(), detail));
    }

    void sessionSetup(Smb1Pending q, int uid, int sessionFlags, long status) {
        ctx.emit(new SmbEvent.SmbSessionSetup(ctx.header(), uid, q.securityMode, 0,
                q.mechanism == null ? "none" : q.mechanism, q.tokenLength, sessionFlags, status, q.command,
                q.responseTid >= 0 ? q.responseTid : q.tid, q.nativeOs, q.nativeLm, q.responseNativeOs,
                q.responseNativeLm));
    }

    void treeConnect(Smb1Pending q, int tid, int shareType, long status) {
        ctx.emit(new SmbEvent.SmbTreeConnect(ctx.header(), q.uid, tid, q.name == null ? "" : q.name, shareType,
                status, q.command));
    }

    void create(Smb1Pending q, int createAction, long endOfFile, int fid, long status) {
        ctx.emit(new SmbEvent.SmbCreate(ctx.header(), q.uid, q.tid, share(q), q.name == null ? "" : q.name,
                pipe(q), q.desiredAccess, q.disposition, q.createOptions, q.fileAttributes,
                createAction, endOfFile, fid, status, q.command));
    }

    void close(Smb1Pending q, long status) {
        ctx.emit(new SmbEvent.SmbClose(ctx.header(), q.uid, q.tid, share(q), name(q), pipe(q), status, q.command));
    }

    void read(Smb1Pending q, int dataLength, long status) {
        ctx.emit(new SmbEvent.SmbRead(ctx.header(), q.uid, q.tid, share(q), name(q), pipe(q), q.offset, q.length,
                dataLength, status, q.command));
    }

    void write(Smb1Pending q, long status) {
        ctx.emit(new SmbEvent.SmbWrite(ctx.header(), q.uid, q.tid, share(q), name(q), pipe(q), q.offset, q.length,
                status, q.command));
    }

    /** TRANSACTION: TransactNmPipe as the SMB2 pipe transceive IOCTL, every other subcommand as a command. */
    void transaction(Smb1Pending q, long status) {
        if (q.subcommand == Smb1Parser.TRANSACT_NMPIPE) {
            ctx.emit(new SmbEvent.SmbIoctl(ctx.header(), q.uid, q.tid, share(q), name(q), FSCTL_PIPE_TRANSCEIVE,
                    q.length, status, q.command));
        } else {
            command(q, status);
        }
    }

    void command(Smb1Pending q, long status) {
        ctx.emit(new SmbEvent.SmbCommand(ctx.header(), smb2Equivalent(q.command), q.uid, q.tid, share(q), status,
                q.command));
    }

    /** The event for a request with no (or no matching) response. */
    void forRequest(Smb1Pending q, long status) {
        switch (q.command) {
            case Smb1Parser.SESSION_SETUP_ANDX -> sessionSetup(q, q.uid, -1, status);
            case Smb1Parser.TREE_CONNECT_ANDX -> treeConnect(q, 0, -1, status);
            case Smb1Parser.NT_CREATE_ANDX, Smb1Parser.OPEN_ANDX -> create(q, -1, -1, 0, status);
            case Smb1Parser.CLOSE -> close(q, status);
            case Smb1Parser.READ_ANDX -> read(q, -1, status);
            case Smb1Parser.WRITE_ANDX -> write(q, status);
            case Smb1Parser.TRANSACTION -> transaction(q, status);
            default -> command(q, status);
        }
    }

    /** MS-SMB2 2.2.1 command codes of the SMB1 commands that have one; -1 otherwise. */
    static int smb2Equivalent(int smb1Command) {
        return switch (smb1Command) {
            case Smb1Parser.NEGOTIATE -> 0;
            case Smb1Parser.SESSION_SETUP_ANDX -> 1;
            case Smb1Parser.LOGOFF_ANDX -> 2;
            case Smb1Parser.TREE_CONNECT_ANDX -> 3;
            case Smb1Parser.TREE_DISCONNECT -> 4;
            case Smb1Parser.NT_CREATE_ANDX, Smb1Parser.OPEN_ANDX -> 5;
            case Smb1Parser.CLOSE -> 6;
            case 0x05 -> 7;  // FLUSH
            case Smb1Parser.READ_ANDX -> 8;
            case Smb1Parser.WRITE_ANDX -> 9;
            case Smb1Parser.LOCKING_ANDX -> 10;
            case 0xA4 -> 12; // NT_CANCEL
            case Smb1Parser.ECHO -> 13;
            default -> -1;
        };
    }

    private static String share(Smb1Pending q) {
        return q.tree == null ? "" : q.tree.path;
    }

    private static String name(Smb1Pending q) {
        return q.file != null ? q.file.name : "";
    }

    private static boolean pipe(Smb1Pending q) {
        return q.file != null ? q.file.pipe : q.tree != null && q.tree.ipc;
    }
}
