package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.collections.LruMap;
import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.DcerpcEvent.Context;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcBind;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcFault;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcResponse;
import io.impacketsensor.core.event.HttpEvent;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.MssqlEvent;
import io.impacketsensor.core.event.RdpEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes the EVE protocol records of {@link SensorEvent}s ({@code replay --protocol-records}), one
 * JSON object and a newline per record, in Suricata's transaction granularity. Each protocol family
 * has its own writer ({@code SmbRecords}, {@code NtlmRecords}, {@code DcerpcRecords},
 * {@code KerberosRecords}, {@code LdapRecords}).
 *
 * <p>Where Suricata logs one transaction for what the decoders report as several events, this
 * writer keeps a little per-flow state, bounded by {@link #MAX_FLOWS} and {@link #MAX_PENDING}:
 * a DCE/RPC request is held until its response or fault (same flow, pipe and call_id) and written
 * with it; the NTLMSSP AUTHENTICATE or Kerberos AP-REQ of an SMB SESSION_SETUP is nested in that
 * SESSION_SETUP's record ({@code smb.ntlmssp}, {@code smb.kerberos}); an SMB1 NEGOTIATE request is
 * held until its response and written with it; SMB records are numbered per
 * flow ({@code smb.id}) and carry the flow's dialect; SMB events that are no Suricata transaction
 * are not written ({@link #isTransaction}). A held request is written as UNREPLIED when a
 * newer one takes its place, when it has waited {@link #UNREPLIED_AFTER_NANOS} of capture time,
 * when {@link #MAX_PENDING} is reached (oldest first) and at {@link #flush}. One instance per
 * output; not thread-safe (the EVE writer serialises calls).
 */
public final class ProtocolRecordWriter {
    /** Flows whose SMB/DCE/RPC context is remembered; the least recently used is forgotten first. */
    static final int MAX_FLOWS = 4096;
    /** DCE/RPC requests waiting for their answer, over all flows. */
    static final int MAX_PENDING = 1024;
    /**
     * A request unanswered for this long (capture time) is written as UNREPLIED: the records have no
     * flow-end signal, so a call whose connection ended (or whose answer was lost) is closed by age,
     * as a flow timeout would close it.
     */
    static final long UNREPLIED_AFTER_NANOS = 120_000_000_000L;

    private final LruMap<Long, FlowState> flows = new LruMap<>(MAX_FLOWS);
    private final LinkedHashMap<CallKey, DcerpcRequest> pending = new LinkedHashMap<>();

    /** What is remembered of one flow. */
    private static final class FlowState {
        long nextId = 1;
        String dialect = "unknown";
        /** While {@link #dialect} is unknown: what later messages show of it (SmbDialectInference). */
        SmbDialectInference.Guess dialectGuess;
        /** An SMB1 NEGOTIATE request waiting for its response, which completes its record. */
        SmbEvent.Smb1Negotiate smb1Negotiate;
        NtlmEvent.NtlmAuthenticate ntlmssp;
        KerberosEvent.KerberosApRequest kerberos;
        /** The HTTP request an NTLM record of this flow belongs to, and its status once answered (-1 before). */
        HttpEvent.HttpRequest httpRequest;
        int httpStatus = -1;
        /**
         * Bound presentation contexts by pipe ("" over TCP) and context id (C706 12.6.3.1); null
         * until the flow's first bind (most flows written have none).
         */
        BoundContexts contexts;
        /** Files read or written since their open: the first READ/WRITE is the file's record. */
        Set<FileKey> openFiles; // null until the flow's first file READ or WRITE
        /**
         * The {@code fuid} of each open file by tree and name (made at the first CREATE of the
         * flow), written on its READ, WRITE and SET_INFO records as Suricata does; at most
         * {@link #MAX_OPEN_FILES}, forgotten at CLOSE.
         */
        Map<FileKey, String> fuids;

        void opened(SmbEvent.SmbCreate c) {
            String fuid = SmbRecords.fuid(c);
            if (fuid == null || c.status() != 0 && c.status() != SensorEvent.NO_STATUS) {
                return;
            }
            if (fuids == null) {
                fuids = new HashMap<>();
            } else if (fuids.size() >= MAX_OPEN_FILES) {
                fuids.clear();
            }
            fuids.put(fileKey('F', c.treeId(), c.fileName()), fuid);
        }

        String fuidOf(int treeId, String fileName) {
            return fuids == null ? null : fuids.get(fileKey('F', treeId, fileName));
        }

        /**
         * True for the first READ ({@code 'R'}) or WRITE ({@code 'W'}) of this file since it was
         * opened (at most {@link #MAX_OPEN_FILES} kept).
         */
        boolean firstOfFile(char direction, int treeId, String fileName) {
            if (openFiles == null) {
                openFiles = new HashSet<>();
            } else if (openFiles.size() >= MAX_OPEN_FILES) {
                openFiles.clear();
            }
            return openFiles.add(fileKey(direction, treeId, fileName));
        }
    }

    /** MS-FSCC 2.3.31 FSCTL_PIPE_TRANSCEIVE (an SMB1 TransactNmPipe is reported as this too). */
    private static final int FSCTL_PIPE_TRANSCEIVE = 0x0011C017;

    /** Files per flow whose first READ/WRITE was written, until their CLOSE. */
    static final int MAX_OPEN_FILES = 256;

    /**
     * A DCE/RPC call of a flow and pipe: the key of a held request. An answer looks its request up
     * with {@link #probe}, set for it, so that the lookup allocates nothing; a held request's key
     * is its own.
     */
    private static final class CallKey {
        private long flowId;
        private String pipe;
        private int callId;

        CallKey set(long flowId, String pipe, int callId) {
            this.flowId = flowId;
            this.pipe = pipe;
            this.callId = callId;
            return this;
        }

        long flowId() {
            return flowId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CallKey k && k.flowId == flowId && k.callId == callId && k.pipe.equals(pipe);
        }

        @Override
        public int hashCode() {
            return (Long.hashCode(flowId) * 31 + pipe.hashCode()) * 31 + callId;
        }
    }

    private final CallKey probe = new CallKey();

    /**
     * The presentation contexts a flow's binds named, by pipe ({@code ""} over TCP) and context id
     * (C706 12.6.3.1); a later bind of the same pair replaces it. A flow binds one or two pipes and
     * a few contexts, so the pairs are kept side by side and scanned; past {@link #SCAN} of them
     * (a client binding on and on) they move to a map. Two nested hash maps per flow were a tenth of
     * what the events thread allocated with {@code -P}.
     */
    static final class BoundContexts {
        static final int SCAN = 8;
        private String[] pipes = new String[2];
        private int[] ids = new int[2];
        private Context[] values = new Context[2];
        private int n;
        private Map<String, Map<Integer, Context>> map;

        void put(String pipe, int contextId, Context c) {
            if (map == null) {
                for (int i = 0; i < n; i++) {
                    if (ids[i] == contextId && pipes[i].equals(pipe)) {
                        values[i] = c;
                        return;
                    }
                }
                if (n < SCAN) {
                    if (n == ids.length) {
                        pipes = Arrays.copyOf(pipes, 2 * n);
                        ids = Arrays.copyOf(ids, 2 * n);
                        values = Arrays.copyOf(values, 2 * n);
                    }
                    pipes[n] = pipe;
                    ids[n] = contextId;
                    values[n] = c;
                    n++;
                    return;
                }
                map = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    map.computeIfAbsent(pipes[i], k -> new HashMap<>()).put(ids[i], values[i]);
                }
                pipes = null;
                ids = null;
                values = null;
            }
            map.computeIfAbsent(pipe, k -> new HashMap<>()).put(contextId, c);
        }

        /** The context bound last for this pipe and id, or null. */
        Context get(String pipe, int contextId) {
            if (map != null) {
                Map<Integer, Context> byId = map.get(pipe);
                return byId != null ? byId.get(contextId) : null;
            }
            for (int i = 0; i < n; i++) {
                if (ids[i] == contextId && pipes[i].equals(pipe)) {
                    return values[i];
                }
            }
            return null;
        }
    }

    /** Writes the records of {@code e} (zero or more, each followed by a newline); returns how many. */
    public int writeRecords(JsonGenerator g, SensorEvent e) throws IOException {
        // DCE/RPC first, by its record classes: over half of the events, and a test against a
        // family interface each of them fails costs a scan of the record class's interfaces.
        if (e instanceof DcerpcEvent.DcerpcRequest || e instanceof DcerpcEvent.DcerpcResponse
                || e instanceof DcerpcEvent.DcerpcBind) {
            return dcerpc(g, (DcerpcEvent) e);
        }
        if (e instanceof SmbEvent s) {
            FlowState f = flow(s.header().flowId());
            if (s instanceof SmbEvent.Smb1Negotiate n) {
                int held = heldNegotiate(g, f);
                f.smb1Negotiate = n;
                return held;
            }
            if (s instanceof SmbEvent.Smb1NegotiateResponse r) {
                // Suricata's NEGOTIATE transaction: the offered dialects with the chosen one.
                SmbEvent.Smb1Negotiate q = f.smb1Negotiate;
                f.smb1Negotiate = null;
                if (q != null && r.dialectIndex() >= 0 && r.dialectIndex() < q.dialects().size()) {
                    f.dialect = q.dialects().get(r.dialectIndex());
                }
                SmbRecords.writeSmb1Negotiate(g, q, r, f.nextId++, f.dialect);
                return line(g);
            }
            int held = heldNegotiate(g, f);
            f.dialect = SmbRecords.dialectOf(s, f.dialect);
            SmbDialectInference.Guess guess = null;
            if (f.dialect.equals("unknown")) {
                guess = f.dialectGuess = SmbDialectInference.next(f.dialectGuess, s);
            }
            if (!isTransaction(s, f)) {
                return held;
            }
            if (s instanceof SmbEvent.SmbSessionSetup) {
                SmbRecords.write(g, s, f.nextId++, f.dialect, f.ntlmssp, f.kerberos, null, guess);
                f.ntlmssp = null;
                f.kerberos = null;
            } else {
                SmbRecords.write(g, s, f.nextId++, f.dialect, null, null, fuid(s, f), guess);
            }
            return held + line(g);
        }
        if (e instanceof NtlmEvent n) {
            if (n instanceof NtlmEvent.NtlmAuthenticate a && (a.carrier() == Carrier.SMB2 || a.carrier() == Carrier.SMB1)) {
                flow(a.header().flowId()).ntlmssp = a;
            }
            if (n.carrier() == Carrier.HTTP) {
                lastFlow = null; // the lookup below may reorder the table
                FlowState f = flows.get(n.header().flowId());
                NtlmRecords.write(g, n, f != null ? f.httpRequest : null, f != null ? f.httpStatus : -1);
            } else {
                NtlmRecords.write(g, n);
            }
            return line(g);
        }
        if (e instanceof HttpEvent h) {
            return http(g, h);
        }
        if (e instanceof MssqlEvent m) {
            MssqlRecords.write(g, m);
            return line(g);
        }
        if (e instanceof RdpEvent r) {
            RdpRecords.write(g, r);
            return line(g);
        }
        if (e instanceof KerberosEvent k) {
            if (k instanceof KerberosEvent.KerberosApRequest ap
                    && (ap.carrier() == Carrier.SMB2 || ap.carrier() == Carrier.SMB1)) {
                flow(ap.header().flowId()).kerberos = ap;
            }
            KerberosRecords.write(g, k);
            return line(g);
        }
        if (e instanceof DcerpcEvent d) {
            return dcerpc(g, d);
        }
        if (e instanceof LdapEvent l) {
            LdapRecords.write(g, l);
            return line(g);
        }
        if (e instanceof ProtocolAnomaly a) {
            writeAnomaly(g, a);
            return line(g);
        }
        return 0;
    }

    /**
     * False for the SMB events Suricata logs no transaction for (smb2.rs: READ, WRITE, GET_INFO and
     * SET_INFO make no generic transaction): GET_INFO; SET_INFO other than a rename or a
     * disposition; a file READ that failed (other than STATUS_BUFFER_OVERFLOW); and every READ (or
     * WRITE) of an open file after its first, which Suricata folds into one file transaction per
     * direction; named-pipe READ, WRITE and FSCTL_PIPE_TRANSCEIVE, whose DCE/RPC call is the
     * record. Our
     * once-per-flow SMB1 usage summary is no transaction either: each SMB1 command has its record.
     */
    private static boolean isTransaction(SmbEvent s, FlowState f) {
        if (s instanceof SmbEvent.Smb1Usage) {
            return false;
        }
        // Named-pipe I/O carries DCE/RPC: Suricata hands the bytes to its DCE/RPC parser and logs
        // the call (here smb.dcerpc), with no READ, WRITE or IOCTL transaction of its own (smb2.rs
        // and smb1.rs pass pipe data to the dcerpc records).
        if (s instanceof SmbEvent.SmbRead r && r.namedPipe() || s instanceof SmbEvent.SmbWrite w && w.namedPipe()
                || s instanceof SmbEvent.SmbIoctl i && i.ctlCode() == FSCTL_PIPE_TRANSCEIVE) {
            return false;
        }
        if (s instanceof SmbEvent.SmbCommand c) {
            return !(c.smb1Command() == SmbEvent.NOT_SMB1 && c.command() == 16);
        }
        if (s instanceof SmbEvent.Smb2SetInfo i) {
            return i.renameTarget() != null || i.infoClass() == 13 || i.infoClass() == 64;
        }
        if (s instanceof SmbEvent.SmbRead r && !r.namedPipe()) {
            if (r.status() != SensorEvent.NO_STATUS && r.status() != 0 && r.status() != 0x80000005L) {
                return false;
            }
            return f.firstOfFile('R', r.treeId(), r.fileName());
        }
        if (s instanceof SmbEvent.SmbWrite w && !w.namedPipe()) {
            return f.firstOfFile('W', w.treeId(), w.fileName());
        }
        if (s instanceof SmbEvent.SmbClose c) {
            if (f.openFiles != null) {
                f.openFiles.remove(fileKey('R', c.treeId(), c.fileName()));
                f.openFiles.remove(fileKey('W', c.treeId(), c.fileName()));
            }
        }
        return true;
    }

    /**
     * The fuid a READ, WRITE or SET_INFO record states: its file's CREATE's (remembered here, as the
     * events name the file, not its FileId); a CREATE is remembered, a CLOSE forgets.
     */
    private static String fuid(SmbEvent s, FlowState f) {
        if (s instanceof SmbEvent.SmbCreate c) {
            f.opened(c);
        } else if (s instanceof SmbEvent.SmbRead r) {
            return f.fuidOf(r.treeId(), r.fileName());
        } else if (s instanceof SmbEvent.SmbWrite w) {
            return f.fuidOf(w.treeId(), w.fileName());
        } else if (s instanceof SmbEvent.Smb2SetInfo i) {
            return f.fuidOf(i.treeId(), i.fileName());
        } else if (s instanceof SmbEvent.SmbClose c && f.fuids != null) {
            f.fuids.remove(fileKey('F', c.treeId(), c.fileName()));
        }
        return null;
    }

    /** A file's key per direction: Suricata keeps one file transaction per direction (READ to client, WRITE to server). */
    private static FileKey fileKey(char direction, int treeId, String fileName) {
        return new FileKey(direction, treeId, fileName);
    }

    /** A file of a flow: open ({@code 'F'}), or read ({@code 'R'}) or written ({@code 'W'}) since its CREATE. */
    private record FileKey(char kind, int treeId, String fileName) {
    }

    /** An SMB1 NEGOTIATE request whose response did not come (before another SMB record of its flow): on its own. */
    private int heldNegotiate(JsonGenerator g, FlowState f) throws IOException {
        SmbEvent.Smb1Negotiate q = f.smb1Negotiate;
        if (q == null) {
            return 0;
        }
        f.smb1Negotiate = null;
        SmbRecords.write(g, q, f.nextId++, f.dialect, null, null);
        return line(g);
    }

    /** Writes every held request as UNREPLIED (end of input); returns how many records. */
    public int flush(JsonGenerator g) throws IOException {
        int n = 0;
        for (FlowState f : flows.values()) {
            n += heldNegotiate(g, f);
        }
        for (Iterator<DcerpcRequest> it = pending.values().iterator(); it.hasNext(); ) {
            DcerpcRequest r = it.next();
            it.remove();
            n += writeCall(g, r, null);
        }
        return n;
    }

    /**
     * Writes the record of {@code e} on its own, without the pairing and nesting of an instance (a
     * DCE/RPC request as UNREPLIED, an answer as REQUEST_LOST, an SMB record as the flow's first).
     *
     * @return false when this event family has no protocol record (nothing written)
     */
    public static boolean write(JsonGenerator g, SensorEvent e) throws IOException {
        if (e instanceof SmbEvent s) {
            SmbRecords.write(g, s);
        } else if (e instanceof NtlmEvent n) {
            NtlmRecords.write(g, n);
        } else if (e instanceof DcerpcEvent d) {
            DcerpcRecords.write(g, d);
        } else if (e instanceof KerberosEvent k) {
            KerberosRecords.write(g, k);
        } else if (e instanceof LdapEvent l) {
            LdapRecords.write(g, l);
        } else if (e instanceof HttpEvent.HttpResponse r) {
            HttpRecords.write(g, r);
        } else if (e instanceof MssqlEvent m) {
            MssqlRecords.write(g, m);
        } else if (e instanceof RdpEvent r) {
            RdpRecords.write(g, r);
        } else if (e instanceof ProtocolAnomaly a) {
            writeAnomaly(g, a);
        } else {
            return false;
        }
        return true;
    }

    /**
     * A request is no transaction yet: it is remembered as the context of the NTLM records of its
     * flow; its response (or the note that none came) writes the {@code http} record.
     */
    private int http(JsonGenerator g, HttpEvent h) throws IOException {
        FlowState f = flow(h.header().flowId());
        if (h instanceof HttpEvent.HttpRequest q) {
            f.httpRequest = q;
            f.httpStatus = -1;
            return 0;
        }
        HttpEvent.HttpResponse r = (HttpEvent.HttpResponse) h;
        if (r.request() != null && r.request() == f.httpRequest) {
            f.httpStatus = r.status();
        }
        HttpRecords.write(g, r);
        return line(g);
    }

    private int dcerpc(JsonGenerator g, DcerpcEvent d) throws IOException {
        int expired = untilFlowEnd ? 0 : expire(g, DcerpcRecords.header(d).timestampNanos());
        return expired + dcerpcRecord(g, d);
    }

    /** Held requests wait for their flow's end ({@link #flowEnded}) rather than for an age. */
    private boolean untilFlowEnd;

    /**
     * A held request is written as UNREPLIED when its flow ends ({@link #flowEnded}, as Suricata
     * logs it) and no longer after {@link #UNREPLIED_AFTER_NANOS} of capture time: for a writer
     * whose records wait for their acknowledging packet, where an answer may be written long after
     * other flows' records have moved the capture time on.
     */
    public void untilFlowEnd() {
        untilFlowEnd = true;
    }

    /** Flow {@code flowId} ended: its requests still waiting for an answer are written as UNREPLIED. */
    public int flowEnded(JsonGenerator g, long flowId) throws IOException {
        int n = 0;
        for (Iterator<Map.Entry<CallKey, DcerpcRequest>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<CallKey, DcerpcRequest> en = it.next();
            if (en.getKey().flowId() == flowId) {
                it.remove();
                n += writeCall(g, en.getValue(), null);
            }
        }
        return n;
    }

    /** Writes the held requests older than {@link #UNREPLIED_AFTER_NANOS} (the oldest are first in the map). */
    private int expire(JsonGenerator g, long nowNanos) throws IOException {
        int n = 0;
        for (Iterator<DcerpcRequest> it = pending.values().iterator(); it.hasNext(); ) {
            DcerpcRequest r = it.next();
            if (nowNanos - r.header().timestampNanos() < UNREPLIED_AFTER_NANOS) {
                break;
            }
            it.remove();
            n += writeCall(g, r, null);
        }
        return n;
    }

    private int dcerpcRecord(JsonGenerator g, DcerpcEvent d) throws IOException {
        if (d instanceof DcerpcBind b) {
            FlowState f = flow(b.header().flowId());
            if (f.contexts == null) {
                f.contexts = new BoundContexts();
            }
            String pipe = pipe(b.namedPipe());
            List<Context> contexts = b.contexts();
            for (int i = 0; i < contexts.size(); i++) { // by index: no iterator per bind
                Context c = contexts.get(i);
                f.contexts.put(pipe, c.contextId(), c);
            }
            DcerpcRecords.writeBind(g, b, b.namedPipe() != null ? f.nextId++ : 0, f.dialect);
            return line(g);
        }
        if (d instanceof DcerpcRequest r) {
            int n = 0;
            CallKey key = new CallKey().set(r.header().flowId(), pipe(r.namedPipe()), r.callId());
            DcerpcRequest older = pending.remove(key);
            if (older != null) {
                n += writeCall(g, older, null);
            }
            if (pending.size() >= MAX_PENDING) {
                Iterator<DcerpcRequest> it = pending.values().iterator();
                DcerpcRequest oldest = it.next();
                it.remove();
                n += writeCall(g, oldest, null);
            }
            pending.put(key, r);
            return n;
        }
        String pipe = d instanceof DcerpcResponse r ? r.namedPipe() : ((DcerpcFault) d).namedPipe();
        int callId = d instanceof DcerpcResponse r ? r.callId() : ((DcerpcFault) d).callId();
        DcerpcRequest req = pending.remove(probe.set(DcerpcRecords.header(d).flowId(), pipe(pipe), callId));
        probe.pipe = null; // the probe keeps no pipe name between answers
        return writeCall(g, req, d);
    }

    private int writeCall(JsonGenerator g, DcerpcRequest req, DcerpcEvent answer) throws IOException {
        DcerpcEvent any = req != null ? req : answer;
        FlowState f = flow(DcerpcRecords.header(any).flowId());
        Context ctx = null;
        if (req != null) {
            ctx = f.contexts != null ? f.contexts.get(pipe(req.namedPipe()), req.contextId()) : null;
        }
        String pipe = req != null ? req.namedPipe() : answer instanceof DcerpcResponse r ? r.namedPipe()
                : ((DcerpcFault) answer).namedPipe();
        DcerpcRecords.writeCall(g, req, answer, ctx, pipe != null ? f.nextId++ : 0, f.dialect);
        return line(g);
    }

    private static String pipe(String namedPipe) {
        return Objects.requireNonNullElse(namedPipe, "");
    }

    private FlowState flow(long flowId) {
        // The same flow as the last lookup (most events follow one of their flow): it is the
        // most recently used entry already, so the table's order is what the lookup would leave,
        // and no key is boxed. Every other access to the table forgets it.
        if (lastFlow != null && flowId == lastFlowId) {
            return lastFlow;
        }
        FlowState f = flows.computeIfAbsent(flowId, k -> new FlowState());
        lastFlowId = flowId;
        lastFlow = f;
        return f;
    }

    /** The flow {@link #flow} returned last and its id (null: none, or the table was used since). */
    private FlowState lastFlow;
    private long lastFlowId;

    private static int line(JsonGenerator g) throws IOException {
        g.writeRaw('\n');
        return 1;
    }

    /**
     * Suricata's applayer anomaly record ({@code type} applayer, {@code event}, {@code layer});
     * app_proto is the protocol named before the dot (smb2.x -> smb2), the detail ours.
     */
    private static void writeAnomaly(JsonGenerator g, ProtocolAnomaly a) throws IOException {
        g.writeStartObject();
        int dot = a.name().indexOf('.');
        EveCommon.writeHeader(g, a.header(), "anomaly", dot > 0 ? a.name().substring(0, dot) : null);
        g.writeObjectFieldStart("anomaly");
        g.writeStringField("type", "applayer");
        g.writeStringField("event", a.name());
        g.writeStringField("layer", "proto_parser");
        g.writeEndObject();
        EveCommon.startExtension(g);
        g.writeStringField("detail", a.detail());
        g.writeEndObject();
        g.writeEndObject();
    }
}
