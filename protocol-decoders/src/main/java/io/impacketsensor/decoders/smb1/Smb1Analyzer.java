package io.impacketsensor.decoders.smb1;

import io.impacketsensor.core.collections.ReusePool;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.decoders.token.TokenDecoder;
import io.impacketsensor.decoders.token.TokenSession;
import io.impacketsensor.decoders.ntlmssp.NtlmsspLimits;
import io.impacketsensor.decoders.pipe.PipeConsumer;
import io.impacketsensor.decoders.pipe.PipeConsumerFactory;
import io.impacketsensor.decoders.smb.spi.NbssStream;
import io.impacketsensor.decoders.smb.spi.SmbMessageAnalyzer;
import io.impacketsensor.decoders.smb.spi.RpcPdus;
import io.impacketsensor.decoders.text.Utf16Memo;

/**
 * The SMB1 (MS-CIFS, MS-SMB) messages of one TCP connection, handed over by the SMB analyzer after
 * NBSS framing: every {@code FF 'SMB'} message comes here, so a client that starts with an SMB1
 * NEGOTIATE and goes on in SMB2 stays one flow.
 *
 * <p>Requests are paired with responses by PID and MID (MS-CIFS 3.2.5.1), AndX chains (2.2.3.4)
 * are walked command by command, trees and opens are tracked by TID and FID in {@link Smb1Opens},
 * named-pipe data of WRITE_ANDX, READ_ANDX and TRANSACTION goes to the {@link PipeConsumer}
 * (DCE/RPC) through {@link Smb1PipeData}, and logins to
 * {@link Smb1Logon}: security blobs to a {@link TokenSession} of the shared token decoder, the
 * challenge/response of logins without extended security to NTLM events. One event per request, emitted
 * when its response arrives (or at close with {@link SensorEvent#NO_STATUS}).
 */
public final class Smb1Analyzer implements SmbMessageAnalyzer {
    static final long STATUS_MORE_PROCESSING = 0xC000_0016L;

    private FlowContext ctx;
    private final Smb1Limits limits;
    private final Smb1Counters counters;
    private final Smb1Logon logon;
    private final Smb1PipeData pipeData;
    private final Smb1Parser p;
    private final Smb1Events events;
    private final Smb1PendingTable pending;
    private final Smb1Opens opens;
    private boolean usageReported;
    /**
     * The server has answered on this connection. Until it has, no NT_CREATE_ANDX response will name
     * a FID (a copy of the client's side alone), so a FID written to is taken as a pipe by its data.
     */
    private boolean answered;
    /** The message being handled hit an anomaly: the rest of its AndX chain is not read. */
    private boolean messageDropped;
    private int anomalyEvents;
    /** Kept per connection: a client has a few requests outstanding, rarely more. */
    private static final int SPARE = 8;
    /** Requests whose event is out, for the next requests ({@link #recycle}). */
    private final ReusePool<Smb1Pending> spare = new ReusePool<>(SPARE);
    /** Anomalies reported per connection; later ones are only counted. */
    static final int MAX_ANOMALY_EVENTS = 16;

    public Smb1Analyzer(FlowContext ctx, Smb1Limits limits, NtlmsspLimits ntlmLimits, Smb1Counters counters,
                        TokenDecoder tokens, PipeConsumerFactory pipes) {
        this.ctx = ctx;
        this.limits = limits;
        this.counters = counters;
        this.logon = new Smb1Logon(ctx, limits, ntlmLimits, tokens, this);
        this.p = new Smb1Parser(limits.maxDialects());
        this.pending = new Smb1PendingTable(limits.maxRequestsPerMid());
        Smb1Opens.Over over = this::anomaly;
        this.opens = new Smb1Opens(limits, over);
        this.pipeData = new Smb1PipeData(ctx, pipes == null ? PipeConsumerFactory.NONE : pipes, limits, over);
        this.events = new Smb1Events(ctx);
    }

