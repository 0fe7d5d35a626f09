package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.DcerpcEvent.Context;
import io.impacketsensor.core.event.DcerpcEvent.InterfaceSource;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.flow.PduBuffer;
import io.impacketsensor.core.wire.ByteCursor;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.core.wire.ProbeResult;
import io.impacketsensor.decoders.dcerpc.dcom.DcomObjects;
import io.impacketsensor.decoders.dcerpc.dcom.DcomTracker;
import io.impacketsensor.decoders.dcerpc.ndr.HandleNames;
import io.impacketsensor.decoders.dcerpc.ndr.NdrReader;
import io.impacketsensor.decoders.dcerpc.ndr.StubDecoders;
import io.impacketsensor.decoders.token.TokenDecoder;
import io.impacketsensor.decoders.token.TokenSession;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * One DCE/RPC association: a TCP connection or one SMB2 named pipe. Frames PDUs per direction
 * (whole PDUs are parsed in place; only a PDU split across deliveries is copied), keeps the
 * presentation-context table and the call-id map, reassembles fragments, hands auth values to the
 * shared token decoder and emits {@link DcerpcEvent}s. Malformed input or a limit breach emits a
 * {@link ProtocolAnomaly}; the malformed PDU is dropped and, when its header cannot be trusted,
 * that direction resynchronises at the next verifiable PDU header. The association is never
 * given up: an attacker who sends one crafted fragment first must not run the rest unseen.
 */
public final class DcerpcAnalyzer implements FlowAnalyzer {
    /** Malformed-PDU anomalies reported per association; later ones are only counted. */
    static final int MAX_ANOMALY_EVENTS = 16;
    private FlowContext ctx;
    private String namedPipe;
    private final DcerpcLimits limits;
    private final DcerpcCounters counters;
    private final TokenDecoder tokens;
    /** Contexts nothing names yet: their calls, for {@link OpnumInference}; made when first needed. */
    private OpnumInference inference;
    private static final java.util.UUID ATSVC = RpcInterfaces.uuid(RpcInterfaces.ATSVC);
    /** The pipe atsvc listens on (MS-TSCH 2.1.1), as the SMB analyzers name it. */
    private static final String ATSVC_PIPE = "atsvc";
    private TokenSession session;
    private boolean authAwaitingResult;

    private final DcerpcParser p = new DcerpcParser();
    /** The worker's recent BIND contexts (the pool's), or this analyzer's own without a pool. */
    private final BindContexts binds;
    private final ByteCursor cur = new ByteCursor();
    private final NdrReader ndr = new NdrReader();
    /** The association's tables ({@link AssociationTables}); given back to the pool at close. */
    private AssociationTables tables;
    private ContextTable contexts;
    private CallTable calls;
    private HandleNames handles;
    /** The pipeline's DCOM object table (IPID → interface across connections), or null when off. */
    private final DcomObjects dcomObjects;
    /** This association's side of it, made when the first ORPC call or DCOM answer needs it. */
    private DcomTracker dcom;
    private CallAssembly[] assembly;
    /** The decode worker's kept tables, or null (tables are then made for this analyzer alone). */
    private final AssociationTables.Pool pool;
    /**
     * Per direction, a PDU split across deliveries (grown up to its frag_length), and that
     * frag_length (0 until its 16-byte header is whole) and stream offset. Everything that frames
     * a direction lives here, never in the shared parser, because a client may send its next
     * request while the server's previous reply is still arriving (TCP carries both directions
     * independently), and a header parsed on one direction must not change how the other is framed.
     */
    private final PduBuffer[] partial = new PduBuffer[2];
    private final int[] fragLength = new int[2];
    private final long[] pduStart = new long[2];
    private final boolean[] resync = new boolean[2];
    /** Bytes of each direction delivered or lost so far: the stream offset anomalies name. */
    private final long[] streamPos = new long[2];
    private Direction curDir = Direction.TO_SERVER;
    private long curOffset;
    private int anomalyEvents;
    private boolean boundAny;
    /** The endpoint a BIND_ACK whose BIND the copy lacks named ({@link #secondaryAddress}), or null. */
    private String ackEndpoint;
    /** That BIND_ACK accepted one context, with NDR64 (MS-RPCE 2.2.5). */
    private boolean ackAcceptedNdr64;
    /** ept_map (C706 appendix O, opnum 3). */
    private static final int EPT_MAP = 3;
    private boolean gapReported;

    // The BIND / ALTER_CONTEXT waiting for its answer.
    private List<Context> pendingBind;
    /** Where a BIND's contexts, then the same with the BIND_ACK's results, are gathered. */
    private final List<Context> contextScratch = new ArrayList<>(4);
    /**
     * {@link #pendingBind}'s contexts until the bind is reported: its event's immutable list is
     * made once, when it is emitted with or without the ack's results.
     */
    private final List<Context> pendingScratch = new ArrayList<>(4);
    /** call_id of the last bind reported before its ack was seen (its ack is then no new transaction), or {@link #NO_CALL}. */
    private long unackedBindCallId = NO_CALL;
    private static final long NO_CALL = -1;

    private static boolean hasResults(List<Context> contexts) {
        for (int i = 0; i < contexts.size(); i++) {
            if (contexts.get(i).result() >= 0) {
                return true;
            }
        }
        return false;
    }
    private boolean pendingAlter;
    private int pendingCallId;
    private int pendingXmit;
    private int pendingRecv;
    private int pendingAuthType;
    private int pendingAuthLevel;
    private long pendingAuthCtx;

    /**
     * @param ctx       the carrying flow (TCP connection, or the SMB2 connection of the pipe)
     * @param namedPipe the pipe name, or null over TCP
     * @param tokens    the shared token decoder, or null to ignore auth values
     */
    public DcerpcAnalyzer(FlowContext ctx, String namedPipe, DcerpcLimits limits, DcerpcCounters counters,
                          TokenDecoder tokens) {
        this(ctx, namedPipe, limits, counters, tokens, null);
    }

