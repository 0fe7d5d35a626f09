package io.impacketsensor.decoders.smb;

import io.impacketsensor.core.collections.ReusePool;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.wire.ProbeResult;
import io.impacketsensor.decoders.token.TokenDecoder;
import io.impacketsensor.decoders.ntlmssp.NtlmsspLimits;
import io.impacketsensor.decoders.pipe.PipeConsumerFactory;
import io.impacketsensor.decoders.smb1.Smb1Limits;
import io.impacketsensor.decoders.smb2.Smb2Limits;

/**
 * SMB on TCP 445 (Direct TCP) and 139 (NetBIOS session service). One instance per decode worker;
 * its counters are plain fields written by that worker's thread.
 */
public final class SmbAnalyzerFactory implements AnalyzerFactory {

    private final SmbLimits limits;
    private final Smb2Limits smb2Limits;
    private final Smb1Limits smb1Limits;
    private final NtlmsspLimits ntlmLimits;
    private final TokenDecoder tokenDecoder;
    private final PipeConsumerFactory pipes;
    private final SmbCounters counters = new SmbCounters();
    /** Enough for the connections a worker ends between two that start; more only holds memory. */
    static final int POOLED = 32;
    /**
     * The analyzers of ended connections, for this worker's next ones (a replay opens an SMB
     * connection every few hundred packets).
     */
    private final ReusePool<SmbAnalyzer> pool = new ReusePool<>(POOLED);

    /** With the default limits. */
    public SmbAnalyzerFactory(TokenDecoder tokenDecoder, PipeConsumerFactory pipes) {
        this(SmbLimits.DEFAULTS, Smb2Limits.DEFAULTS, Smb1Limits.DEFAULTS, NtlmsspLimits.DEFAULTS, tokenDecoder, pipes);
    }

    /**
     * With the limits of the framing, of SMB2, of SMB1, and the NTLMSSP limits of SMB1 logins
     * without extended security (their responses are read by the SMB1 analyzer, not by the token decoder).
     */
    public SmbAnalyzerFactory(SmbLimits limits, Smb2Limits smb2Limits, Smb1Limits smb1Limits, NtlmsspLimits ntlmLimits,
                              TokenDecoder tokenDecoder, PipeConsumerFactory pipes) {
        this.limits = limits;
        this.smb2Limits = smb2Limits;
        this.smb1Limits = smb1Limits;
        this.ntlmLimits = ntlmLimits;
        this.tokenDecoder = tokenDecoder;
        this.pipes = pipes == null ? PipeConsumerFactory.NONE : pipes;
    }

    @Override
    public String name() {
        // The name of the analyzer.smb2.flows counter and the smb2.decoder_exception anomaly.
        return "smb2";
    }

    @Override
    public boolean wantsPort(Transport transport, int serverPort) {
        return transport == Transport.TCP && (serverPort == 445 || serverPort == 139);
    }

    /**
     * MATCH for an NBSS session message carrying an SMB protocol id (FE/FD/FC/FF 'SMB'), or an
     * NBSS session request/response/keep-alive (RFC 1002 4.3: 0x81..0x85, first on port 139).
     */
    @Override
    public ProbeResult probe(Transport transport, Direction dir, byte[] buf, int off, int len) {
        if (transport != Transport.TCP) {
            return ProbeResult.NO_MATCH;
        }
        if (len < 1) {
            return ProbeResult.NEED_MORE;
        }
        int type = buf[off] & 0xFF;
        if (type >= 0x81 && type <= 0x85) {
            return ProbeResult.MATCH;
        }
        if (type != SmbParser.SESSION_MESSAGE) {
            return ProbeResult.NO_MATCH;
        }
        if (len < 8) {
            return ProbeResult.NEED_MORE;
        }
        return SmbParser.anySmb(buf, off + 4, len - 4) ? ProbeResult.MATCH : ProbeResult.NO_MATCH;
    }

    @Override
    public FlowAnalyzer create(FlowContext ctx) {
        counters.flows++;
        SmbAnalyzer kept = pool.take();
        if (kept != null) {
            kept.reuse(ctx);
            return kept;
        }
        return new SmbAnalyzer(ctx, limits, smb2Limits, smb1Limits, ntlmLimits, counters, tokenDecoder, pipes, pool);
    }

    /** Ended connections' analyzers kept for the next ones (tests). */
    int pooled() {
        return pool.size();
    }

    @Override
    public void reportCounters(CounterVisitor visitor) {
        visitor.counter("proto.smb2.flows", counters.flows);
        visitor.counter("proto.smb2.pdus", counters.pdus);
        visitor.counter("proto.smb2.parser_error", counters.smb2.parserErrors());
        visitor.counter("proto.smb2.gap", counters.gaps);
        visitor.counter("proto.smb2.resyncs", counters.resyncs);
        visitor.counter("proto.smb2.skipped_flows", counters.skippedFlows);
        visitor.counter("proto.smb2.encrypted_pdus", counters.smb2.encryptedPdus());
        visitor.counter("proto.smb2.late_pipes", counters.smb2.latePipes());
        visitor.counter("proto.smb2.smb1_pdus", counters.smb1Pdus);
        visitor.counter("proto.smb1.pdus", counters.smb1.pdus());
        visitor.counter("proto.smb1.parser_error", counters.smb1.parserErrors());
        visitor.counter("proto.smb1.skipped_flows", counters.smb1.skippedFlows());
    }
}
