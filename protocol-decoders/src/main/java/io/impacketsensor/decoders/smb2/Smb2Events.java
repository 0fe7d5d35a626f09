package io.impacketsensor.decoders.smb2;

import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.flow.FlowContext;

import java.util.Arrays;
import java.util.List;

/**
 * Builds the {@link SmbEvent} records of one flow from a request ({@link Smb2Pending}) and the
 * fields of its response. Strings and lists are materialised here, at event time only.
 */
final class Smb2Events {
    private FlowContext ctx;

    Smb2Events(FlowContext ctx) {
        this.ctx = ctx;
    }

    /** For the next connection of a pooled analyzer. */
    void reuse(FlowContext ctx) {
        this.ctx = ctx;
    }

    /** The first TRANSFORM (or compression) header of a session: its content is not inspected. */
    void encrypted(long sessionId, boolean compressed) {
        ctx.emit(new SmbEvent.Smb2Encrypted(ctx.header(), sessionId, compressed));
    }

    /** An anomaly record: the anomaly's event name and a detail naming what was seen. */
    static void anomaly(FlowContext ctx, Smb2Anomaly a, String detail) {
        ctx.emit(new ProtocolAnomaly(ctx.header(), a.eventName(), detail));
    }

    /** NEGOTIATE; {@code r} is the parser holding the response fields, or null when none was parsed. */
    void negotiate(Smb2Pending q, Smb2Parser r, long status) {
        byte[] serverGuid = r == null ? null
                : Arrays.copyOfRange(r.c.array(), r.guidOff, r.guidOff + 16);
        ctx.emit(new SmbEvent.Smb2Negotiate(ctx.header(), orEmpty(q.dialects), r == null ? -1 : r.dialect,
                q.dialects == null ? -1 : q.securityMode, q.dialects == null ? -1 : q.capabilities, q.guid,
                r == null ? -1 : r.securityMode, r == null ? -1 : r.capabilities, serverGuid, q.contextCount,
                orEmpty(q.hashes), q.saltLength, q.salt, orEmpty(q.ciphers), status));
    }

    void sessionSetup(Smb2Pending q, int sessionFlags, long status) {
        ctx.emit(new SmbEvent.SmbSessionSetup(ctx.header(), q.sessionId, q.securityMode, q.flags,
                q.mechanism == null ? "none" : q.mechanism, q.tokenLength, sessionFlags, status));
    }

    void treeConnect(Smb2Pending q, int treeId, int shareType, long status) {
        ctx.emit(new SmbEvent.SmbTreeConnect(ctx.header(), q.sessionId, treeId, q.name == null ? "" : q.name,
                shareType, status));
    }

    void create(Smb2Pending q, int createAction, long endOfFile, long fileIdPersistent, long fileIdVolatile,
                long status) {
        ctx.emit(new SmbEvent.SmbCreate(ctx.header(), q.sessionId, q.treeId, share(q), q.name == null ? "" : q.name,
                q.opened != null ? q.opened.pipe : q.tree != null && q.tree.ipc, q.desiredAccess, q.disposition, q.createOptions, q.fileAttributes,
                createAction, endOfFile, fileIdVolatile, status, SmbEvent.NOT_SMB1, fileIdPersistent));
    }

    void close(Smb2Pending q, Smb2Session.FileEntry f, long status) {
        ctx.emit(new SmbEvent.SmbClose(ctx.header(), q.sessionId, q.treeId, share(q), name(q, f), pipe(q, f), status));
    }

    void read(Smb2Pending q, Smb2Session.FileEntry f, int dataLength, long status) {
        ctx.emit(new SmbEvent.SmbRead(ctx.header(), q.sessionId, q.treeId, share(q), name(q, f), pipe(q, f),
                q.offset, q.length, dataLength, status));
    }

    void ioctl(Smb2Pending q, Smb2Session.FileEntry f, long status) {
        ctx.emit(new SmbEvent.SmbIoctl(ctx.header(), q.sessionId, q.treeId, share(q), name(q, f), q.ctlCode,
                q.length, status));
    }

    /** WRITE, QUERY_DIRECTORY, SET_INFO, and every other command as {@code SmbCommand}. */
    void forOther(Smb2Pending q, Smb2Session.FileEntry f, long status) {
        switch (q.command) {
            case Smb2Parser.WRITE -> ctx.emit(new SmbEvent.SmbWrite(ctx.header(), q.sessionId, q.treeId, share(q),
                    name(q, f), pipe(q, f), q.offset, q.length, status));
            case Smb2Parser.QUERY_DIRECTORY -> ctx.emit(new SmbEvent.Smb2QueryDirectory(ctx.header(), q.sessionId,
                    q.treeId, share(q), name(q, f), q.name == null ? "" : q.name, q.infoClass, status));
            case Smb2Parser.SET_INFO -> ctx.emit(new SmbEvent.Smb2SetInfo(ctx.header(), q.sessionId, q.treeId,
                    share(q), name(q, f), q.infoType, q.infoClass, q.deletePending, q.name, status));
            default -> command(q, status);
        }
    }

    void command(Smb2Pending q, long status) {
        ctx.emit(new SmbEvent.SmbCommand(ctx.header(), q.command, q.sessionId, q.treeId, share(q), status));
    }

    /** The event for a request whose response never came (close) or any request, by command. */
    void forRequest(Smb2Pending q, long status) {
        Smb2Session.FileEntry f = Smb2Analyzer.resolve(q);
        switch (q.command) {
            case Smb2Parser.NEGOTIATE -> negotiate(q, null, status);
            case Smb2Parser.SESSION_SETUP -> sessionSetup(q, -1, status);
            case Smb2Parser.TREE_CONNECT -> treeConnect(q, q.treeId, -1, status);
            case Smb2Parser.CREATE -> create(q, -1, -1, 0, 0, status);
            case Smb2Parser.CLOSE -> close(q, f, status);
            case Smb2Parser.READ -> read(q, f, -1, status);
            case Smb2Parser.IOCTL -> ioctl(q, f, status);
            default -> forOther(q, f, status);
        }
    }

    static String share(Smb2Pending q) {
        return q.tree == null ? "" : q.tree.path;
    }

    static String name(Smb2Pending q, Smb2Session.FileEntry f) {
        if (f != null) {
            return f.name;
        }
        return q.relatedCreate != null && q.relatedCreate.name != null ? q.relatedCreate.name : "";
    }

    private static boolean pipe(Smb2Pending q, Smb2Session.FileEntry f) {
        return f != null ? f.pipe : q.tree != null && q.tree.ipc;
    }

    private static List<Integer> orEmpty(List<Integer> l) {
        return l == null ? List.of() : l;
    }
}