    /**
     * @param dcomObjects the pipeline's DCOM object table (shared by all workers), or null for no
     *                    DCOM object tracking
     */
    public DcerpcAnalyzer(FlowContext ctx, String namedPipe, DcerpcLimits limits, DcerpcCounters counters,
                          TokenDecoder tokens, DcomObjects dcomObjects) {
        this(ctx, namedPipe, limits, counters, tokens, dcomObjects, null);
    }

    /** @param pool the decode worker's kept association tables, or null */
    DcerpcAnalyzer(FlowContext ctx, String namedPipe, DcerpcLimits limits, DcerpcCounters counters,
                   TokenDecoder tokens, DcomObjects dcomObjects, AssociationTables.Pool pool) {
        this.dcomObjects = dcomObjects;
        this.pool = pool;
        this.ctx = ctx;
        this.namedPipe = namedPipe;
        this.limits = limits;
        this.counters = counters;
        this.tokens = tokens;
        // The tables start small and grow to their limits: most associations bind one or two
        // contexts and have a call or two outstanding, and a flow the probe attached to may never
        // carry a valid PDU. The partial-PDU and stub buffers are made when first needed.
        this.tables = pool != null ? pool.take(ctx) : AssociationTables.create(limits, ctx);
        this.binds = pool != null ? pool.binds : new BindContexts();
        this.contexts = tables.contexts;
        this.calls = tables.calls;
        this.handles = new HandleNames(limits.maxTrackedHandles());
        this.assembly = tables.assembly;
    }

    /** Direction {@code d}'s partial-PDU buffer, made on first use. */
    private PduBuffer partial(int d) {
        PduBuffer pb = partial[d];
        if (pb == null) {
            pb = new PduBuffer(ctx, "dcerpc", held -> dropPartial(d, held));
            partial[d] = pb;
        }
        return pb;
    }

    /**
     * The worker's buffer budget takes a direction's partial PDU back: the direction resynchronises
     * at the next verifiable header, as after a gap.
     */
    private boolean dropPartial(int d, boolean held) {
        fragLength[d] = 0;
        if (held) {
            assembly[d].reset();
            resync[d] = true;
        }
        return held;
    }

    /** False when the buffer budget refused the growth: the partial PDU was dropped (resync). */
    private boolean append(PduBuffer pb, byte[] b, int off, int len) {
        return pb.append(b, off, len, 64, 65536);
    }

    /**
     * Frames the bytes of one direction into PDUs. A malformed PDU is reported and dropped; a
     * header that cannot be trusted (bad version, type or frag_length) drops that direction's
     * partial state and the framer scans for the next verifiable PDU header
     * ({@link #findHeader}), so one crafted fragment never blinds the sensor to the rest of the
     * association.
     */
    @Override
    public boolean onData(Direction dir, byte[] buf, int off, int len) {
        int d = dir.ordinal();
        int end = off + len;
        PduBuffer pb = partial[d];
        // Stream offset of buf[0]: anomalies name where in the direction's stream they happened.
        long base = streamPos[d] - off;
        streamPos[d] += len;
        curDir = dir;
        while (off < end) {
            if (resync[d]) {
                int at = findHeader(buf, off, end);
                if (at < 0) {
                    return true;
                }
                counters.resyncs++;
                off = at;
                resync[d] = false;
                pduStart[d] = base + off;
            }
            if (pb != null && pb.length() > 0) {
                curOffset = pduStart[d];
                if (fragLength[d] == 0) {
                    int n = Math.min(DcerpcParser.HEADER_LENGTH - pb.length(), end - off);
                    if (!append(pb, buf, off, n)) {
                        continue;
                    }
                    off += n;
                    if (pb.length() < DcerpcParser.HEADER_LENGTH) {
                        return true;
                    }
                    if (!header(pb.array(), 0, pb.length())) {
                        resynchronise(d);
                        continue;
                    }
                    fragLength[d] = p.fragLength;
                }
                int n = Math.min(fragLength[d] - pb.length(), end - off);
                if (!append(pb, buf, off, n)) {
                    continue;
                }
                off += n;
                if (pb.length() < fragLength[d]) {
                    return true;
                }
                pb.take();
                fragLength[d] = 0;
                // The other direction may have framed PDUs since this header was first read: the
                // parser's header fields are read again from the copied bytes (they passed before).
                p.parseHeader(pb.array(), 0, DcerpcParser.HEADER_LENGTH);
                whole(dir, pb.array(), 0);
                continue;
            }
            int avail = end - off;
            pduStart[d] = base + off;
            curOffset = pduStart[d];
            if (avail < DcerpcParser.HEADER_LENGTH) {
                pb = partial(d);
                append(pb, buf, off, avail);
                return true;
            }
            if (!header(buf, off, avail)) {
                resynchronise(d);
                off++;
                continue;
            }
            if (p.fragLength > avail) {
                pb = partial(d);
                if (append(pb, buf, off, avail)) {
                    fragLength[d] = p.fragLength;
                }
                return true;
            }
            int fl = p.fragLength;
            whole(dir, buf, off);
            off += fl;
        }
        return true;
    }

    /** One whole PDU; a malformed one was reported by {@link #pdu} and ends that direction's call. */
    private void whole(Direction dir, byte[] b, int off) {
        if (!pdu(dir, b, off)) {
            assembly[dir.ordinal()].reset();
        }
    }

    /** The association's DCOM tracker, made on first use: most associations never carry DCOM. */
    private DcomTracker dcom() {
        if (dcom == null) {
            dcom = new DcomTracker(dcomObjects, ctx);
        }
        return dcom;
    }

    /** Drops the partial PDU of direction {@code d} and waits for a verifiable header (STYLE 7). */
    private void resynchronise(int d) {
        if (partial[d] != null) {
            partial[d].clear();
        }
        fragLength[d] = 0;
        assembly[d].reset();
        resync[d] = true;
    }

