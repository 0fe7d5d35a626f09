package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.wire.ProbeResult;
import io.impacketsensor.decoders.dcerpc.dcom.DcomObjects;
import io.impacketsensor.decoders.token.TokenDecoder;
import io.impacketsensor.decoders.pipe.PipeConsumerFactory;

/**
 * DCE/RPC over TCP: the endpoint mapper port 135, ports announced by ept_map answers (through
 * {@link FlowContext#expect}), and any TCP flow whose first bytes pass the header probe. One
 * instance per decode worker; {@link #pipeConsumers()} gives the SMB2 analyzer the named-pipe side,
 * sharing limits, counters and the token decoder.
 */
public final class DcerpcAnalyzerFactory implements AnalyzerFactory {
    /** The analyzer name used in counters, config and {@code expect}. */
    public static final String NAME = "dcerpc";
    /** The endpoint mapper (C706 appendix O / MS-RPCE 2.1.1.1). */
    public static final int EPM_PORT = 135;

    private final DcerpcLimits limits;
    private final TokenDecoder tokens;
    private final DcerpcCounters counters = new DcerpcCounters();
    private final DcerpcPipeConsumerFactory pipes;
    private final DcomObjects dcom;
    /** The worker's kept association tables, shared with the named-pipe side. */
    private final AssociationTables.Pool tables;

    /**
     * @param limits the limits
     * @param tokens the shared token decoder (NTLMSSP/SPNEGO/Kerberos in auth trailers), or null
     */
    public DcerpcAnalyzerFactory(DcerpcLimits limits, TokenDecoder tokens) {
        this(limits, tokens, null);
    }

    /**
     * @param dcom the pipeline's DCOM object table (shared by its workers), or null for no DCOM
     *             object tracking
     */
    public DcerpcAnalyzerFactory(DcerpcLimits limits, TokenDecoder tokens, DcomObjects dcom) {
        this.limits = limits;
        this.tokens = tokens;
        this.dcom = dcom;
        this.tables = new AssociationTables.Pool(limits);
        this.pipes = new DcerpcPipeConsumerFactory(limits, counters, tokens, dcom, tables);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean wantsPort(Transport transport, int serverPort) {
        return transport == Transport.TCP && serverPort == EPM_PORT;
    }

    @Override
    public boolean probesAnyPort() {
        return true;
    }

    @Override
    public ProbeResult probe(Transport transport, Direction dir, byte[] buf, int off, int len) {
        if (transport != Transport.TCP) {
            return ProbeResult.NO_MATCH;
        }
        return DcerpcParser.probe(buf, off, len);
    }

    @Override
    public FlowAnalyzer create(FlowContext ctx) {
        DcerpcAnalyzer kept = tables.analyzer(ctx, null);
        return kept != null ? kept : new DcerpcAnalyzer(ctx, null, limits, counters, tokens, dcom, tables);
    }

    /** The consumer factory for SMB2 named pipes (hand it to the SMB2 analyzer factory). */
    public PipeConsumerFactory pipeConsumers() {
        return pipes;
    }

    /**
     * Also the shared token decoder's counters ({@code proto.gssapi.*}, {@code proto.ntlmssp.*}):
     * the decoder serves SMB, DCE/RPC and LDAP but is no factory of its own, so one factory of the
     * worker must report it, and every worker has the DCE/RPC factory (the catch-all probe).
     */
    @Override
    public void reportCounters(CounterVisitor visitor) {
        counters.report(visitor);
        if (tokens != null) {
            tokens.reportCounters(visitor);
        }
    }
}
