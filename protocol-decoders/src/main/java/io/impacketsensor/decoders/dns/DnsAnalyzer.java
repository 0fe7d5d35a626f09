package io.impacketsensor.decoders.dns;

import io.impacketsensor.core.collections.ReusePool;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.flow.PduBuffer;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.ParseStatus;

/**
 * DNS on port 53 (RFC 1035 4.2): over UDP one message per datagram, over TCP each message preceded
 * by a two-byte length (4.2.2). Only the server's direction is read (responses); a DC locator answer
 * becomes an event. A TCP message arriving whole is parsed in place, a split one is copied into the
 * direction's buffer. After a gap the direction is not read any more: a DNS connection carries a few
 * short messages, and a length prefix cannot be found again with certainty.
 */
public final class DnsAnalyzer implements FlowAnalyzer {
    /** Anomalies reported per flow; later ones are only counted. */
    static final int MAX_ANOMALY_EVENTS = 8;
    private int anomalyEvents;

    private FlowContext ctx;
    private final DnsLimits limits;
    private final DnsParser parser;
    private final DnsCounters counters;
    private final boolean tcp;
    private final PduBuffer pdu;
    private final Messages messages;
    /** First byte of a length prefix split across segments, or -1. */
    private int prefixByte = -1;
    private boolean lost;
    /** Where a UDP analyzer goes after its {@link #onClose} (null: nowhere, and always for TCP). */
    private final ReusePool<DnsAnalyzer> pool;
    /** Set by {@link #onClose}: a second close must not hand the analyzer to the pool twice. */
    private boolean closed;

    /**
     * @param parser the worker's parser, shared by its DNS flows (a message is parsed and its event
     *               built before the next one), so that a flow costs no parser of its own: DNS flows
     *               are many and short
     */
    public DnsAnalyzer(FlowContext ctx, DnsLimits limits, DnsParser parser, DnsCounters counters) {
        this(ctx, limits, parser, counters, null);
    }

    DnsAnalyzer(FlowContext ctx, DnsLimits limits, DnsParser parser, DnsCounters counters, ReusePool<DnsAnalyzer> pool) {
        this.ctx = ctx;
        this.limits = limits;
        this.parser = parser;
        this.counters = counters;
        this.tcp = ctx.transport() == Transport.TCP;
        this.pdu = tcp ? new PduBuffer(ctx, "dns", null) : null;
        this.messages = tcp ? new Messages() : null;
        this.pool = tcp ? null : pool;
    }

    /**
     * For a new UDP flow on {@code ctx}, after this one's {@link #onClose}: every field as the
     * constructor leaves it. A UDP analyzer holds no buffer, only its context and its count of
     * anomaly events.
     */
    void reuse(FlowContext ctx) {
        this.ctx = ctx;
        anomalyEvents = 0;
        prefixByte = -1;
        lost = false;
        closed = false;
    }

    @Override
    public boolean onData(Direction dir, byte[] buf, int off, int len) {
        if (dir != Direction.TO_CLIENT || lost) {
            return true;
        }
        if (!tcp) {
            message(buf, off, len);
            return true;
        }
        return pdu.frame(dir, buf, off, len, messages);
    }

    /** TCP messages (RFC 1035 4.2.2): a two-byte length, then the message. */
    private final class Messages implements PduBuffer.Framing {
        @Override
        public int header(Direction dir, byte[] buf, int off, int len) {
            int length;
            int used;
            if (prefixByte < 0 && len >= 2) {
                length = Bytes.u16be(buf, off);
                used = 2;
            } else if (prefixByte < 0) {
                prefixByte = buf[off] & 0xFF;
                return 1;
            } else {
                length = prefixByte << 8 | (buf[off] & 0xFF);
                prefixByte = -1;
                used = 1;
            }
            if (length == 0) {
                return used;
            }
            if (length > limits.maxMessageLength()) {
                report(DnsAnomaly.MESSAGE_TOO_LONG, length + " > " + limits.maxMessageLength());
                pdu.passOver(length);
                return used;
            }
            if (len - used >= length) {
                message(buf, off + used, length);
                return used + length;
            }
            pdu.start(length, null, 0);
            return used;
        }

        @Override
        public boolean pdu(Direction dir, byte[] buf, int off, int len) {
            message(buf, off, len);
            return true;
        }
    }

    private void message(byte[] buf, int off, int len) {
        counters.responses++;
        ParseStatus st = parser.parse(buf, off, len);
        if (st != ParseStatus.OK) {
            report(parser.anomaly(), "DC locator answer of " + len + " bytes");
            return;
        }
        if (parser.anomaly() != null) {
            report(parser.anomaly(), "more than " + limits.maxRecords() + " records");
        }
        if (parser.dcLocator) {
            counters.dcLocatorAnswers++;
            ctx.emit(DnsEvents.dcLocator(parser, ctx.header()));
        }
    }

    /** Reports an anomaly (at most {@link #MAX_ANOMALY_EVENTS} events per flow, every one counted). */
    private void report(DnsAnomaly a, String detail) {
        counters.parserError++;
        if (anomalyEvents < MAX_ANOMALY_EVENTS) {
            anomalyEvents++;
            DnsEvents.anomaly(ctx, a, detail);
        }
    }

    @Override
    public boolean onGap(Direction dir, long len) {
        if (dir == Direction.TO_CLIENT && tcp) {
            counters.gap++;
            lost = true;
            pdu.clear();
            report(DnsAnomaly.GAP, len + " bytes missing");
        }
        return true;
    }

    @Override
    public void onClose() {
        if (closed) {
            return;
        }
        closed = true;
        if (pdu != null) {
            pdu.release();
        }
        if (pool != null) {
            // Nothing calls an analyzer after its close (the flow is detached): it serves the
            // worker's next DNS datagram flow, of which a resolver makes one per query.
            pool.give(this);
        }
    }

}