    /**
     * The first offset in {@code b[from, end)} where a PDU header this analyzer accepts starts
     * (C706 12.6.3.1: rpc_vers 5, rpc_vers_minor 0 or 1, a connection-oriented PTYPE, a data
     * representation with known integer and character formats, frag_length within the limit and
     * covering the type's fixed body, auth_length inside frag_length), or -1 when none has its 16
     * bytes in this delivery. A header split across deliveries while resynchronising is passed
     * over; the next one is found.
     */
    private int findHeader(byte[] b, int from, int end) {
        for (int i = from, last = end - DcerpcParser.HEADER_LENGTH; i <= last; i++) {
            if (b[i] != 5 || (b[i + 1] & 0xFF) > 1 || (b[i + 4] & 0xEE) != 0 || (b[i + 5] & 0xFF) > 3) {
                continue;
            }
            if (p.parseHeader(b, i, end - i) != ParseStatus.OK) {
                continue;
            }
            if (p.fragLength >= DcerpcParser.HEADER_LENGTH + DcerpcParser.minBody(p.ptype)
                    && p.fragLength <= limits.maxFragLength()
                    && p.authLength <= p.fragLength - DcerpcParser.HEADER_LENGTH) {
                return i;
            }
        }
        return -1;
    }

    /** Parses and checks a common header; false (after an anomaly) when it cannot be framed. */
    private boolean header(byte[] b, int off, int len) {
        if (p.parseHeader(b, off, len) != ParseStatus.OK) {
            return fail(DcerpcAnomaly.MALFORMED_HEADER, "version/type");
        }
        if (p.fragLength < DcerpcParser.HEADER_LENGTH + DcerpcParser.minBody(p.ptype)
                || p.fragLength > limits.maxFragLength()) {
            return fail(DcerpcAnomaly.BAD_FRAG_LENGTH, "frag_length " + p.fragLength);
        }
        return true;
    }

    /** One whole PDU at {@code b[off, off+fragLength)}. */
    private boolean pdu(Direction dir, byte[] b, int off) {
        counters.pdus++;
        cur.wrap(b, off, p.fragLength);
        int trailer = p.parseTrailer(b, off);
        if (trailer == DcerpcParser.TRAILER_BAD) {
            return fail(DcerpcAnomaly.BAD_AUTH_LENGTH, "auth_length " + p.authLength);
        }
        switch (p.ptype) {
            case DcerpcParser.BIND:
            case DcerpcParser.ALTER_CONTEXT:
                return bind(dir, b, off, trailer);
            case DcerpcParser.BIND_ACK:
            case DcerpcParser.ALTER_CONTEXT_RESP:
                return bindAck(dir, b, off, trailer);
            case DcerpcParser.BIND_NAK:
                emitBind(true);
                authResult(0xC0000022L);
                return true;
            case DcerpcParser.AUTH3:
                token(dir, b, off, trailer);
                return true;
            case DcerpcParser.REQUEST:
            case DcerpcParser.RESPONSE:
                return call(dir, b, off, trailer);
            case DcerpcParser.FAULT:
                return fault();
            case DcerpcParser.ORPHANED:
            case DcerpcParser.CO_CANCEL:
                if (assembly[dir.ordinal()].active && assembly[dir.ordinal()].callId == p.callId) {
                    assembly[dir.ordinal()].reset();
                }
                return true;
            default: // SHUTDOWN: nothing to record
                return true;
        }
    }

    private void token(Direction dir, byte[] b, int off, int trailer) {
        if (trailer != DcerpcParser.TRAILER_OK || tokens == null) {
            return;
        }
        if (session == null) {
            session = tokens.newSession(ctx, Carrier.DCERPC);
        }
        session.onToken(dir, b, off + p.authValueOffset(), p.authLength);
        if (dir == Direction.TO_SERVER) {
            authAwaitingResult = true;
        }
    }

    /** The server answered the first call after an authentication leg: tell the token session. */
    private void authResult(long status) {
        if (authAwaitingResult && session != null) {
            authAwaitingResult = false;
            session.onResult(status);
        }
    }

    private boolean bind(Direction dir, byte[] b, int off, int trailer) {
        emitBind(false);
        List<Context> list = contextScratch;
        list.clear();
        int rc = p.parseBind(cur, limits, binds, list);
        if (rc == DcerpcParser.BIND_TOO_MANY) {
            return fail(DcerpcAnomaly.TOO_MANY_CONTEXTS, "context items");
        }
        if (rc != DcerpcParser.BIND_OK) {
            return fail(DcerpcAnomaly.MALFORMED_BIND, "context list");
        }
        for (int i = 0; i < list.size(); i++) {
            Context c = list.get(i);
            boolean ndr64Only = !c.transferSyntaxes().isEmpty();
            for (int t = 0; t < c.transferSyntaxes().size(); t++) {
                ndr64Only &= DcerpcParser.NDR64.equals(c.transferSyntaxes().get(t));
            }
            if (!contexts.put(c.contextId(), c.interfaceUuid(), RpcInterfaces.indexOf(c.interfaceUuid()), ndr64Only)) {
                return fail(DcerpcAnomaly.TOO_MANY_CONTEXTS, "contexts " + limits.maxContexts());
            }
        }
        // An ALTER_CONTEXT follows a BIND on the same association (C706 12.6.4.3); one seen without
        // its BIND means the association began before the capture, so contexts it did not define
        // may still be bound (and are looked up as such).
        boundAny |= p.ptype == DcerpcParser.BIND;
        pendingBind = pending(list);
        pendingAlter = p.ptype == DcerpcParser.ALTER_CONTEXT;
        pendingCallId = p.callId;
        pendingXmit = p.maxXmitFrag;
        pendingRecv = p.maxRecvFrag;
        pendingAuthType = p.authType;
        pendingAuthLevel = p.authLevel;
        pendingAuthCtx = p.authContextId;
        counters.binds++;
        token(dir, b, off, trailer);
        return true;
    }