    /**
     * Bytes of an SMB1 message to gather, given at least its first min(pduLen, 64) bytes: the
     * words of a WRITE_ANDX request or READ_ANDX response on a file (the data is skipped by
     * length), the whole message up to {@link Smb1Limits#maxPipeMessage()} on a named pipe, and at
     * most {@link Smb1Limits#maxBufferedMessage()} otherwise.
     */
    @Override
    public int need(byte[] b, int off, int have, int pduLen) {
        if (have < 39) {
            return Math.min(pduLen, limits.maxBufferedMessage());
        }
        int cmd = b[off + 4] & 0xFF;
        boolean reply = (b[off + 9] & Smb1Parser.FLAGS_REPLY) != 0;
        int pipeNeed = Math.min(pduLen, limits.maxPipeMessage() + 128);
        if (cmd == Smb1Parser.WRITE_ANDX && !reply) {
            // Words start at 33; the FID is word byte 4 (MS-CIFS 2.2.4.43.1).
            Smb1Session.FileEntry f = opens.file(Bytes.u16le(b, off + 37));
            if (f != null && f.consumer != null) {
                return pipeNeed;
            }
            // A FID not open yet on IPC$ (TID at header offset 24): the NT_CREATE response that
            // opens it may still be arriving, so a small message is gathered to wait for it.
            // With no answer on the connection, a FID (or TID) never named may be a pipe its data shows
            // (writeRequest): the message is gathered whole to look.
            Smb1Session.Tree t = f == null ? opens.tree(Bytes.u16le(b, off + 24)) : null;
            boolean mayBePipe = t != null ? t.ipc : f == null && !answered;
            return mayBePipe && pipeData.canHold(pduLen) ? pduLen : Math.min(pduLen, 64);
        }
        if (cmd == Smb1Parser.READ_ANDX && reply) {
            Smb1Pending q = pending.find(key(Bytes.u16le(b, off + 12), Bytes.u16le(b, off + 26), Bytes.u16le(b, off + 30)), Smb1Parser.READ_ANDX);
            return q != null && q.file != null && q.file.consumer != null ? pipeNeed : Math.min(pduLen, 64);
        }
        return Math.min(pduLen, limits.maxBufferedMessage());
    }

    /**
     * One SMB1 message ({@code len} of its {@code pduLen} bytes gathered). Always true: a message
     * that breaks a rule or a limit is reported and dropped, and the connection goes on, so one
     * crafted message sent first cannot hide what follows.
     */
    @Override
    public boolean onMessage(NbssStream framing, byte[] b, int off, int len, int pduLen) {
        Direction dir = framing.dir();
        messageDropped = false;
        counters.pdus++;
        if (p.header(b, off, len, pduLen) != ParseStatus.OK) {
            malformed("header, " + len + " bytes");
            return true;
        }
        // Server-to-client requests (a LOCKING_ANDX oplock break, 2.2.4.32) and replies sent to the
        // server carry nothing reported here.
        if (p.reply() != (dir == Direction.TO_CLIENT)) {
            return true;
        }
        if (!usageReported && p.command != Smb1Parser.NEGOTIATE) {
            usageReported = true;
            events.usage(p.command);
        }
        if (p.reply()) {
            answered = true;
            response();
        } else {
            request();
        }
        return true;
    }

    /** Bytes of one direction were lost: pipe streams resynchronise. */
    @Override
    public void onGap(Direction dir) {
        opens.forEachFile(f -> {
            if (f.consumer != null) {
                f.consumer.onGap(dir, 0);
            }
        });
    }

    /**
     * For a new connection on {@code ctx}, after this one's {@link #onClose}: every field as the
     * constructor leaves it. The parser is rewound by every message it reads; the spare requests
     * are cleared ones ({@link #recycle}).
     */
    public void reuse(FlowContext ctx) {
        this.ctx = ctx;
        logon.reuse(ctx);
        pipeData.reuse(ctx);
        events.reuse(ctx);
        pending.clear();
        opens.clear();
        usageReported = false;
        answered = false;
        messageDropped = false;
        anomalyEvents = 0;
    }

