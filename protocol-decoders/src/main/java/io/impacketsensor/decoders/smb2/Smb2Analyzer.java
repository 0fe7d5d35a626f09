package io.impacketsensor.decoders.smb2;

import io.impacketsensor.core.collections.LongObjectMap;
import io.impacketsensor.core.collections.ReusePool;
import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.core.wire.Utf16;
import io.impacketsensor.decoders.token.TokenDecoder;
import io.impacketsensor.decoders.token.TokenSession;
import io.impacketsensor.decoders.ntlmssp.NtlmsspLimits;
import io.impacketsensor.decoders.pipe.PipeConsumer;
import io.impacketsensor.decoders.pipe.PipeConsumerFactory;
import io.impacketsensor.decoders.smb.spi.NbssStream;
import io.impacketsensor.decoders.smb.spi.SmbMessageAnalyzer;
import io.impacketsensor.decoders.text.Utf16Memo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The SMB2/3 messages of one TCP connection, handed over by the SMB analyzer after NBSS framing
 * (with the transform headers and anything without an SMB1 protocol id): headers and compounds,
 * request/response pairing by MessageId (MS-SMB2 3.2.5.1), and what each response means. The
 * sessions, trees and opens it tracks are kept by {@link Smb2Sessions}, named-pipe bytes go to the
 * {@link PipeConsumer}s through {@link Smb2PipeData}, security tokens to the shared
 * {@link TokenSession}. One event per request, emitted when its response arrives (or at close with
 * {@link SensorEvent#NO_STATUS}).
 */
public final class Smb2Analyzer implements SmbMessageAnalyzer {
    /** Anomalies reported per connection; later ones are only counted. */
    public static final int MAX_ANOMALY_EVENTS = 16;
    static final long STATUS_PENDING = 0x0000_0103L;
    static final long STATUS_MORE_PROCESSING = 0xC000_0016L;
    static final int FSCTL_PIPE_TRANSCEIVE = 0x0011_C017;
    private static final long ANY = 0xFFFF_FFFF_FFFF_FFFFL;

    private FlowContext ctx;
    private final Smb2Limits limits;
    private final Smb2Counters counters;
    private final TokenDecoder tokenDecoder;
    private final Smb2Parser p;
    private final Smb2Sessions sessions;
    private final LongObjectMap<Smb2Pending> pending = new LongObjectMap<>();
    private final LongObjectMap<Boolean> encryptedSessions = new LongObjectMap<>();
    private final Smb2Events events;
    private final Smb2PipeData pipeData;
    /** The GPP scan of file READ answers, made at the connection's first such answer. */
    private Smb2GppScan gpp;
    private TokenSession tokens;
    private int anomalyEvents;
    /** Compound chain state (MS-SMB2 3.2.4.1.4): ids inherited by related operations. */
    private long chainSession;
    private int chainTree;
    private Smb2Pending chainCreate;
    /**
     * True once the server side of the connection delivered an SMB2 response. A copy holding only
     * the client's side (an RX-only mirror, asymmetric routing) never answers a CREATE, so waiting
     * for the response that names a FileId would wait forever.
     */
    private boolean answered;
    /** While nothing was answered: the last TREE_CONNECT and how many still wait for a TreeId. */
    private Smb2Pending unansweredConnect;
    private int unlearnedConnects;
    /**
     * The last SESSION_SETUP request on an established SessionId (a later leg of the exchange)
     * still waiting for its response; see {@link #sessionProvedBy}.
     */
    private Smb2Pending openSetup;
    /** Kept per connection: a client has a few requests outstanding, rarely more. */
    private static final int SPARE = 8;
    /** Requests whose event is out and that nothing refers to, for the next requests ({@link #recycle}). */
    private final ReusePool<Smb2Pending> spare = new ReusePool<>(SPARE);

    public Smb2Analyzer(FlowContext ctx, Smb2Limits limits, Smb2Counters counters, TokenDecoder tokenDecoder,
                        PipeConsumerFactory pipes) {
        this.ctx = ctx;
        this.limits = limits;
        this.counters = counters;
        this.tokenDecoder = tokenDecoder;
        this.pipeData = new Smb2PipeData(ctx, pipes == null ? PipeConsumerFactory.NONE : pipes);
        this.p = new Smb2Parser(limits);
        this.sessions = new Smb2Sessions(limits, this::anomaly);
        this.events = new Smb2Events(ctx);
    }

    /** Lost bytes leave nothing to undo: a pipe stream being handed over is told by {@link #onStreamGap}. */
    @Override
    public void onGap(Direction dir) {
    }

    @Override
    public void onClose() {
        if (pending.size() > 0) {
            List<Smb2Pending> left = new ArrayList<>();
            pending.forEach(left::add);
            pending.clear();
            left.sort((a, b) -> Long.compareUnsigned(a.messageId, b.messageId));
            for (Smb2Pending q : left) {
                events.forRequest(q, SensorEvent.NO_STATUS);
            }
            // After every event: a later one may read an earlier CREATE (recycle keeps those).
            for (Smb2Pending q : left) {
                recycle(q);
            }
        }
        sessions.closeAll();
        if (tokens != null) {
            tokens.close();
        }
    }

    /**
     * For a new connection on {@code ctx}, after this one's {@link #onClose} (which emptied the
     * pending requests and the sessions): every field as the constructor leaves it. The parser is
     * rewound by every header it reads; the spare requests are cleared ones ({@link #recycle}).
     */
    public void reuse(FlowContext ctx) {
        this.ctx = ctx;
        pipeData.reuse(ctx);
        events.reuse(ctx);
        pending.clear();
        encryptedSessions.clear();
        sessions.closeAll();
        gpp = null;
        tokens = null;
        anomalyEvents = 0;
        chainSession = 0;
        chainTree = 0;
        chainCreate = null;
        answered = false;
        unansweredConnect = null;
        unlearnedConnects = 0;
        openSetup = null;
    }

    // ---- what the framer asks ------------------------------------------------------------------

    @Override
    public int need(byte[] b, int off, int have, int pduLen) {
        if (have < 4) {
            return pduLen;
        }
        if (Smb2Parser.isSmb(b, off, have, 0xFD)) {
            return 52; // MS-SMB2 2.2.41 TRANSFORM_HEADER; the encrypted message is skipped
        }
        if (Smb2Parser.isSmb(b, off, have, 0xFC)) {
            return 16; // MS-SMB2 2.2.42 COMPRESSION_TRANSFORM_HEADER
        }
        if (!Smb2Parser.isSmb(b, off, have, 0xFE) || have < Smb2Parser.HEADER) {
            return Math.min(pduLen, limits.maxBufferedPdu());
        }
        int command = Bytes.u16le(b, off + 12);
        boolean response = (b[off + 16] & Smb2Parser.FLAG_RESPONSE) != 0;
        boolean chained = (b[off + 20] | b[off + 21] | b[off + 22] | b[off + 23]) != 0;
        if (!chained) {
            // Bulk data follows the fixed part: it is streamed or skipped, never gathered.
            if (command == Smb2Parser.WRITE && !response && smallIpcWrite(b, off, pduLen)) {
                // Whole, so that a WRITE to a pipe not open yet can wait for its FileId (write()).
                return pduLen;
            }
            if (command == Smb2Parser.WRITE && !response) {
                // The fixed part and the first 16 data bytes: enough to tell a DCE/RPC header on a file
                // whose share is unknown (Smb2Pipes); the rest is streamed or skipped.
                return Math.min(pduLen, Smb2Parser.HEADER + 48 + Smb2Pipes.PROBE_BYTES);
            }
            if (command == Smb2Parser.READ && response) {
                return Smb2Parser.HEADER + 16;
            }
            if (command == Smb2Parser.IOCTL) {
                // Gather a whole pipe message up to the pipe limit (its header and fixed part on top).
                return Math.min(pduLen, Math.max(limits.maxBufferedPdu(), limits.maxPipeBuffer() + 256));
            }
        }
        return Math.min(pduLen, limits.maxBufferedPdu());
    }

    /** Always true: a PDU that breaks a rule or a limit was reported and dropped; the connection goes on. */
    @Override
    public boolean onMessage(NbssStream framer, byte[] b, int off, int len, int pduLen) {
        if (Smb2Parser.isSmb(b, off, len, 0xFE)) {
            chain(framer, b, off, len, pduLen);
            return true;
        }
        if (Smb2Parser.isSmb(b, off, len, 0xFD)) {
            counters.encryptedPdus++;
            long sid = len >= 52 ? Bytes.i64le(b, off + 44) : 0;
            encrypted(sid, false);
            return true;
        }
        if (Smb2Parser.isSmb(b, off, len, 0xFC)) {
            counters.encryptedPdus++;
            encrypted(0, true);
            return true;
        }
        malformedHeader("protocol id");
        return true;
    }

    @Override
    public boolean onStream(Direction dir, byte[] b, int off, int len) {
        if (dir == Direction.TO_CLIENT && gpp != null && gpp.streaming()) {
            gpp.onStream(b, off, len);
            return true;
        }
        pipeData.onStream(dir, b, off, len);
        return true;
    }

    @Override
    public void onStreamGap(Direction dir, long len) {
        if (dir == Direction.TO_CLIENT && gpp != null && gpp.streaming()) {
            gpp.onGap(len);
            return;
        }
        pipeData.onStreamGap(dir, len);
    }

    // ---- SMB2 ---------------------------------------------------------------------------------

    private boolean chain(NbssStream framer, byte[] b, int off, int len, int pduLen) {
        chainSession = 0;
        chainTree = 0;
        chainCreate = null;
        int pos = 0;
        for (int depth = 1; ; depth++) {
            if (depth > limits.maxCompoundDepth()) {
                return anomaly(Smb2Anomaly.COMPOUND_TOO_DEEP, "depth " + depth);
            }
            if (p.header(b, off + pos, len - pos) != ParseStatus.OK) {
                // A chain member beyond the gathered bytes (a compound over maxBufferedPdu) is not parsed.
                return len - pos < Smb2Parser.HEADER && pos > 0 || malformedHeader("command " + depth);
            }
            int next = p.nextCommand;
            if (next != 0 && (next < Smb2Parser.HEADER || (next & 7) != 0 || (long) pos + next > pduLen)) {
                return malformedHeader("NextCommand " + Integer.toUnsignedString(next));
            }
            int cmdLen = next != 0 ? next : pduLen - pos;
            p.limitTo(cmdLen);
            if ((p.flags & Smb2Parser.FLAG_RELATED) != 0) {
                if (p.sessionId == ANY) {
                    p.sessionId = chainSession;
                }
                if (p.treeId == -1) {
                    p.treeId = chainTree;
                }
            }
            chainSession = p.sessionId;
            chainTree = p.treeId;
            boolean ok = p.isResponse() ? response(framer, b, off + pos, pos == 0 && next == 0, cmdLen)
                    : request(framer, b, off + pos, pos == 0 && next == 0, cmdLen);
            if (!ok) {
                return false;
            }
            if (next == 0) {
                return true;
            }
            pos += next;
            if (pos >= len) {
                return true;
            }
        }
    }

    private boolean request(NbssStream framer, byte[] b, int off, boolean single, int cmdLen) {
        int cmd = p.command;
        if (cmd == Smb2Parser.CANCEL) {
            return true; // CANCEL has no response of its own (MS-SMB2 3.3.5.16)
        }
        Smb2Pending q = newPending();
        q.command = cmd;
        q.messageId = p.messageId;
        q.sessionId = p.sessionId;
        q.treeId = p.treeId;
        q.tree = sessions.tree(p.sessionId, p.treeId);
        if (q.tree == null && !answered && p.treeId != 0 && cmd != Smb2Parser.TREE_CONNECT) {
            q.tree = treeOfUnansweredConnect(p.sessionId, p.treeId);
        }
        boolean ok = switch (cmd) {
            case Smb2Parser.NEGOTIATE -> negotiateRequest(q);
            case Smb2Parser.SESSION_SETUP -> sessionSetupRequest(q);
            case Smb2Parser.TREE_CONNECT -> {
                boolean r = p.treeConnectRequest();
                q.name = r ? Utf16Memo.decode(Utf16Memo.SMB2_TREE, b, p.bufOff, p.bufLen) : "";
                if (!answered) {
                    unansweredConnect = q;
                    unlearnedConnects++;
                }
                yield r;
            }
            case Smb2Parser.CREATE -> {
                boolean r = p.createRequest();
                if (r) {
                    q.name = Utf16Memo.decode(Utf16Memo.SMB2_CREATE, b, p.bufOff, p.bufLen);
                    q.desiredAccess = p.desiredAccess;
                    q.disposition = p.disposition;
                    q.createOptions = p.createOptions;
                    q.fileAttributes = p.fileAttributes;
                }
                chainCreate = q;
                yield r;
            }
            case Smb2Parser.CLOSE -> p.fileIdAt(24, 8) && file(q);
            case Smb2Parser.READ -> {
                boolean r = p.readRequest() && file(q);
                q.offset = p.offset;
                q.length = p.length;
                yield r;
            }
            case Smb2Parser.WRITE -> p.writeRequest() && file(q) && write(framer, q, b, off, single, cmdLen);
            case Smb2Parser.IOCTL -> ioctlRequest(q, b, off, cmdLen);
            case Smb2Parser.QUERY_DIRECTORY -> {
                boolean r = p.queryDirectoryRequest() && file(q);
                q.name = r ? Utf16Memo.decode(Utf16Memo.SMB2_QUERY_DIRECTORY, b, p.bufOff, p.bufLen) : "";
                q.infoClass = p.infoClass;
                yield r;
            }
            case Smb2Parser.SET_INFO -> {
                boolean r = p.setInfoRequest() && file(q);
                q.infoType = p.infoType;
                q.infoClass = p.infoClass;
                q.deletePending = p.deletePending;
                q.name = r && p.buf2Len > 0 ? Utf16.decode(b, p.buf2Off, p.buf2Len) : null;
                yield r;
            }
            default -> true;
        };
        if (!ok) {
            if (p.overLimit) {
                return anomaly(Smb2Anomaly.TOO_MANY_DIALECTS, "command " + cmd);
            }
            malformedCommand(cmd);
        }
        if (pending.size() >= limits.maxPendingRequests() && pending.get(q.messageId) == null) {
            return anomaly(Smb2Anomaly.TOO_MANY_PENDING, String.valueOf(pending.size()));
        }
        pending.put(q.messageId, q);
        if (cmd == Smb2Parser.SESSION_SETUP && q.sessionId != 0) {
            openSetup = q;
        }
        return true;
    }

    private boolean negotiateRequest(Smb2Pending q) {
        if (!p.negotiateRequest()) {
            return false;
        }
        byte[] b = p.c.array();
        q.dialects = Smb2Parser.boxed(p.dialects, p.dialectCount, Smb2Parser.DIALECTS);
        q.securityMode = p.securityMode;
        q.capabilities = p.capabilities;
        q.guid = Arrays.copyOfRange(b, p.guidOff, p.guidOff + 16);
        q.contextCount = p.contextCount;
        q.hashes = Smb2Parser.boxed(p.hashes, p.hashCount, Smb2Parser.HASHES);
        q.ciphers = Smb2Parser.boxed(p.ciphers, p.cipherCount, Smb2Parser.CIPHERS);
        q.saltLength = p.saltLength;
        q.salt = p.saltOff < 0 ? null : Arrays.copyOfRange(b, p.saltOff, p.saltOff + p.saltLength);
        return true;
    }

    private boolean sessionSetupRequest(Smb2Pending q) {
        if (!p.sessionSetupRequest()) {
            q.mechanism = "none";
            return false;
        }
        q.flags = p.bodyFlags;
        q.securityMode = p.securityMode;
        q.tokenLength = p.bufLen;
        if (p.bufLen > 0) {
            tokens().onToken(Direction.TO_SERVER, p.c.array(), p.bufOff, p.bufLen);
            q.mechanism = tokens.lastMechanism();
            if (!answered && pending.size() > 0) {
                // The server has answered none of the client's requests on this connection, not even
                // the NEGOTIATE and the CHALLENGE that come before an AUTHENTICATE (MS-SMB2 3.2.5.2,
                // MS-NLMP 3.1.5.1): the copy holds only the client's side, and the SESSION_SETUP result
                // the AUTHENTICATE would wait for will not come. It goes out now with its status
                // unknown, in order with what the client does next (on this connection and on others),
                // instead of after all of it when the connection closes. (A copy that begins at this
                // SESSION_SETUP has no earlier request waiting: its answer may still come.)
                tokens.onResult(SensorEvent.NO_STATUS);
            }
        } else {
            q.mechanism = "none";
        }
        return true;
    }

    /**
     * A WRITE on an IPC$ tree small enough to be held: its FileId may belong to a pipe whose CREATE
     * response is still arriving on the other direction (MS-SMB2 2.2.1.2: TreeId at 36, SessionId
     * at 40 of a sync header).
     */
    private boolean smallIpcWrite(byte[] b, int off, int pduLen) {
        if (!pipeData.canHold(pduLen) || (b[off + 16] & Smb2Parser.FLAG_ASYNC) != 0) {
            return false;
        }
        Smb2Session.Tree t = sessions.tree(Bytes.i64le(b, off + 40), (int) (Bytes.i64le(b, off + 32) >>> 32));
        return t != null && t.ipc;
    }

    private boolean write(NbssStream framer, Smb2Pending q, byte[] b, int off, boolean single, int cmdLen) {
        q.offset = p.offset;
        q.length = p.length;
        Smb2Session.FileEntry f = resolve(q);
        if (f == null && p.length > 0 && p.bufOff < p.c.length()) {
            f = latePipe(q, b, off + p.bufOff, Math.min(p.length, p.c.length() - p.bufOff));
        }
        if (f == null && answered && q.fidNamed && q.tree != null && q.tree.ipc && p.length > 0
                && p.bufOff + (long) p.length <= p.c.length() && pipeData.canHold(p.length)) {
            // Kept until the response: by then the CREATE response naming this FileId has been read.
            pipeData.hold(q, b, off + p.bufOff, p.length);
            return true;
        }
        if (f != null && Smb2Pipes.firstPayloadShowsPipe(f, false, b, off + p.bufOff,
                Math.min(p.length, p.c.length() - p.bufOff))) {
            pipeData.open(f, q.sessionId);
        }
        if (f != null && f.consumer != null) {
            pipeData.data(framer, f, b, off, p.bufOff, p.length, single, cmdLen, p.c.length());
        }
        return true;
    }

    private boolean ioctlRequest(Smb2Pending q, byte[] b, int off, int cmdLen) {
        boolean r = p.ioctlRequest();
        q.ctlCode = p.ctlCode;
        q.length = p.length;
        boolean haveFile = file(q);
        Smb2Session.FileEntry f = resolve(q);
        if (f == null && r && p.ctlCode == FSCTL_PIPE_TRANSCEIVE && p.bufLen > 0) {
            f = latePipe(q, b, p.bufOff, p.bufLen);
        }
        if (f != null && r && p.ctlCode == FSCTL_PIPE_TRANSCEIVE
                && Smb2Pipes.firstPayloadShowsPipe(f, true, b, p.bufOff, p.bufLen)) {
            pipeData.open(f, q.sessionId);
        }
        if (f != null && f.consumer != null && p.ctlCode == FSCTL_PIPE_TRANSCEIVE) {
            if (p.length > limits.maxPipeBuffer() || cmdLen > p.c.length()) {
                // The pipe message is not gathered: the pipe's decoder resynchronises after it.
                anomaly(Smb2Anomaly.PIPE_BUFFER_EXCEEDED, "ioctl input " + p.length);
                if (f.consumer != null) {
                    f.consumer.onGap(Direction.TO_SERVER, Math.max(0, p.length));
                }
                return haveFile;
            }
            if (r && p.bufLen > 0) {
                pipeData.deliver(f, Direction.TO_SERVER, b, p.bufOff, p.bufLen);
            }
        } else if (f == null && r && p.ctlCode == FSCTL_PIPE_TRANSCEIVE && q.fidNamed && q.tree != null && q.tree.ipc
                && p.bufLen > 0 && pipeData.canHold(p.bufLen)) {
            // As for WRITE: the transceive input waits for the response, when its FileId is known.
            pipeData.hold(q, b, p.bufOff, p.bufLen);
        }
        // A truncated (non-pipe) IOCTL past maxBufferedPdu is not malformed: only its input is unread.
        return (r || cmdLen > p.c.length()) && haveFile;
    }

    private boolean response(NbssStream framer, byte[] b, int off, boolean single, int cmdLen) {
        answered = true;
        if (p.status == STATUS_PENDING && (p.flags & Smb2Parser.FLAG_ASYNC) != 0) {
            return true; // interim response (MS-SMB2 3.3.4.2): the final one follows
        }
        Smb2Pending q = pending.remove(p.messageId);
        boolean withoutRequest = q == null;
        if (openSetup != null) {
            sessionProvedBy(q);
        }
        if (q != null) {
            lateFile(q);
            if (q.deferred != null) {
                pipeData.release(q, resolve(q));
            }
        } else {
            // Unsolicited (OPLOCK_BREAK), or its request came before the capture or a gap.
            q = newPending();
            q.command = p.command;
            q.messageId = p.messageId;
            q.sessionId = p.sessionId;
            q.treeId = p.treeId;
            q.tree = sessions.tree(p.sessionId, p.treeId);
            q.mechanism = "none";
        }
        long st = p.status;
        boolean err = p.isErrorResponse();
        switch (q.command) {
            case Smb2Parser.NEGOTIATE -> {
                if (!err && !p.negotiateResponse()) {
                    malformedCommand(q.command);
                    err = true;
                }
                events.negotiate(q, err ? null : p, st);
            }
            case Smb2Parser.SESSION_SETUP -> {
                return recycledWhen(sessionSetupResponse(q, err, st), q);
            }
            case Smb2Parser.TREE_CONNECT -> {
                return recycledWhen(treeConnectResponse(q, err, st), q);
            }
            case Smb2Parser.TREE_DISCONNECT -> {
                if (st == 0) {
                    sessions.disconnect(q.sessionId, q.treeId);
                }
                events.command(q, st);
            }
            case Smb2Parser.LOGOFF -> {
                if (st == 0) {
                    sessions.logoff(q.sessionId);
                }
                events.command(q, st);
            }
            case Smb2Parser.CREATE -> {
                return recycledWhen(createResponse(q, err, st), q);
            }
            case Smb2Parser.CLOSE -> {
                Smb2Session.FileEntry f = resolve(q);
                events.close(q, f, st);
                if (st == 0 && f != null) {
                    sessions.close(f);
                }
            }
            case Smb2Parser.READ -> {
                // A window of an earlier answer cut short (gap, end of the PDU) is over by now.
                if (gpp != null) {
                    gpp.end();
                }
                int dataLength = -1;
                if (!err && p.readResponse()) {
                    dataLength = p.length;
                    Smb2Session.FileEntry f = resolve(q);
                    if (f == null && p.length > 0 && p.bufOff < p.c.length()) {
                        f = latePipe(q, b, off + p.bufOff, Math.min(p.length, p.c.length() - p.bufOff));
                    }
                    // A READ response carries no FileId (MS-SMB2 2.2.20). Without its request, data read
                    // on the pipe share is taken as the answer on the pipe opened last there: a client over
                    // SMB writes a call and reads its answer on the pipe it just bound (MS-RPCE 2.1.1.2),
                    // and the copy shows no CLOSE's FileId either, so an older pipe may be closed. The pipe's
                    // consumer checks the first bytes it gets are DCE/RPC.
                    if (f == null && withoutRequest && p.length > 0) {
                        f = pipeData.lastOpened(q.tree);
                        q.file = f;
                    }
                    if (f != null && f.consumer != null) {
                        pipeData.data(framer, f, b, off, p.bufOff, p.length, single, cmdLen, p.c.length());
                    } else if (single && (f == null || !f.pipe) && (q.tree == null || !q.tree.ipc)
                            && p.length >= Smb2GppScan.MIN_BYTES && p.bufOff >= p.c.length() && p.bufOff < cmdLen) {
                        // A file's data: its first bytes pass the GPP scan, which reads on only in an XML document.
                        int end = (int) Math.min((long) p.bufOff + Math.min(p.length, Smb2GppScan.SCAN_BYTES), cmdLen);
                        framer.stream(p.bufOff, end);
                        if (gpp == null) {
                            gpp = new Smb2GppScan(ctx);
                        }
                        gpp.start(end - p.bufOff, q.sessionId, q.treeId, Smb2Events.share(q), Smb2Events.name(q, f),
                                withoutRequest ? -1 : q.offset);
                    }
                }
                events.read(q, resolve(q), dataLength, st);
            }
            case Smb2Parser.IOCTL -> {
                Smb2Session.FileEntry f = resolve(q);
                if (withoutRequest && !err && p.ioctlResponse() && p.ctlCode == FSCTL_PIPE_TRANSCEIVE && q.tree != null) {
                    // The response repeats CtlCode and FileId (MS-SMB2 2.2.32): the pipe is found without the request.
                    q.ctlCode = p.ctlCode;
                    Smb2Session.FileEntry g = q.tree.files.get(p.fidVolatile);
                    f = g != null && g.persistent == p.fidPersistent && g.pipe ? g : null;
                    q.file = f;
                }
                if (!err && f != null && f.consumer != null && q.ctlCode == FSCTL_PIPE_TRANSCEIVE) {
                    boolean parsed = p.ioctlResponse();
                    if (p.buf2Len > limits.maxPipeBuffer() || cmdLen > p.c.length()) {
                        // The pipe message is not gathered: the pipe's decoder resynchronises after it.
                        anomaly(Smb2Anomaly.PIPE_BUFFER_EXCEEDED, "ioctl output " + cmdLen);
                        if (f.consumer != null) {
                            f.consumer.onGap(Direction.TO_CLIENT, Math.max(0, p.buf2Len));
                        }
                    } else if (parsed && p.buf2Len > 0) {
                        pipeData.deliver(f, Direction.TO_CLIENT, b, p.buf2Off, p.buf2Len);
                    }
                }
                events.ioctl(q, f, st);
            }
            default -> events.forOther(q, resolve(q), st);
        }
        recycle(q);
        return true;
    }

    private Smb2Pending newPending() {
        Smb2Pending q = spare.take();
        return q != null ? q : new Smb2Pending();
    }

    /** {@code handled}, after {@code q} is kept for the next requests when it was handled ({@link #recycle}). */
    private boolean recycledWhen(boolean handled, Smb2Pending q) {
        if (handled) {
            recycle(q);
        }
        return handled;
    }

    /**
     * A request whose response was handled: kept for reuse unless something still refers to it —
     * a CREATE that later operations of its compound named (they resolve their open through it,
     * MS-SMB2 3.2.4.1.4; the whole compound request is read before any of its answers) until the
     * last of them is done, the pending SESSION_SETUP or the unanswered TREE_CONNECT, or held pipe
     * data.
     */
    private void recycle(Smb2Pending q) {
        if (q.dependents > 0) {
            q.waiting = true;
            return;
        }
        if (q == chainCreate || q == openSetup || q == unansweredConnect || q.deferred != null) {
            return;
        }
        Smb2Pending create = q.relatedCreate;
        if (spare.size() < SPARE) {
            q.clear();
            spare.give(q);
        }
        if (create != null && --create.dependents == 0 && create.waiting) {
            recycle(create);
        }
    }

    /**
     * A SESSION_SETUP whose response the copy lost is completed as successful by the server's
     * success answer to a later request on that SessionId: the server verifies the session of
     * every request other than NEGOTIATE and SESSION_SETUP and fails it unless the session is
     * established (MS-SMB2 3.3.5.2.9). Without this the held AUTHENTICATE would reach the engine
     * only when the connection closes, after everything done in the session.
     */
    private void sessionProvedBy(Smb2Pending answered) {
        Smb2Pending setup = openSetup;
        if (answered == setup) {
            openSetup = null;
            return;
        }
        if (p.status != 0 || answered == null || answered.command == Smb2Parser.NEGOTIATE
                || answered.command == Smb2Parser.SESSION_SETUP || p.sessionId != setup.sessionId
                || Long.compareUnsigned(p.messageId, setup.messageId) <= 0) {
            return;
        }
        openSetup = null;
        if (pending.get(setup.messageId) != setup) {
            return;
        }
        pending.remove(setup.messageId);
        if (tokens != null) {
            tokens.onResult(0);
        }
        events.sessionSetup(setup, -1, 0);
        sessions.session(setup.sessionId);
    }

    private boolean sessionSetupResponse(Smb2Pending q, boolean err, long st) {
        int sessionFlags = -1;
        if (!err) {
            if (p.sessionSetupResponse()) {
                sessionFlags = p.securityMode;
                if (p.bufLen > 0) {
                    tokens().onToken(Direction.TO_CLIENT, p.c.array(), p.bufOff, p.bufLen);
                }
            } else {
                malformedCommand(q.command);
            }
        }
        q.sessionId = p.sessionId;
        if (st != STATUS_MORE_PROCESSING && tokens != null) {
            tokens.onResult(st);
        }
        events.sessionSetup(q, sessionFlags, st);
        return st != 0 || sessions.session(p.sessionId) != null;
    }

    private boolean treeConnectResponse(Smb2Pending q, boolean err, long st) {
        int shareType = -1;
        if (!err && p.treeConnectResponse()) {
            shareType = p.shareType;
        }
        int treeId = p.treeId;
        events.treeConnect(q, treeId, shareType, st);
        if (st != 0) {
            return true;
        }
        return sessions.connect(q.sessionId, treeId, q.name == null ? "" : q.name, shareType);
    }

    private boolean createResponse(Smb2Pending q, boolean err, long st) {
        boolean parsed = !err && p.createResponse();
        if (!err && !parsed) {
            malformedCommand(q.command);
        }
        if (q.name == null) {
            q.name = "";
        }
        if (st != 0 || !parsed) {
            events.create(q, -1, -1, 0, 0, st);
            return true;
        }
        Smb2Session.FileEntry f = sessions.open(q, p.fidPersistent, p.fidVolatile);
        if (f == null) {
            return false;
        }
        q.opened = f;
        events.create(q, p.createAction, p.endOfFile, p.fidPersistent, p.fidVolatile, st);
        if (f.pipe) {
            pipeData.open(f, q.sessionId);
        }
        return true;
    }

    // ---- transform ---------------------------------------------------------------------------

    private void encrypted(long sessionId, boolean compressed) {
        if (encryptedSessions.get(sessionId) != null || encryptedSessions.size() >= limits.maxSessions()) {
            return;
        }
        encryptedSessions.put(sessionId, Boolean.TRUE);
        events.encrypted(sessionId, compressed);
    }

    // ---- state --------------------------------------------------------------------------------

    private TokenSession tokens() {
        if (tokens == null) {
            tokens = tokenDecoder.newSession(ctx, Carrier.SMB2);
        }
        return tokens;
    }

    /** Looks the request's FileId up in its tree; FileId all-ones is the compound's CREATE. */
    private boolean file(Smb2Pending q) {
        if (p.fidPersistent == ANY && p.fidVolatile == ANY) {
            q.relatedCreate = chainCreate;
            if (chainCreate != null) {
                chainCreate.dependents++;
            }
            return true;
        }
        q.anyFid = true;
        q.lateFidPersistent = p.fidPersistent;
        q.lateFidVolatile = p.fidVolatile;
        if (q.tree != null) {
            Smb2Session.FileEntry f = q.tree.files.get(p.fidVolatile);
            q.file = f != null && f.persistent == p.fidPersistent ? f : null;
            q.fidPersistent = p.fidPersistent;
            q.fidVolatile = p.fidVolatile;
            q.fidNamed = true;
        }
        return true;
    }

    /**
     * A READ, WRITE or transceive on a FileId no captured CREATE opened (the connection was picked up
     * mid-session), whose data {@code b[at, at+n)} is a verified DCE/RPC PDU: the open is a named pipe
     * whose name is unknown, and its bytes go to the DCE/RPC consumer from now on. Not while a CREATE
     * of this connection awaits its response: that response may still name the FileId (the two
     * directions of a mirror port arrive out of step), and the WRITE is held for it instead.
     */
    private Smb2Session.FileEntry latePipe(Smb2Pending q, byte[] b, int at, int n) {
        if (!q.anyFid || (q.fidNamed && q.tree.files.get(q.fidVolatile) != null) || !Smb2Pipes.rpcPdu(b, at, n)
                || createPending()) {
            return null;
        }
        Smb2Session.FileEntry f = sessions.latePipe(q);
        if (f != null) {
            counters.latePipes++;
            pipeData.open(f, q.sessionId);
        }
        return f;
    }

    /**
     * A copy holding only the client's side never shows the TREE_CONNECT response that assigns a
     * TreeId (MS-SMB2 2.2.10). A client uses a TreeId only after that response (MS-SMB2 3.2.5.5),
     * so the first request on an unknown TreeId, while exactly one TREE_CONNECT of its session
     * waits for its TreeId, is on that share. Null otherwise.
     */
    private Smb2Session.Tree treeOfUnansweredConnect(long sessionId, int treeId) {
        Smb2Pending c = unansweredConnect;
        if (unlearnedConnects != 1 || c == null || c.sessionId != sessionId || c.name == null || c.name.isEmpty()) {
            return null;
        }
        unansweredConnect = null;
        unlearnedConnects = 0;
        return sessions.connect(sessionId, treeId, c.name, -1) ? sessions.tree(sessionId, treeId) : null;
    }

    /**
     * True when a CREATE request of this connection has no response yet (never on a connection
     * whose server side is not in the copy: no response will come).
     */
    private boolean createPending() {
        if (!answered) {
            return false;
        }
        boolean[] any = {false};
        pending.forEach(x -> any[0] |= x.command == Smb2Parser.CREATE);
        return any[0];
    }

    /**
     * A request whose FileId was unknown when it was read: the CREATE response that opened it may
     * have completed only afterwards on the other direction (a mirror port or capture queue can
     * deliver the directions slightly out of step), so the file is looked up again.
     */
    private static void lateFile(Smb2Pending q) {
        if (q.file == null && q.fidNamed && q.tree != null) {
            Smb2Session.FileEntry f = q.tree.files.get(q.fidVolatile);
            q.file = f != null && f.persistent == q.fidPersistent ? f : null;
        }
    }

    static Smb2Session.FileEntry resolve(Smb2Pending q) {
        return q.file != null ? q.file : q.relatedCreate != null ? q.relatedCreate.opened : null;
    }

    // ---- events and anomalies ------------------------------------------------------------------

    private boolean malformedHeader(String detail) {
        return anomaly(Smb2Anomaly.MALFORMED_HEADER, detail);
    }

    private void malformedCommand(int command) {
        report(Smb2Anomaly.MALFORMED_COMMAND, "command " + command);
    }

    /**
     * Reports an anomaly; the PDU (or the rest of its compound) is dropped by the caller and the
     * connection goes on: stopping it would let one crafted PDU sent first hide everything after
     * it. Always false.
     */
    private boolean anomaly(Smb2Anomaly a, String detail) {
        report(a, detail);
        return false;
    }

    /**
     * Counts an anomaly and emits it, at most {@link #MAX_ANOMALY_EVENTS} per connection (a peer
     * must not turn malformed PDUs into an event flood); every one is counted.
     */
    private void report(Smb2Anomaly a, String detail) {
        if (countAnomaly()) {
            Smb2Events.anomaly(ctx, a, detail);
        }
    }

    /**
     * Counts one anomaly of this connection (the SMB analyzer's framing errors too); true while
     * its event is still to be emitted, false over {@link #MAX_ANOMALY_EVENTS}.
     */
    public boolean countAnomaly() {
        counters.parserErrors++;
        if (anomalyEvents < MAX_ANOMALY_EVENTS) {
            anomalyEvents++;
            return true;
        }
        return false;
    }
}
