package io.impacketsensor.decoders.kerberos;

import io.impacketsensor.core.collections.ReusePool;
import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.KerberosEvent.KerberosRequest;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.flow.PduBuffer;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.decoders.limit.BoundedFifo;

/**
 * Kerberos on port 88 (RFC 4120 7.2). UDP: one message per datagram. TCP (7.2.2): each message is
 * preceded by a 4-byte big-endian record mark whose high bit is reserved; records may be split
 * across segments or packed several per segment. A record arriving whole is parsed in place; a
 * split one is copied into a per-direction buffer bounded by {@link KerberosLimits#maxMessageLength()}.
 *
 * <p>Requests are emitted as they are seen; replies and errors are tied to the oldest pending
 * request of the flow (KDC replies come in order on a connection; the nonce of a reply is inside
 * its encrypted part, so it cannot be matched on).
 */
public final class KerberosAnalyzer implements FlowAnalyzer {

    /** Reassembly state of one direction. */
    private static final class Side {
        /**
         * The split record being gathered. When the worker's buffer budget takes it back, the
         * record's length is known, so the rest of it is passed over and the next record read.
         */
        final PduBuffer pdu;
        int markBytes;
        int mark;
        boolean resync;
        boolean started;

        Side(FlowContext ctx) {
            pdu = new PduBuffer(ctx, "kerberos", null);
        }

        /** As {@link #Side(FlowContext)} makes it, for a new flow (its buffer released at close). */
        void reuse(FlowContext ctx) {
            pdu.reuse(ctx);
            markBytes = 0;
            mark = 0;
            resync = false;
            started = false;
        }
    }

    /** Anomalies reported per flow; later ones are only counted. */
    static final int MAX_ANOMALY_EVENTS = 16;
    private int anomalyEvents;

    private FlowContext ctx;
    private final KerberosLimits limits;
    private final KerberosParser parser;
    private final KerberosCounters counters;
    private final boolean tcp;
    /** The TCP record framing of each direction; null over UDP. */
    private final Side toServer;
    private final Side toClient;
    private final Records records;
    private final BoundedFifo<KerberosRequest> pending;
    /** Where the analyzer goes after its {@link #onClose} (null: nowhere). */
    private final ReusePool<KerberosAnalyzer> pool;
    /** Set by {@link #onClose}: a second close must not hand the analyzer to the pool twice. */
    private boolean closed;

    public KerberosAnalyzer(FlowContext ctx, KerberosLimits limits, KerberosCounters counters) {
        this(ctx, limits, counters, new KerberosParser(limits));
    }

    /**
     * @param parser the decode worker's parser, lent to its flows: it keeps nothing from one message
     *               to the next, and a message's events are built before the next is parsed
     */
    KerberosAnalyzer(FlowContext ctx, KerberosLimits limits, KerberosCounters counters, KerberosParser parser) {
        this(ctx, limits, counters, parser, null);
    }

    /** @param pool where the analyzer goes after its close, for the worker's next flow of its transport */
    KerberosAnalyzer(FlowContext ctx, KerberosLimits limits, KerberosCounters counters, KerberosParser parser,
                     ReusePool<KerberosAnalyzer> pool) {
        this.pool = pool;
        this.ctx = ctx;
        this.limits = limits;
        this.parser = parser;
        this.counters = counters;
        this.tcp = ctx.transport() == Transport.TCP;
        this.pending = new BoundedFifo<>(limits.maxPendingRequests());
        // A datagram is a whole message (RFC 4120 7.2.1): only TCP records need the framing state.
        this.toServer = tcp ? new Side(ctx) : null;
        this.toClient = tcp ? new Side(ctx) : null;
        this.records = tcp ? new Records() : null;
    }

    /**
     * For a new flow of the same transport on {@code ctx}, after this one's {@link #onClose}: every
     * field as the constructor leaves it.
     */
    void reuse(FlowContext ctx) {
        this.ctx = ctx;
        anomalyEvents = 0;
        closed = false;
        // Unanswered requests of the last flow were emitted: nothing more is owed them.
        pending.clear();
        if (tcp) {
            toServer.reuse(ctx);
            toClient.reuse(ctx);
        }
    }

    @Override
    public boolean onData(Direction dir, byte[] buf, int off, int len) {
        if (!tcp) {
            return message(dir, buf, off, len);
        }
        Side s = dir == Direction.TO_SERVER ? toServer : toClient;
        if (!s.started) {
            s.started = true;
            // A flow picked up mid-stream (or whose other direction matched the probe) may start
            // inside a record: bytes that are not a record mark followed by a Kerberos tag are
            // passed over until a record starts. A mark before a Kerberos tag is taken as one.
            if (len >= 5 && !KerberosParser.isMessageTag(buf[off + 4] & 0xFF)) {
                s.resync = true;
            }
        }
        if (s.resync) {
            // After a gap, wait for a segment that starts with a plausible record (STYLE.md 7).
            if (!plausibleRecordStart(buf, off, len)) {
                return true;
            }
            s.resync = false;
            counters.resyncs++;
        }
        return s.pdu.frame(dir, buf, off, len, records);
    }