    /** The connection ended: requests never answered are reported, pipes closed. */
    @Override
    public void onClose() {
        // Tested first: a for-each over even an empty list makes an iterator under C1, and nearly
        // every connection ends with nothing waiting.
        if (!pending.isEmpty()) {
            for (Smb1Pending q : pending.drain()) {
                // A transaction the server accepted (interim response) whose final answer never came.
                unanswered(q, q.interim ? 0 : SensorEvent.NO_STATUS);
            }
        }
        opens.closeAll();
        logon.close();
    }

    // ---- requests ------------------------------------------------------------------------------

    private boolean request() {
        long key = key(p.pid >>> 16, p.pid & 0xFFFF, p.mid);
        Smb1Pending head = null;
        Smb1Pending tail = null;
        int cmd = p.command;
        int at = Smb1Parser.HEADER;
        for (int depth = 1; ; depth++) {
            if (depth > limits.maxAndxChain()) {
                return anomaly(Smb1Anomaly.ANDX_CHAIN_TOO_LONG, "depth " + depth);
            }
            if (at + 3 > p.available()) {
                break; // a chained command beyond the gathered prefix is not parsed
            }
            if (!p.block(at, cmd)) {
                malformed("command 0x" + Integer.toHexString(cmd));
                break;
            }
            Smb1Pending q = requestCommand(cmd, key);
            if (messageDropped) {
                return false;
            }
            if (q != null) {
                if (head == null) {
                    head = q;
                } else {
                    tail.next = q;
                }
                tail = q;
            }
            int next = p.andxCommand;
            int nextAt = p.andxOffset;
            if (next == Smb1Parser.NO_ANDX || !Smb1Parser.isAndx(cmd)) {
                break;
            }
            // 2.2.3.4: AndXOffset points forward to the next block's WordCount.
            if (nextAt <= at) {
                return anomaly(Smb1Anomaly.ANDX_CHAIN_TOO_LONG, "AndXOffset " + nextAt + " at " + at);
            }
            cmd = next;
            at = nextAt;
        }
        if (head == null) {
            return true;
        }
        return enqueue(key, head);
    }

    /** Adds a request to the pending table, behind the outstanding ones with the same PID/MID. */
    private boolean enqueue(long key, Smb1Pending head) {
        if (pending.size() >= limits.maxPendingRequests()) {
            return anomaly(Smb1Anomaly.TOO_MANY_PENDING, String.valueOf(pending.size()));
        }
        unansweredChain(pending.add(key, head));
        return true;
    }

