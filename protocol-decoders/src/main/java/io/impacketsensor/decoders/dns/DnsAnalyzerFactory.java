package io.impacketsensor.decoders.dns;

import io.impacketsensor.core.collections.ReusePool;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.wire.ProbeResult;

/** DNS on TCP and UDP port 53 (RFC 1035 4.2), for DC learning only. One instance per decode worker. */
public final class DnsAnalyzerFactory implements AnalyzerFactory {

    private final DnsLimits limits;
    private final DnsCounters counters = new DnsCounters();
    private final DnsParser parser;
    /** Enough for the UDP flows a worker ends between two that start; more only holds memory. */
    static final int POOLED = 32;
    /** UDP analyzers of ended flows, for this worker's next ones: a resolver makes a flow per query. */
    private final ReusePool<DnsAnalyzer> pool = new ReusePool<>(POOLED);

    public DnsAnalyzerFactory(DnsLimits limits) {
        this.limits = limits;
        this.parser = new DnsParser(limits);
    }

    public DnsAnalyzerFactory() {
        this(DnsLimits.DEFAULTS);
    }

    @Override
    public String name() {
        return "dns";
    }

    @Override
    public boolean wantsPort(Transport transport, int serverPort) {
        return serverPort == 53;
    }

    @Override
    public ProbeResult probe(Transport transport, Direction dir, byte[] buf, int off, int len) {
        int at = transport == Transport.TCP ? 2 : 0;
        if (len < at + DnsParser.HEADER) {
            return transport == Transport.TCP ? ProbeResult.NEED_MORE : ProbeResult.NO_MATCH;
        }
        return DnsParser.plausibleHeader(buf, off + at, len - at) ? ProbeResult.MATCH : ProbeResult.NO_MATCH;
    }

    @Override
    public FlowAnalyzer create(FlowContext ctx) {
        if (ctx.transport() == Transport.UDP) {
            DnsAnalyzer kept = pool.take();
            if (kept != null) {
                kept.reuse(ctx);
                return kept;
            }
        }
        return new DnsAnalyzer(ctx, limits, parser, counters, pool);
    }

    /** UDP analyzers kept for the next flows (tests). */
    int pooled() {
        return pool.size();
    }

    @Override
    public void reportCounters(CounterVisitor visitor) {
        visitor.counter("proto.dns.responses", counters.responses);
        visitor.counter("proto.dns.dc_locator_answers", counters.dcLocatorAnswers);
        visitor.counter("proto.dns.parser_error", counters.parserError);
        visitor.counter("proto.dns.gap", counters.gap);
    }
}
