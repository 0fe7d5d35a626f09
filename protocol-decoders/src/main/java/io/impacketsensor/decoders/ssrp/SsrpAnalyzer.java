package io.impacketsensor.decoders.ssrp;

import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.wire.ParseStatus;

/**
 * One SQL Server Browser conversation on UDP 1434 ([MC-SQLR] 3.1, 3.2): each datagram is one
 * message, the client's a request, the server's the SVR_RESP to the last request (the answer to
 * CLNT_UCAST_DAC has its own layout). No framing and no gaps: a lost datagram is a lost message.
 */
public final class SsrpAnalyzer implements FlowAnalyzer {
    /** Anomalies reported per flow; later ones are only counted. */
    static final int MAX_ANOMALY_EVENTS = 8;
    private int anomalyEvents;

    private final FlowContext ctx;
    private final SsrpParser parser;
    private final SsrpCounters counters;
    /** Opcode of the client's last request, -1 before one. */
    private int lastRequest = -1;

    /**
     * @param parser the worker's parser, shared by its flows (a datagram is parsed and its event built
     *               before the next one)
     */
    public SsrpAnalyzer(FlowContext ctx, SsrpParser parser, SsrpCounters counters) {
        this.ctx = ctx;
        this.parser = parser;
        this.counters = counters;
    }

    @Override
    public boolean onData(Direction dir, byte[] buf, int off, int len) {
        if (dir == Direction.TO_SERVER) {
            if (parser.parse(buf, off, len, true, lastRequest) != ParseStatus.OK) {
                report(parser.anomaly(), "request of " + len + " bytes");
                return true;
            }
            lastRequest = parser.opcode;
            counters.requests++;
            ctx.emit(SsrpEvents.request(parser, ctx.header()));
            return true;
        }
        if (parser.parse(buf, off, len, false, lastRequest) != ParseStatus.OK) {
            report(parser.anomaly(), "answer of " + len + " bytes");
            return true;
        }
        counters.responses++;
        ctx.emit(SsrpEvents.response(parser, ctx.header()));
        return true;
    }

    /** Reports an anomaly (at most {@link #MAX_ANOMALY_EVENTS} events per flow, every one counted). */
    private void report(SsrpAnomaly a, String detail) {
        counters.parserError++;
        if (anomalyEvents < MAX_ANOMALY_EVENTS) {
            anomalyEvents++;
            SsrpEvents.anomaly(ctx, a, detail);
        }
    }

    @Override
    public boolean onGap(Direction dir, long len) {
        return true; // datagrams: nothing spans a gap
    }

    @Override
    public void onClose() {
        // nothing pending: every datagram is complete in itself
    }
}