    /** One command block of a request; returns what awaits the response, or null. */
    private Smb1Pending requestCommand(int cmd, long key) {
        if (cmd == Smb1Parser.NEGOTIATE) {
            negotiate();
            return null;
        }
        if (cmd == Smb1Parser.TRANSACTION2_SECONDARY || cmd == Smb1Parser.NT_TRANSACT_SECONDARY
                || cmd == Smb1Parser.NT_CANCEL) {
            // No response of their own (2.2.4.47, 2.2.4.63, 2.2.4.65): they share their primary's PID/MID.
            return null;
        }
        if (cmd == Smb1Parser.TRANSACTION_SECONDARY) {
            Smb1Pending t = pending.find(key, Smb1Parser.TRANSACTION);
            if (p.transactionSecondary() && t != null && t.file != null && t.file.consumer != null) {
                pipeData(t.file, Direction.TO_SERVER, p.dataAt, p.dataLen);
            }
            return null;
        }
        Smb1Pending q = newPending(cmd, key);
        boolean ok = switch (cmd) {
            case Smb1Parser.SESSION_SETUP_ANDX -> logon.request(p, q);
            case Smb1Parser.TREE_CONNECT_ANDX -> {
                boolean r = p.treeConnectRequest();
                q.name = r ? p.string(p.strAt, p.strLen, p.unicode(), Utf16Memo.SMB1_TREE) : "";
                yield r;
            }
            case Smb1Parser.NT_CREATE_ANDX, Smb1Parser.OPEN_ANDX -> {
                boolean r = cmd == Smb1Parser.NT_CREATE_ANDX ? p.ntCreateRequest() : p.openRequest();
                q.name = r ? p.string(p.strAt, p.strLen, p.unicode(), Utf16Memo.SMB1_FILE) : "";
                q.desiredAccess = p.access;
                q.disposition = p.disposition;
                q.createOptions = p.createOptions;
                q.fileAttributes = p.attributes;
                yield r;
            }
            case Smb1Parser.CLOSE -> {
                boolean r = p.closeRequest();
                q.file = r ? file(q, p.fid) : null;
                yield r;
            }
            case Smb1Parser.READ_ANDX -> {
                boolean r = p.readRequest();
                q.file = r ? file(q, p.fid) : null;
                q.offset = p.offset;
                q.length = p.length;
                yield r;
            }
            case Smb1Parser.WRITE_ANDX -> writeRequest(q);
            case Smb1Parser.TRANSACTION -> transactionRequest(q);
            default -> true;
        };
        if (!ok && !messageDropped) {
            malformed("command 0x" + Integer.toHexString(cmd));
        }
        return q;
    }

    /** The open file {@code fid} of a request; the FID is kept to look it up again at the response. */
    private Smb1Session.FileEntry file(Smb1Pending q, int fid) {
        q.fid = fid;
        q.fidNamed = true;
        return opens.file(fid);
    }

    private void negotiate() {
        if (!p.negotiateRequest()) {
            if (p.overLimit) {
                anomaly(Smb1Anomaly.TOO_MANY_DIALECTS, "more than " + limits.maxDialects());
            } else {
                malformed("negotiate dialects");
            }
            return;
        }
        events.negotiate(p);
    }

    private boolean writeRequest(Smb1Pending q) {
        boolean r = p.writeRequest();
        q.file = r ? file(q, p.fid) : null;
        q.offset = p.offset;
        q.length = p.length;
        int at = p.dataAt;
        int n = p.dataLen;
        // MS-CIFS 2.2.4.43.1 WriteMode: RAW_MODE with MSG_START puts the message length in the
        // first two bytes of the data.
        if ((p.writeMode & 0x000C) == 0x000C && n >= 2) {
            at += 2;
            n -= 2;
        }
        if (r && q.file != null && q.file.consumer != null) {
            pipeData(q.file, Direction.TO_SERVER, at, n);
        } else if (r && q.file == null && !answered && (q.tree == null || q.tree.ipc) && n > 0
                && n <= p.available() - at && RpcPdus.verified(p.array(), p.abs(at), n) && adoptPipe(q)) {
            // A copy of the client's side alone: the NT_CREATE_ANDX response that would name this FID
            // will not come. A write whose data is a verified DCE/RPC PDU (a BIND, or a REQUEST's
            // first fragment) is to a named pipe; it and the FID's later data go to the pipe's decoder,
            // as SMB2 takes up a pipe on an unknown FileId.
            pipeData(q.file, Direction.TO_SERVER, at, n);
        } else if (r && q.file == null && q.tree != null && q.tree.ipc && n > 0 && n <= p.available() - at
                && pipeData.canHold(n)) {
            // Kept until the response: by then the NT_CREATE response naming this FID has been read.
            pipeData.hold(q, p.array(), p.abs(at), n);
        }
        return r;
    }

