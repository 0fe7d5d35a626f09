package io.impacketsensor.decoders.ssrp;

import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.wire.ProbeResult;

/** The SQL Server Browser on UDP port 1434 ([MC-SQLR] 2.1). One instance per decode worker. */
public final class SsrpAnalyzerFactory implements AnalyzerFactory {

    private final SsrpCounters counters = new SsrpCounters();
    private final SsrpParser parser;

    public SsrpAnalyzerFactory(SsrpLimits limits) {
        this.parser = new SsrpParser(limits);
    }

    public SsrpAnalyzerFactory() {
        this(SsrpLimits.DEFAULTS);
    }

    @Override
    public String name() {
        return "ssrp";
    }

    @Override
    public boolean wantsPort(Transport transport, int serverPort) {
        return transport == Transport.UDP && serverPort == 1434;
    }

    @Override
    public ProbeResult probe(Transport transport, Direction dir, byte[] buf, int off, int len) {
        if (transport != Transport.UDP || len < 1) {
            return ProbeResult.NO_MATCH;
        }
        int op = buf[off] & 0xFF;
        boolean match = dir == Direction.TO_SERVER ? SsrpParser.requestOpcode(op) : op == SsrpParser.SVR_RESP;
        return match ? ProbeResult.MATCH : ProbeResult.NO_MATCH;
    }

    @Override
    public FlowAnalyzer create(FlowContext ctx) {
        return new SsrpAnalyzer(ctx, parser, counters);
    }

    @Override
    public void reportCounters(CounterVisitor visitor) {
        visitor.counter("proto.ssrp.requests", counters.requests);
        visitor.counter("proto.ssrp.responses", counters.responses);
        visitor.counter("proto.ssrp.parser_error", counters.parserError);
    }
}