    /** TCP records (RFC 4120 7.2.2): a 4-byte record mark, then the message. */
    private final class Records implements PduBuffer.Framing {
        /** Reads (the rest of) a record mark; a record the segment holds whole is decoded in place. */
        @Override
        public int header(Direction dir, byte[] buf, int off, int len) {
            Side s = dir == Direction.TO_SERVER ? toServer : toClient;
            int used;
            if (s.markBytes == 0 && len >= 4) {
                s.mark = Bytes.i32be(buf, off);
                used = 4;
            } else {
                s.mark = s.mark << 8 | (buf[off] & 0xFF);
                used = 1;
                if (++s.markBytes < 4) {
                    return used;
                }
            }
            s.markBytes = 0;
            // RFC 4120 7.2.2: the high bit is reserved (a KDC answers KRB_ERR_FIELD_TOOLONG and
            // closes): no record length to follow, so wait for a plausible record start. A record
            // over our limit is passed over by its length and the next one read.
            if (s.mark < 0 || s.mark > limits.maxMessageLength()) {
                report(KerberosAnomaly.RECORD_TOO_LONG, "record mark " + (s.mark & 0xFFFF_FFFFL)
                        + " > " + limits.maxMessageLength());
                if (s.mark < 0) {
                    s.resync = true;
                    return len;
                }
                s.pdu.passOver(s.mark);
                return used;
            }
            if (s.mark == 0) {
                return used;
            }
            if (len - used >= s.mark) {
                return message(dir, buf, off + used, s.mark) ? used + s.mark : -1;
            }
            // The record mark is the peer's word (up to maxMessageLength): the worker's buffer
            // budget decides whether all those bytes may be held; if not, the record is passed over.
            s.pdu.start(s.mark, null, 0);
            return used;
        }

        @Override
        public boolean pdu(Direction dir, byte[] buf, int off, int len) {
            return message(dir, buf, off, len);
        }
    }

    /**
     * True when a segment starts with a record mark within the limit, a Kerberos application tag,
     * and a DER length that fills exactly the record: the test used to resynchronise after a gap.
     */
    private boolean plausibleRecordStart(byte[] buf, int off, int len) {
        if (len < 6) {
            return false;
        }
        long mark = Bytes.u32be(buf, off);
        if (mark > limits.maxMessageLength() || !KerberosParser.isMessageTag(buf[off + 4] & 0xFF)) {
            return false;
        }
        int first = buf[off + 5] & 0xFF;
        if (first < 0x80) {
            return mark == 2 + first;
        }
        int n = first & 0x7F;
        if (n < 1 || n > 3 || len < 6 + n) {
            return false;
        }
        return mark == 2 + n + Bytes.beN(buf, off + 6, n);
    }

    private boolean message(Direction dir, byte[] buf, int off, int len) {
        ParseStatus st = parser.parse(buf, off, len);
        if (st != ParseStatus.OK) {
            KerberosAnomaly a = parser.anomaly();
            // The record or datagram delimits the message: only this one is dropped.
            report(a, a == KerberosAnomaly.TRUNCATED ? "message longer than its " + (tcp ? "record" : "datagram")
                    : "message of " + len + " bytes");
            return true;
        }
        counters.pdus++;
        switch (parser.msgType) {
            case 10:
            case 12: {
                KerberosRequest req = KerberosEvents.request(parser, ctx.header());
                ctx.emit(req);
                if (pending.full()) {
                    // The oldest unanswered request is forgotten: its reply, if any, is reported alone.
                    report(KerberosAnomaly.TOO_MANY_PENDING, pending.size() + " requests without reply");
                    takePending();
                }
                pending.add(req);
                return true;
            }
            case 11:
            case 13:
                ctx.emit(KerberosEvents.reply(parser, ctx.header(), takePending()));
                return true;
            case 30:
                ctx.emit(KerberosEvents.error(parser, ctx.header(), takePending()));
                return true;
            case 14:
                // An AP-REQ sent to port 88 (a KDC-less kpasswd-style exchange or a probe).
                ctx.emit(KerberosEvents.apRequest(parser, ctx.header(), Carrier.RAW));
                return true;
            default:
                return true;
        }
    }

    private KerberosRequest takePending() {
        return pending.poll();
    }

    /**
     * Reports an anomaly (at most {@link #MAX_ANOMALY_EVENTS} events per flow, so a peer cannot
     * turn malformed messages into an event flood). The flow is never given up: one crafted
     * message sent first must not hide the requests after it.
     */
    private void report(KerberosAnomaly a, String detail) {
        counters.parserError++;
        if (anomalyEvents < MAX_ANOMALY_EVENTS) {
            anomalyEvents++;
            KerberosEvents.anomaly(ctx, a, detail);
        }
    }

    @Override
    public boolean onGap(Direction dir, long len) {
        counters.gap++;
        Side s = dir == Direction.TO_SERVER ? toServer : toClient;
        if (s != null) {
            s.markBytes = 0;
            s.pdu.clear();
            s.resync = true;
        }
        KerberosEvents.anomaly(ctx, KerberosAnomaly.GAP, len + " bytes missing");
        return true;
    }

    @Override
    public void onClose() {
        if (closed) {
            return;
        }
        closed = true;
        // Requests are emitted when seen; an unanswered request needs nothing more.
        if (tcp) {
            toServer.pdu.release();
            toClient.pdu.release();
        }
        if (pool != null) {
            // Nothing calls an analyzer after its close (the flow is detached): it serves the
            // worker's next Kerberos flow, of which a client makes one per exchange.
            pool.give(this);
        }
    }
}