    private boolean transactionRequest(Smb1Pending q) {
        boolean r = p.transactionRequest();
        q.name = r ? p.string(p.strAt, p.strLen, p.unicode(), Utf16Memo.SMB1_TRANSACTION) : "";
        q.subcommand = p.subcommand;
        q.length = p.totalData;
        q.incomplete = r && p.incomplete;
        q.file = r && p.fid >= 0 ? file(q, p.fid) : null;
        if (r && p.subcommand == Smb1Parser.TRANSACT_NMPIPE && q.file == null && !adoptPipe(q)) {
            return false;
        }
        if (r && p.subcommand == Smb1Parser.TRANSACT_NMPIPE && q.file != null && q.file.consumer != null) {
            pipeData(q.file, Direction.TO_SERVER, p.dataAt, p.dataLen);
        }
        return r;
    }

    // ---- responses -----------------------------------------------------------------------------

    private boolean response() {
        if (p.command == Smb1Parser.NEGOTIATE) {
            // The request was reported (Smb1Negotiate); an SMB2 answer goes to the SMB2 decoder. The
            // response matters for its challenge (logins without extended security).
            if (p.block(Smb1Parser.HEADER, Smb1Parser.NEGOTIATE)) {
                logon.negotiateResponse(p);
                events.negotiateResponse(p);
            } else {
                malformed("negotiate response");
            }
            return !messageDropped;
        }
        long key = key(p.pid >>> 16, p.pid & 0xFFFF, p.mid);
        Smb1Pending q = pending.take(key, p.command);
        int cmd = p.command;
        int at = Smb1Parser.HEADER;
        for (int depth = 1; ; depth++) {
            if (depth > limits.maxAndxChain()) {
                return anomaly(Smb1Anomaly.ANDX_CHAIN_TOO_LONG, "depth " + depth);
            }
            if (at + 3 > p.available() || !p.block(at, cmd)) {
                if (at + 3 <= p.available()) {
                    malformed("response 0x" + Integer.toHexString(cmd));
                }
                break;
            }
            if (q != null && q.command != cmd) {
                unansweredChain(q);
                q = null;
            }
            if (q == null) {
                q = orphan(cmd, key);
            }
            boolean last = p.andxCommand == Smb1Parser.NO_ANDX || p.andxOffset <= at;
            // The header's status belongs to the last command processed; earlier links succeeded (2.2.3.4).
            long st = last ? p.status : 0;
            Smb1Pending rest = q.next;
            if (q.file == null && q.fidNamed) {
                // The NT_CREATE response that opened it may have completed only after the request
                // was read (the directions delivered out of step): look the FID up again.
                q.file = opens.file(q.fid);
            }
            if (q.deferred != null) {
                pipeData.release(q);
            }
            q.requeued = false;
            if (!responseCommand(q, st)) {
                return false;
            }
            if (!q.requeued) {
                recycle(q);
            }
            q = rest;
            if (last) {
                break;
            }
            cmd = p.andxCommand;
            at = p.andxOffset;
        }
        unansweredChain(q);
        return !messageDropped;
    }

    /** A response whose request was not seen (before the capture, or after a gap). */
    private Smb1Pending orphan(int cmd, long key) {
        Smb1Pending q = newPending(cmd, key);
        q.mechanism = "none";
        return q;
    }

    /** The state of one command of the message at hand, with the ids of its header. */
    private Smb1Pending newPending(int cmd, long key) {
        Smb1Pending q = spare.take();
        if (q == null) {
            q = new Smb1Pending();
        }
        q.command = cmd;
        q.key = key;
        q.uid = p.uid;
        q.tid = p.tid;
        q.tree = opens.tree(p.tid);
        return q;
    }