    private boolean bindAck(Direction dir, byte[] b, int off, int trailer) {
        if (tables.ackResults == null) {
            tables.ackResults = new int[limits.maxContextItems()];
            tables.ackReasons = new int[limits.maxContextItems()];
            tables.ackNdr64 = new boolean[limits.maxContextItems()];
        }
        int[] ackResults = tables.ackResults;
        boolean[] ackNdr64 = tables.ackNdr64;
        int[] ackReasons = tables.ackReasons;
        if (p.parseBindAck(cur, ackResults, ackReasons, ackNdr64) != DcerpcParser.BIND_OK) {
            return fail(DcerpcAnomaly.MALFORMED_BIND, "result list");
        }
        if (pendingBind != null) {
            List<Context> withResults = contextScratch;
            withResults.clear();
            for (int i = 0; i < pendingBind.size(); i++) {
                Context c = pendingBind.get(i);
                int result = i < p.resultCount ? ackResults[i] : -1;
                int reason = i < p.resultCount && result != 0 ? ackReasons[i] : -1;
                contexts.setResult(c.contextId(), result, i < p.resultCount && ackNdr64[i]);
                withResults.add(binds.context(c.contextId(), c.interfaceUuid(), c.versionMajor(), c.versionMinor(),
                        c.transferSyntaxes(), result, reason));
            }
            pendingBind = pending(withResults);
            emitBind(false);
        } else if ((p.callId & 0xFFFF_FFFFL) != unackedBindCallId) {
            // Its BIND or ALTER_CONTEXT is not in the capture (a gap, a late join): the ack is still a
            // transaction, which Suricata logs as REQUEST_LOST. An ack of a bind already reported
            // without results (a request came first) is not a new one.
            if (p.ptype == DcerpcParser.BIND_ACK && p.secAddrLength > 1) {
                ackEndpoint = secondaryAddress(b);
                // The results follow the BIND's contexts, whose ids the copy lacks; with one context
                // accepted, its transfer syntax is the one the association's calls use.
                int accepted = 0;
                for (int i = 0; i < p.resultCount; i++) {
                    if (ackResults[i] == 0) {
                        accepted++;
                        ackAcceptedNdr64 = ackNdr64[i];
                    }
                }
                ackAcceptedNdr64 &= accepted == 1;
            }
            DcerpcEvents.ackWithoutRequest(ctx, eventPipe(), p.ptype == DcerpcParser.ALTER_CONTEXT_RESP, p.callId,
                    p.maxXmitFrag, p.maxRecvFrag, p.versionMinor);
        }
        unackedBindCallId = NO_CALL;
        token(dir, b, off, trailer);
        return true;
    }

