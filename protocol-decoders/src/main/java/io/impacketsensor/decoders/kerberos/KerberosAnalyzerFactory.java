package io.impacketsensor.decoders.kerberos;

import io.impacketsensor.core.collections.ReusePool;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.wire.ProbeResult;

/** Kerberos on TCP and UDP port 88 (RFC 4120 7.2.1, 7.2.2). One instance per decode worker. */
public final class KerberosAnalyzerFactory implements AnalyzerFactory {

    private final KerberosLimits limits;
    private final KerberosCounters counters = new KerberosCounters();
    /** The worker's parser, lent to every flow (a worker decodes one message at a time). */
    private final KerberosParser parser;

    /** Enough for the flows a worker ends between two that start; more only holds memory. */
    static final int POOLED = 32;
    /**
     * Analyzers of ended flows, for this worker's next ones, one pool per transport (a UDP analyzer
     * has no record framing): a client makes a flow per exchange, and a new analyzer, its buffers
     * and their budget accounts per flow were most of what a Kerberos flow allocated.
     */
    private final ReusePool<KerberosAnalyzer> tcpPool = new ReusePool<>(POOLED);
    private final ReusePool<KerberosAnalyzer> udpPool = new ReusePool<>(POOLED);

    public KerberosAnalyzerFactory(KerberosLimits limits) {
        this.limits = limits;
        this.parser = new KerberosParser(limits);
    }

    public KerberosAnalyzerFactory() {
        this(KerberosLimits.DEFAULTS);
    }

    @Override
    public String name() {
        return "kerberos";
    }

    @Override
    public boolean wantsPort(Transport transport, int serverPort) {
        return serverPort == 88;
    }

    @Override
    public ProbeResult probe(Transport transport, Direction dir, byte[] buf, int off, int len) {
        int tagAt = transport == Transport.TCP ? 4 : 0;
        if (len <= tagAt) {
            return ProbeResult.NEED_MORE;
        }
        boolean start = (transport != Transport.TCP || (buf[off] & 0x80) == 0)
                && KerberosParser.isMessageTag(buf[off + tagAt] & 0xFF);
        if (start) {
            return ProbeResult.MATCH;
        }
        // A TCP direction picked up inside a record says nothing: let the other direction (or the
        // probe byte limit) decide, as tshark does for a capture that starts mid-exchange.
        return transport == Transport.TCP ? ProbeResult.NEED_MORE : ProbeResult.NO_MATCH;
    }

    @Override
    public FlowAnalyzer create(FlowContext ctx) {
        ReusePool<KerberosAnalyzer> pool = ctx.transport() == Transport.TCP ? tcpPool : udpPool;
        KerberosAnalyzer kept = pool.take();
        if (kept != null) {
            kept.reuse(ctx);
            return kept;
        }
        return new KerberosAnalyzer(ctx, limits, counters, parser, pool);
    }

    /** Analyzers kept for the next flows of {@code transport} (tests). */
    int pooled(Transport transport) {
        return (transport == Transport.TCP ? tcpPool : udpPool).size();
    }

    /** The hook the shared token decoder calls with Kerberos messages found in GSS tokens. */
    public KerberosTokenHandler tokenHook() {
        return new KerberosTokenHandler(limits, counters);
    }

    @Override
    public void reportCounters(CounterVisitor visitor) {
        visitor.counter("proto.kerberos.pdus", counters.pdus);
        visitor.counter("proto.kerberos.parser_error", counters.parserError);
        visitor.counter("proto.kerberos.gap", counters.gap);
        visitor.counter("proto.kerberos.resyncs", counters.resyncs);
        visitor.counter("proto.kerberos.skipped_flows", counters.skippedFlows);
    }
}
