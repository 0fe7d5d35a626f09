package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.collections.ReusePool;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.core.wire.ProbeResult;
import io.impacketsensor.decoders.token.TokenDecoder;

/** LDAP on TCP 389 and 3268 (global catalog), CLDAP on UDP 389. One instance per decode worker. */
public final class LdapAnalyzerFactory implements AnalyzerFactory {

    private final LdapLimits limits;
    private final TokenDecoder tokenDecoder;
    private final LdapCounters counters = new LdapCounters();
    private final LdapParser probeParser;
    private final boolean allSearchEntries;
    /** Enough for the flows a worker ends between two that start; more only holds memory. */
    static final int POOLED = 16;
    /**
     * Analyzers of ended flows, for this worker's next ones, one pool per transport (a CLDAP
     * analyzer has no framing): a new analyzer, its parser, buffers and tables were about 1.2 kB
     * per connection, and a client makes a connection per query or two.
     */
    private final ReusePool<LdapAnalyzer> tcpPool = new ReusePool<>(POOLED);
    private final ReusePool<LdapAnalyzer> udpPool = new ReusePool<>(POOLED);

    /**
     * @param tokenDecoder the shared SPNEGO/NTLMSSP/Kerberos token decoder for SASL and Sicily
     *                     credentials, or null to record binds without decoding their tokens
     */
    public LdapAnalyzerFactory(LdapLimits limits, TokenDecoder tokenDecoder) {
        this(limits, tokenDecoder, true);
    }

    /**
     * @param allSearchEntries true: every search keeps its result entries for its protocol record;
     *                         false: only root DSE base searches do (what detection reads), the
     *                         other entries are counted and passed over by length, never buffered
     */
    public LdapAnalyzerFactory(LdapLimits limits, TokenDecoder tokenDecoder, boolean allSearchEntries) {
        this.limits = limits;
        this.tokenDecoder = tokenDecoder;
        this.probeParser = new LdapParser(limits);
        this.allSearchEntries = allSearchEntries;
    }

    public LdapAnalyzerFactory(TokenDecoder tokenDecoder) {
        this(LdapLimits.DEFAULTS, tokenDecoder);
    }

    @Override
    public String name() {
        return "ldap";
    }

    @Override
    public boolean wantsPort(Transport transport, int serverPort) {
        return serverPort == 389 || (transport == Transport.TCP && serverPort == 3268);
    }

    @Override
    public ProbeResult probe(Transport transport, Direction dir, byte[] buf, int off, int len) {
        if (len == 0) {
            return ProbeResult.NEED_MORE;
        }
        if (buf[off] != 0x30) {
            // A flow taken up after its SASL bind starts with a SASL buffer (RFC 4422 3.7), not an
            // LDAPMessage: recognised by its GSS wrap token (LdapSaslUnwrap.bufferStart).
            return transport == Transport.TCP && LdapSaslUnwrap.bufferStart(buf, off, len, limits.maxMessageLength())
                    ? ProbeResult.MATCH : ProbeResult.NO_MATCH;
        }
        ParseStatus st = probeParser.peek(buf, off, len);
        if (st == ParseStatus.NEED_MORE) {
            return ProbeResult.NEED_MORE;
        }
        return st == ParseStatus.OK && probeParser.peekOp <= LdapParser.EXTENDED_RESPONSE + 1
                ? ProbeResult.MATCH : ProbeResult.NO_MATCH;
    }

    @Override
    public FlowAnalyzer create(FlowContext ctx) {
        ReusePool<LdapAnalyzer> pool = ctx.transport() == Transport.TCP ? tcpPool : udpPool;
        LdapAnalyzer kept = pool.take();
        if (kept != null) {
            kept.reuse(ctx);
            return kept;
        }
        return new LdapAnalyzer(ctx, limits, counters, tokenDecoder, allSearchEntries, pool);
    }

    /** Analyzers kept for the next flows of {@code transport} (tests). */
    int pooled(Transport transport) {
        return (transport == Transport.TCP ? tcpPool : udpPool).size();
    }

    @Override
    public void reportCounters(CounterVisitor visitor) {
        visitor.counter("proto.ldap.pdus", counters.pdus);
        visitor.counter("proto.ldap.parser_error", counters.parserError);
        visitor.counter("proto.ldap.gap", counters.gap);
        visitor.counter("proto.ldap.resyncs", counters.resyncs);
        visitor.counter("proto.ldap.skipped_flows", counters.skippedFlows);
    }
}