    /**
     * The BIND_ACK's secondary address as an endpoint name (C706 12.6.4.4, MS-RPCE 2.2.2.2): the pipe
     * without its {@code \PIPE\} prefix, in lower case ({@code svcctl}), or the server's TCP port
     * ({@code 135}). Made once per association whose BIND the copy does not hold.
     */
    private String secondaryAddress(byte[] b) {
        int n = p.secAddrLength;
        if (b[p.secAddrOffset + n - 1] == 0) {
            n--; // port_any_t counts its terminating NUL
        }
        String a = new String(b, p.secAddrOffset, n, java.nio.charset.StandardCharsets.US_ASCII);
        int slash = a.lastIndexOf('\\');
        return (slash >= 0 ? a.substring(slash + 1) : a).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The pipe the events name: the one the SMB2 CREATE opened, else (its CREATE not captured) the one
     * a BIND_ACK named; null over TCP.
     */
    private String eventPipe() {
        return namedPipe != null && namedPipe.isEmpty() && ackEndpoint != null ? ackEndpoint : namedPipe;
    }

    /**
     * The interface of a response on a context no BIND of this association defined, from the
     * endpoint its BIND_ACK named: the endpoint mapper's well-known port 135 (C706 appendix O,
     * MS-RPCE 2.1.1.1), or a pipe only one interface serves ({@link PipeInterfaces}). Null otherwise.
     */
    private java.util.UUID ackInterface() {
        String e = namedPipe != null && !namedPipe.isEmpty() ? namedPipe : ackEndpoint;
        if (e == null) {
            return null;
        }
        if ("135".equals(e)) {
            return RpcInterfaces.uuid(RpcInterfaces.EPMAPPER);
        }
        if (ackEndpoint != null && e.equals(ackEndpoint) && "ntsvcs".equals(e)) {
            // Windows answers a bind on \PIPE\svcctl (MS-SCMR 2.1) with the secondary address of
            // services.exe's pipe, \PIPE\ntsvcs; the other interface served there, Plug and Play
            // (MS-PNPR), takes no remote calls since Windows Vista.
            return RpcInterfaces.uuid(RpcInterfaces.SVCCTL);
        }
        return PipeInterfaces.of(e);
    }

    /**
     * Emits the pending BIND/ALTER_CONTEXT (with results when the ack was seen); its contexts as an
     * immutable list, which the event takes without copying.
     */
    private void emitBind(boolean nak) {
        if (pendingBind == null) {
            return;
        }
        unackedBindCallId = nak || hasResults(pendingBind) ? NO_CALL : pendingCallId & 0xFFFF_FFFFL;
        DcerpcEvents.bind(ctx, namedPipe, pendingAlter, pendingCallId, pendingXmit, pendingRecv,
                binds.list(pendingBind), pendingAuthType, pendingAuthLevel, pendingAuthCtx, nak, p.versionMinor);
        pendingBind = null;
    }

    /** {@code l}'s contexts as the pending bind's (kept in {@link #pendingScratch}). */
    private List<Context> pending(List<Context> l) {
        List<Context> out = pendingScratch;
        out.clear();
        for (int i = 0; i < l.size(); i++) {
            out.add(l.get(i));
        }
        return out;
    }

    /** A REQUEST or RESPONSE fragment. */
    private boolean call(Direction dir, byte[] b, int off, int trailer) {
        if (p.parseCallHeader(cur) != ParseStatus.OK) {
            return fail(DcerpcAnomaly.MALFORMED_HEADER, "call header");
        }
        boolean request = p.ptype == DcerpcParser.REQUEST;
        CallAssembly a = assembly[dir.ordinal()];
        if ((p.flags & DcerpcParser.PFC_FIRST_FRAG) != 0) {
            if (!(request ? startRequest(a, trailer) : startResponse(a, trailer))) {
                return false;
            }
        } else if (!a.active || a.callId != p.callId) {
            counters.orphanFragments++;
            return true;
        }
        if (++a.fragments > limits.maxFragmentsPerCall()) {
            return fail(DcerpcAnomaly.TOO_MANY_FRAGMENTS, "fragments " + a.fragments);
        }
        int stubLen = p.bodyEnd - p.stubOffset;
        a.total += stubLen;
        a.body += p.fragLength - DcerpcParser.HEADER_LENGTH - (request ? 8 : 0);
        if (a.total > limits.maxCallBytes()) {
            return fail(DcerpcAnomaly.CALL_TOO_LARGE, "stub bytes " + a.total);
        }
        boolean single = (p.flags & DcerpcParser.PFC_FIRST_FRAG) != 0 && (p.flags & DcerpcParser.PFC_LAST_FRAG) != 0;
        if (!(single ? a.whole(b, off + p.stubOffset, stubLen, limits.maxStubDecodeBytes())
                : a.append(b, off + p.stubOffset, stubLen, limits.maxStubDecodeBytes()))) {
            counters.stubNotDecoded++;
        }
        if ((p.flags & DcerpcParser.PFC_LAST_FRAG) == 0) {
            return true;
        }
        a.active = false;
        try {
            return request ? endRequest(a) : endResponse(a);
        } finally {
            a.endView();
        }
    }

    private boolean startRequest(CallAssembly a, int trailer) {
        // A request before any ack (a one-sided capture): report the bind first, results unknown.
        emitBind(false);
        a.start(p.callId, p.contextId, p.opnum);
        int slot = contexts.find(p.contextId);
        boolean ndr64 = false;
        a.orpc = p.objectUuid != null;
        // An ORPC request names its interface by the IPID in its object UUID (MS-DCOM 2.2.13 / 3.2.4.2);
        // the context's BIND names it too when it was seen, and then wins.
        boolean byIpid = dcomObjects != null && p.objectUuid != null && dcom().find(p.objectUuid);
        if (byIpid) {
            a.clsid = dcom.clsid();
            counters.dcomNamed++;
        }
        if (slot >= 0) {
            a.ifaceIndex = contexts.ifaceIndex(slot);
            a.uuid = contexts.uuid(slot);
            a.source = contexts.source(slot);
            ndr64 = contexts.ndr64(slot);
        }
        if (byIpid && slot >= 0 && !dcom.iid().equals(a.uuid)) {
            // The server handed this IPID out for another interface: the context id was bound again
            // by an ALTER_CONTEXT the sensor did not see (Windows re-uses the ids its bind-time
            // feature negotiation took). The IPID names the interface the server dispatches to.
            counters.dcomMismatch++;
            slot = -1;
            ndr64 = false;
        }
        if (slot >= 0) {
            // named by the context's BIND (or what defined it)
        } else if (byIpid) {
            a.ifaceIndex = dcom.ifaceIndex();
            a.uuid = dcom.iid();
            a.source = DcerpcEvent.InterfaceSource.DCOM_IPID;
            counters.dcomOnlyByIpid++;
        } else if (!boundAny && fromEndpoint(a)) {
            counters.interfaceFromEndpoint++;
        } else if (boundAny) {
            // A bind was seen on this association and did not offer this context (C706 12.6.4.9).
            return fail(DcerpcAnomaly.UNBOUND_CONTEXT, "p_cont_id " + p.contextId);
        }
        a.objectUuid = p.objectUuid;
        fillAuth(a, trailer);
        // The stub decoders read NDR 2.0 (C706 ch. 14). Of NDR64 stubs (MS-RPCE 2.2.5), requests whose
        // NDR64 bytes are the NDR 2.0 ones (a handle and 32-bit integers) go to the NDR 2.0 decoder,
        // the few StubDecoders.wantsRequestNdr64 names to their NDR64 decoder; the others are
        // reported without arguments.
        boolean wanted = StubDecoders.wantsRequest(a.ifaceIndex, a.opnum);
        boolean same = ndr64 && StubDecoders.sameInNdr64(a.ifaceIndex, a.opnum);
        boolean decodable = ndr64 ? same || StubDecoders.wantsRequestNdr64(a.ifaceIndex, a.opnum) : wanted;
        a.ndr64 = ndr64 && !same;
        a.decode = !a.sealed && p.littleEndian && decodable;
        if (a.uuid == null && !boundAny && !a.sealed && p.littleEndian) {
            // Nothing names the context yet: keep the cleartext stub (bounded as any decoded stub) in
            // case the calls so far name its interface when this one ends (OpnumInference).
            a.decode = true;
            a.speculative = true;
        }
        if (ndr64 && wanted && !decodable) {
            counters.stubNotDecoded++;
        }
        return true;
    }

    private boolean startResponse(CallAssembly a, int trailer) {
        a.start(p.callId, p.contextId, -1);
        int call = calls.find(p.callId);
        a.callSlot = call;
        if (call >= 0) {
            a.opnum = calls.opnum(call);
            a.ifaceIndex = calls.ifaceIndex(call);
            a.uuid = calls.uuid(call);
        }
        int slot = contexts.find(p.contextId);
        if (call < 0 && slot >= 0) {
            a.ifaceIndex = contexts.ifaceIndex(slot);
            a.uuid = contexts.uuid(slot);
        }
        if (call < 0 && slot < 0) {
            java.util.UUID u = ackInterface();
            if (u != null) {
                a.uuid = u;
                a.ifaceIndex = RpcInterfaces.indexOf(u);
                a.source = InterfaceSource.ENDPOINT;
                contexts.put(a.contextId, u, a.ifaceIndex, ackAcceptedNdr64, InterfaceSource.ENDPOINT);
                slot = contexts.find(p.contextId);
            }
        }
        boolean ndr64 = slot >= 0 && contexts.ndr64(slot);
        fillAuth(a, trailer);
        a.orpc = call >= 0 && calls.orpc(call);
        a.decode = call >= 0 && !a.sealed && !ndr64 && p.littleEndian
                && StubDecoders.wantsResponse(a.ifaceIndex, a.opnum, a.orpc && dcomObjects != null);
        if (call >= 0 && ndr64 && !a.sealed && p.littleEndian && a.ifaceIndex == RpcInterfaces.EPMAPPER
                && a.opnum == EPT_MAP) {
            // Windows accepts NDR64 for the endpoint mapper when the client offers it (MS-RPCE 2.2.5):
            // its ept_map answer is read with the NDR64 decoder, so the port it maps is announced
            // and its interface known there as with an NDR 2.0 answer.
            a.decode = true;
            a.ndr64 = true;
        } else if (call < 0 && !a.sealed && p.littleEndian && a.ifaceIndex == RpcInterfaces.EPMAPPER) {
            // Only the answer is in the copy: the endpoint mapper's answer is read as an ept_map answer
            // (its towers name an interface and its port); a stub of another shape is left undecoded.
            a.opnum = EPT_MAP;
            a.decode = true;
            a.speculative = true;
            a.ndr64 = ndr64;
        } else if (call < 0 && !a.sealed && !ndr64 && p.littleEndian && a.ifaceIndex == RpcInterfaces.SVCCTL) {
            // The stub is kept to read its shape ({@link #createServiceAnswer}); 28 bytes at most matter.
            a.decode = true;
            a.speculative = true;
        }
        return true;
    }

    private void fillAuth(CallAssembly a, int trailer) {
        if (trailer == DcerpcParser.TRAILER_OK) {
            a.authType = p.authType;
            a.authLevel = p.authLevel;
            a.sealed = p.authLevel == DcerpcParser.AUTH_LEVEL_PKT_PRIVACY;
        }
    }

    private boolean endRequest(CallAssembly a) {
        counters.requests++;
        java.util.UUID inferred = a.uuid == null ? activation(a) : null;
        boolean proof = false;
        if (inferred == null && a.uuid == null) {
            inferred = jobAdd(a);
        }
        if (inferred == null && a.uuid == null) {
            inferred = infer(a);
            proof = inferred != null && inference.needsProof();
        }
        if (inferred != null) {
            a.uuid = inferred;
            a.ifaceIndex = RpcInterfaces.indexOf(inferred);
            a.source = InterfaceSource.INFERRED;
        }
        if (a.speculative) {
            a.decode &= a.uuid != null && (a.ndr64 ? StubDecoders.wantsRequestNdr64(a.ifaceIndex, a.opnum)
                    : StubDecoders.wantsRequest(a.ifaceIndex, a.opnum));
        }
        if (a.sealed) {
            counters.sealed++;
        }
        RpcArgs args = StubDecoders.withoutStub(a.ifaceIndex, a.opnum);
        boolean ok = true;
        if (a.decode) {
            ndr.wrap(a.stubArray(), a.stubOffset(), a.stubLength(), limits.maxNdrArrayCount(), limits.maxNdrStringChars());
            args = a.ndr64 ? StubDecoders.requestNdr64(a.ifaceIndex, a.opnum, ndr)
                    : StubDecoders.request(a.ifaceIndex, a.opnum, ndr, handles, limits.maxDcomStrings());
            if (!ndr.ok()) {
                args = null;
                // A stub kept on a guess is no malformed PDU when it does not decode.
                ok = a.speculative;
            }
        }
        if (proof && (!ok || !MoreInterfaceSequences.proves(inferred, args))) {
            // Two calls name an interface only with the stub to prove it (OpnumInference.Pair).
            a.uuid = null;
            a.ifaceIndex = -1;
            a.source = null;
            args = null;
            inferred = null;
        }
        if (inferred != null) {
            counters.interfaceInferred++;
            contexts.put(a.contextId, inferred, a.ifaceIndex, a.ndr64, InterfaceSource.INFERRED);
        } else if (a.uuid == null) {
            counters.interfaceUnknown++;
        }
        if (calls.put(a.callId, a.opnum, a.ifaceIndex, a.uuid, args)) {
            counters.pendingEvicted++;
        }
        if (a.orpc) {
            calls.setOrpc(a.callId);
        }
        DcerpcEvents.request(ctx, eventPipe(), a, args, p.versionMinor);
        return ok || ndrFailure();
    }

    private boolean endResponse(CallAssembly a) {
        counters.responses++;
        authResult(0);
        RpcArgs result = null;
        boolean ok = true;
        if (a.decode && a.callSlot < 0 && a.ifaceIndex == RpcInterfaces.SVCCTL) {
            result = createServiceAnswer(a);
        } else if (a.decode) {
            ndr.wrap(a.stubArray(), a.stubOffset(), a.stubLength(), limits.maxNdrArrayCount(), limits.maxNdrStringChars());
            result = a.ndr64 ? StubDecoders.responseNdr64(a.ifaceIndex, a.opnum, ndr)
                    : StubDecoders.response(a.ifaceIndex, a.opnum, ndr, a.callSlot >= 0 ? calls.args(a.callSlot) : null,
                    handles, a.orpc && dcomObjects != null, limits.maxDcomStrings());
            if (!ndr.ok()) {
                result = null;
                ok = a.speculative;
            }
            if (a.speculative && a.callSlot < 0
                    && !(result instanceof RpcArgs.EpmMapResult m && (m.tcpPort() > 0 || m.pipe() != null))) {
                // The guessed operation did not fit: the answer stays unnamed.
                result = null;
                a.opnum = -1;
            }
        }
        if (result instanceof RpcArgs.EpmMapResult m && m.tcpPort() > 0) {
            expect(m);
        }
        if (result instanceof RpcArgs.DcomObjectRefs refs && dcomObjects != null) {
            counters.dcomAnswers++;
            dcom().learn(refs, a.callSlot >= 0 ? calls.args(a.callSlot) : null, DcerpcAnalyzerFactory.NAME);
        }
        if (result == null && !a.sealed && a.tailStatus() >= 0) {
            long st = a.tailStatus();
            result = st == 0 ? STATUS_SUCCESS : status(st);
        }
        if (a.callSlot >= 0) {
            calls.remove(a.callSlot);
        }
        DcerpcEvents.response(ctx, eventPipe(), a, result, p.versionMinor);
        return ok || ndrFailure();
    }

    /**
     * An SVCCTL answer whose request the copy lacks, shaped as the answer of RCreateServiceW, -A or
     * -WOW64A/W (MS-SCMR 3.1.4.12, 3.1.4.24, 3.1.4.44, 3.1.4.45): a null lpdwTagId pointer (the caller
     * asked no tag), a service handle that is not null, and ERROR_SUCCESS, 28 bytes in all. The other
     * svcctl answers of 28 bytes start with a non-zero count (the conformant buffer or string of
     * RQueryServiceConfig2W, REnumServicesStatusW, RGetServiceDisplayNameW/KeyNameW). Null otherwise.
     */
    private static RpcArgs createServiceAnswer(CallAssembly a) {
        if (a.stubLength() != 28) {
            return null;
        }
        byte[] b = a.stubArray();
        int at = a.stubOffset();
        boolean handle = Bytes.u32le(b, at + 4) != 0 || Bytes.u32le(b, at + 8) != 0 || Bytes.u32le(b, at + 12) != 0
                || Bytes.u32le(b, at + 16) != 0 || Bytes.u32le(b, at + 20) != 0;
        return Bytes.u32le(b, at) == 0 && handle && Bytes.u32le(b, at + 24) == 0
                ? new RpcArgs.ScmCreateServiceAnswer() : null;
    }

    /** The status most answers return, one shared value (a record is immutable). */
    private static final RpcArgs.ReturnStatus STATUS_SUCCESS = new RpcArgs.ReturnStatus(0);
    /**
     * The last failure status this analyzer reported, given again for the same status (a scan
     * fails call after call with one status, e.g. ACCESS_DENIED). A memo of an immutable value, not
     * association state: it outlives {@link #reuse}, which need not clear it.
     */
    private RpcArgs.ReturnStatus lastFailure = STATUS_SUCCESS;

    private RpcArgs.ReturnStatus status(long st) {
        RpcArgs.ReturnStatus last = lastFailure;
        if (last.status() == st) {
            return last;
        }
        last = new RpcArgs.ReturnStatus(st);
        lastFailure = last;
        return last;
    }

    /** An address an ept_map answer named, resolved from its dotted quad. */
    private record MappedAddress(String ip, InetAddress address) {
    }

    /**
     * The last address resolved for an ept_map answer, shared by the workers (an immutable pair): the
     * answers of a network name its few servers again and again.
     */
    private static volatile MappedAddress lastMapped;

    /** ept_map named a TCP port: the next connection there is DCE/RPC (the registry's expectation table). */
    private void expect(RpcArgs.EpmMapResult m) {
        InetAddress server = null;
        if (m.ip() != null && !m.ip().equals("0.0.0.0")) {
            MappedAddress last = lastMapped;
            if (last != null && last.ip.equals(m.ip())) {
                server = last.address;
            } else {
                try {
                    // A dotted quad built by EpmStubs from four bytes: no name lookup happens.
                    server = InetAddress.getByName(m.ip());
                    lastMapped = new MappedAddress(m.ip(), server);
                } catch (UnknownHostException e) {
                    server = null;
                }
            }
        }
        if (server == null) {
            server = ctx.header().serverIp();
        }
        counters.expectedPorts++;
        ctx.expect(server, m.tcpPort(), DcerpcAnalyzerFactory.NAME, m.interfaceUuid());
    }

    /**
     * A request on a context no BIND of this association defined, on a pipe only one interface
     * serves ({@link PipeInterfaces}) or at a TCP port an ept_map answer mapped one interface to:
     * that interface, remembered for the context's later calls. False otherwise (what other
     * connections bound at the endpoint is known only on the events thread,
     * {@link io.impacketsensor.core.event.EndpointInterfaces}).
     */
    private boolean fromEndpoint(CallAssembly a) {
        java.util.UUID u = PipeInterfaces.of(namedPipe);
        if (u == null && namedPipe == null && ctx.expectedDetail() instanceof java.util.UUID mapped) {
            // Over TCP: the port an endpoint mapper's ept_map answer mapped this interface to (C706
            // appendix O; MS-RPCE 2.1.1.1), when no other answer mapped another one there. Named here,
            // the stub is decoded as the BIND would have had it.
            u = mapped;
        }
        if (u == null) {
            return false;
        }
        name(a, u, InterfaceSource.ENDPOINT);
        return true;
    }

    /**
     * A request on an unnamed context of a connection to the endpoint mapper's port 135 whose stub
     * decodes as a DCOM activation (MS-DCOM 3.1.2.5.2.3.2-3: ORPCTHIS, then the activation properties
     * as a custom OBJREF, "MEOW", holding InstantiationInfoData with the class): IRemoteSCMActivator,
     * whose RemoteGetClassObject (3) and RemoteCreateInstance (4) share those opnums with ept_map (3)
     * and ResolveOxid2 (4) there, which this layout rules out. Null otherwise.
     */
    private java.util.UUID activation(CallAssembly a) {
        if (boundAny || !a.decode || a.sealed || a.ndr64 || (a.opnum != 3 && a.opnum != 4)
                || ctx.header().serverPort() != 135) {
            return null;
        }
        ndr.wrap(a.stubArray(), a.stubOffset(), a.stubLength(), limits.maxNdrArrayCount(), limits.maxNdrStringChars());
        RpcArgs args = StubDecoders.request(RpcInterfaces.REMOTE_SCM_ACTIVATOR, a.opnum, ndr, handles,
                limits.maxDcomStrings());
        return ndr.ok() && args != null ? RpcInterfaces.uuid(RpcInterfaces.REMOTE_SCM_ACTIVATOR) : null;
    }

    /**
     * A whole request on an unnamed context of a pipe that no CREATE named, or that is atsvc, whose
     * cleartext stub is exactly a NetrJobAdd ({@link AtsvcJobShape}): ATSVC, which no call sequence
     * names (a remote {@code at} makes this one call). Null otherwise.
     */
    private java.util.UUID jobAdd(CallAssembly a) {
        if (boundAny || a.opnum != AtsvcJobShape.NETR_JOB_ADD || namedPipe == null
                || !(namedPipe.isEmpty() || namedPipe.equals(ATSVC_PIPE)) || !a.speculative || !a.decode
                || a.stubLength() != a.total) {
            return null;
        }
        int shape = AtsvcJobShape.of(a.stubArray(), a.stubOffset(), a.stubLength());
        // An NDR64 stub (Windows' at.exe) is decoded, and the context's later calls read, as NDR64.
        a.ndr64 = shape == AtsvcJobShape.NDR64;
        return shape == AtsvcJobShape.NONE ? null : ATSVC;
    }

    /**
     * A whole request on a context nothing names: its opnum and stub size go to the inference; the
     * interface when the calls so far single one out (this request and the context's later ones are
     * named by it), else null.
     */
    private java.util.UUID infer(CallAssembly a) {
        if (boundAny) {
            return null;
        }
        if (inference == null) {
            inference = new OpnumInference();
        }
        // The opening SVCCTL calls name the interface without RCreateServiceW only with their layouts.
        boolean shape = a.speculative && a.decode && a.stubLength() == a.total
                && ScmrShapes.fits(a.opnum, a.stubArray(), a.stubOffset(), a.stubLength());
        return inference.observe(a.contextId, a.opnum, a.total, shape);
    }

    private void name(CallAssembly a, java.util.UUID u, InterfaceSource source) {
        a.uuid = u;
        a.ifaceIndex = RpcInterfaces.indexOf(u);
        a.source = source;
        contexts.put(a.contextId, u, a.ifaceIndex, false, source);
    }

    private boolean fault() {
        counters.faults++;
        if (p.parseCallHeader(cur) != ParseStatus.OK) {
            return fail(DcerpcAnomaly.MALFORMED_HEADER, "fault header");
        }
        authResult(p.faultStatus);
        int slot = calls.find(p.callId);
        int opnum = slot >= 0 ? calls.opnum(slot) : -1;
        java.util.UUID uuid = slot >= 0 ? calls.uuid(slot) : null;
        if (slot < 0) {
            int c = contexts.find(p.contextId);
            uuid = c >= 0 ? contexts.uuid(c) : null;
        } else {
            calls.remove(slot);
        }
        DcerpcEvents.fault(ctx, eventPipe(), p.callId, uuid, opnum, p.faultStatus, p.versionMinor);
        return true;
    }

    private boolean ndrFailure() {
        return ndr.overLimit()
                ? fail(DcerpcAnomaly.NDR_LIMIT, "count over " + limits.maxNdrArrayCount() + "/" + limits.maxNdrStringChars())
                : fail(DcerpcAnomaly.NDR_MALFORMED, "count or length past the stub");
    }

    /**
     * Counts a malformed PDU and reports it (at most {@link #MAX_ANOMALY_EVENTS} per association,
     * so a peer cannot turn malformed PDUs into an event flood); the caller drops the PDU or
     * resynchronises. Always false.
     */
    private boolean fail(DcerpcAnomaly anomaly, String detail) {
        counters.parserError++;
        if (anomalyEvents < MAX_ANOMALY_EVENTS) {
            anomalyEvents++;
            String where = " at " + curDir.name().toLowerCase(java.util.Locale.ROOT) + " offset " + curOffset;
            DcerpcEvents.anomaly(ctx, anomaly, namedPipe == null ? detail + where : detail + where + " on pipe " + namedPipe);
        }
        return false;
    }

    @Override
    public boolean onGap(Direction dir, long len) {
        counters.gap++;
        int d = dir.ordinal();
        resynchronise(d);
        streamPos[d] += len;
        if (!gapReported) {
            gapReported = true;
            DcerpcEvents.anomaly(ctx, DcerpcAnomaly.GAP, len + " bytes");
        }
        return true;
    }

    @Override
    public void onClose() {
        if (assembly == null) {
            return; // closed already: its tables went back to the pool
        }
        for (int d = 0; d < 2; d++) {
            if (partial[d] != null) {
                partial[d].release();
            }
            assembly[d].release();
        }
        emitBind(false);
        if (session != null) {
            session.close();
            session = null;
        }
        if (pool != null) {
            // Nothing calls an analyzer after its close (the flow is detached, the pipe forgotten):
            // it and its tables serve the worker's next associations.
            pool.give(tables);
            tables = null;
            contexts = null;
            calls = null;
            assembly = null;
            pool.give(this);
        }
    }

    /**
     * For a new association on {@code ctx} ({@code namedPipe} or null over TCP), after this one's
     * {@link #onClose}: every field as the constructor leaves it, the tables taken from the pool.
     * The parser, cursor and NDR reader are rewound by every PDU and stub they read.
     */
    void reuse(FlowContext ctx, String namedPipe) {
        this.ctx = ctx;
        this.namedPipe = namedPipe;
        inference = null;
        session = null;
        authAwaitingResult = false;
        tables = pool.take(ctx);
        contexts = tables.contexts;
        calls = tables.calls;
        assembly = tables.assembly;
        handles.clear();
        dcom = null;
        for (int d = 0; d < 2; d++) {
            partial[d] = null;
            fragLength[d] = 0;
            pduStart[d] = 0;
            resync[d] = false;
            streamPos[d] = 0;
        }
        curDir = Direction.TO_SERVER;
        curOffset = 0;
        anomalyEvents = 0;
        boundAny = false;
        // What a BIND_ACK without its BIND named belongs to that association's endpoint (its port or
        // pipe): kept, it would name another port's answers, e.g. any answer as the endpoint mapper's.
        ackEndpoint = null;
        ackAcceptedNdr64 = false;
        gapReported = false;
        pendingBind = null;
        unackedBindCallId = NO_CALL;
        pendingAlter = false;
        pendingCallId = 0;
        pendingXmit = 0;
        pendingRecv = 0;
        pendingAuthType = 0;
        pendingAuthLevel = 0;
        pendingAuthCtx = 0;
    }
}