    private boolean responseCommand(Smb1Pending q, long st) {
        // An error response has no words (2.2.4: WordCount 0, ByteCount 0), except the ones with data.
        boolean body = p.wordCount > 0;
        switch (q.command) {
            case Smb1Parser.SESSION_SETUP_ANDX -> {
                return sessionSetupResponse(q, body, st);
            }
            case Smb1Parser.TREE_CONNECT_ANDX -> {
                return treeConnectResponse(q, body, st);
            }
            case Smb1Parser.NT_CREATE_ANDX, Smb1Parser.OPEN_ANDX -> {
                return createResponse(q, body, st);
            }
            case Smb1Parser.CLOSE -> {
                events.close(q, st);
                if (st == 0 && q.file != null) {
                    opens.close(q.file);
                }
            }
            case Smb1Parser.READ_ANDX -> {
                int dataLength = -1;
                if (body && p.readResponse()) {
                    dataLength = p.dataLen;
                    if (q.file != null && q.file.consumer != null) {
                        pipeData(q.file, Direction.TO_CLIENT, p.dataAt, p.dataLen);
                    }
                } else if (body) {
                    malformed("read_andx response");
                }
                events.read(q, dataLength, st);
            }
            case Smb1Parser.WRITE_ANDX -> events.write(q, st);
            case Smb1Parser.TRANSACTION -> {
                return transactionResponse(q, body, st);
            }
            case Smb1Parser.TREE_DISCONNECT -> {
                if (st == 0) {
                    opens.disconnect(q.tid);
                }
                events.command(q, st);
            }
            case Smb1Parser.LOGOFF_ANDX -> {
                if (st == 0) {
                    opens.logoff(q.uid);
                }
                events.command(q, st);
            }
            default -> events.command(q, st);
        }
        return !messageDropped;
    }

    private boolean sessionSetupResponse(Smb1Pending q, boolean body, long st) {
        int sessionFlags = -1;
        if (body) {
            if (p.sessionSetupResponse()) {
                // 2.2.4.53.2 Action bit 0 SMB_SETUP_GUEST: SMB2's SESSION_FLAG_IS_GUEST.
                sessionFlags = p.action & 1;
                q.responseNativeOs = p.nativeOsLen > 0 ? p.string(p.nativeOsAt, p.nativeOsLen, p.unicode(),
                        Utf16Memo.SMB1_SERVER_OS) : null;
                q.responseNativeLm = p.nativeLmLen > 0 ? p.string(p.nativeLmAt, p.nativeLmLen, p.unicode(),
                        Utf16Memo.SMB1_SERVER_LM) : null;
                logon.responseBlob(p);
            } else {
                malformed("session_setup_andx response");
            }
        }
        if (st != STATUS_MORE_PROCESSING) {
            // The NTLM AUTHENTICATE's status is the 32-bit field as sent (a DOS error untagged).
            logon.result(q, st & 0xFFFF_FFFFL);
        }
        q.responseTid = p.tid;
        events.sessionSetup(q, p.uid, sessionFlags, st);
        return st != 0 || opens.login(p.uid);
    }

    private boolean treeConnectResponse(Smb1Pending q, boolean body, long st) {
        int shareType = body ? p.treeConnectService() : -1;
        // The TID is assigned in the response header (2.2.4.55.2).
        int tid = p.tid;
        events.treeConnect(q, tid, shareType, st);
        if (st != 0) {
            return true;
        }
        return opens.connect(tid, q.name == null ? "" : q.name, shareType);
    }

    private boolean createResponse(Smb1Pending q, boolean body, long st) {
        boolean parsed = body && (q.command == Smb1Parser.NT_CREATE_ANDX ? p.ntCreateResponse() : p.openResponse());
        if (body && !parsed) {
            malformed("create response 0x" + Integer.toHexString(q.command));
        }
        if (st != 0 || !parsed) {
            events.create(q, -1, -1, 0, st);
            return true;
        }
        // 2.2.4.64.2 ResourceType: 1 byte-mode, 2 message-mode named pipe.
        Smb1Session.FileEntry f = opens.open(q, p.fid, p.resourceType == 1 || p.resourceType == 2);
        if (f == null) {
            return false;
        }
        q.file = f;
        events.create(q, p.createAction, p.endOfFile, p.fid, st);
        if (f.pipe) {
            pipeData.open(f, pipeName(f.name), q.uid);
        }
        return true;
    }

    private boolean transactionResponse(Smb1Pending q, boolean body, long st) {
        if (!body) {
            if (st == 0 && q.incomplete) {
                // Interim response (3.3.5.57): the request's data continues in TRANSACTION_SECONDARY.
                q.incomplete = false;
                q.interim = true;
                pending.requeue(q);
                return true;
            }
            events.transaction(q, st);
            return true;
        }
        if (!p.transactionResponse()) {
            malformed("transaction response");
            events.transaction(q, st);
            return true;
        }
        if (q.subcommand == Smb1Parser.TRANSACT_NMPIPE && q.file != null && q.file.consumer != null) {
            pipeData(q.file, Direction.TO_CLIENT, p.dataAt, p.dataLen);
        }
        q.dataSeen += p.dataLen;
        if (q.dataSeen < p.totalData && p.dataLen > 0 && q.next == null) {
            // 3.2.5.37: a response larger than the client's buffer comes in several messages.
            pending.requeue(q);
            return true;
        }
        events.transaction(q, st);
        return !messageDropped;
    }

    // ---- pipes and state -----------------------------------------------------------------------

    /**
     * TRANS_TRANSACT_NMPIPE on a FID whose open was not seen (the capture started mid-session): the
     * FID is a named pipe (2.2.5.6), so it is tracked, without a name, and fed to a pipe consumer.
     */
    private boolean adoptPipe(Smb1Pending q) {
        Smb1Session.FileEntry f = opens.adoptPipe(q, p.fid);
        if (f == null) {
            return false;
        }
        pipeData.open(f, "", q.uid);
        q.file = f;
        return true;
    }

    /** Named-pipe data at header offset {@code at}: what was gathered goes to the consumer. */
    private void pipeData(Smb1Session.FileEntry f, Direction dir, int at, int n) {
        pipeData.data(f, dir, p.array(), p.abs(at), p.available() - at, n);
    }

    private void unanswered(Smb1Pending q, long status) {
        if (q.deferred != null) {
            pipeData.release(q);
        }
        events.forRequest(q, status);
    }

    /** Reports {@code q} and the rest of its AndX chain unanswered, and keeps them for reuse. */
    private void unansweredChain(Smb1Pending q) {
        while (q != null) {
            Smb1Pending rest = q.next;
            unanswered(q, SensorEvent.NO_STATUS);
            recycle(q);
            q = rest;
        }
    }

    /**
     * A request whose event is out, out of the pending table: kept for the next requests. Nothing
     * refers to it any more (the events copied its values; the table and chain links are dropped).
     */
    private void recycle(Smb1Pending q) {
        if (spare.size() < SPARE) {
            q.clear();
            spare.give(q);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** MS-CIFS 3.2.5.1: a response is matched to its request by PID (high and low) and MID. */
    private static long key(int pidHigh, int pidLow, int mid) {
        return (long) pidHigh << 32 | (long) pidLow << 16 | mid;
    }

    /** The pipe name without the leading {@code \} or {@code \PIPE\} (as PipeConsumerFactory expects). */
    static String pipeName(String name) {
        int s = 0;
        if (name.startsWith("\\")) {
            s = 1;
        }
        if (name.regionMatches(true, s, "PIPE\\", 0, 5)) {
            s += 5;
        }
        return name.substring(s);
    }

    void malformed(String detail) {
        report(Smb1Anomaly.MALFORMED_MESSAGE, detail);
    }

    /**
     * Reports an anomaly; the caller drops the message (or what is over the limit) and the
     * connection goes on. Always false.
     */
    boolean anomaly(Smb1Anomaly a, String detail) {
        report(a, detail);
        messageDropped = true;
        return false;
    }

    /** Counts an anomaly; at most {@link #MAX_ANOMALY_EVENTS} events per connection. */
    private void report(Smb1Anomaly a, String detail) {
        counters.parserErrors++;
        if (anomalyEvents < MAX_ANOMALY_EVENTS) {
            anomalyEvents++;
            Smb1Events.anomaly(ctx, a, detail);
        }
    }
}
