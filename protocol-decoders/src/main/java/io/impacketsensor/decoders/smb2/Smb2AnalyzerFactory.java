package io.impacketsensor.decoders.smb2;

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
import io.impacketsensor.decoders.smb1.Smb1Analyzer;
import io.impacketsensor.decoders.smb1.Smb1Limits;

/**
 * SMB on TCP 445 (Direct TCP) and 139 (NetBIOS session service). One instance per decode worker;
 * its counters are plain fields written by that worker's thread.
 */
public final class Smb2AnalyzerFactory implements AnalyzerFactory {

    private final Smb2Limits limits;
    private final Smb1Limits smb1Limits;
    private final NtlmsspLimits ntlmLimits;
    private final TokenDecoder tokenDecoder;
    private final PipeConsumerFactory pipes;
    private final Smb2Counters counters = new Smb2Counters();

    public Smb2AnalyzerFactory(Smb2Limits limits, TokenDecoder tokenDecoder, PipeConsumerFactory pipes) {
        this(limits, Smb1Limits.DEFAULTS, tokenDecoder, pipes);
    }

    /** With the limits of the SMB1 (MS-CIFS) messages the connections may carry. */
    public Smb2AnalyzerFactory(Smb2Limits limits, Smb1Limits smb1Limits, TokenDecoder tokenDecoder,
                               PipeConsumerFactory pipes) {
        this(limits, smb1Limits, NtlmsspLimits.DEFAULTS, tokenDecoder, pipes);
    }

    /**
     * With the SMB1 limits and the NTLMSSP limits of SMB1 logins without extended security (their
     * responses are read here, not by the token decoder).
     */
    public Smb2AnalyzerFactory(Smb2Limits limits, Smb1Limits smb1Limits, NtlmsspLimits ntlmLimits,
                               TokenDecoder tokenDecoder, PipeConsumerFactory pipes) {
        this.limits = limits;
        this.smb1Limits = smb1Limits;
        this.ntlmLimits = ntlmLimits;
        this.tokenDecoder = tokenDecoder;
        this.pipes = pipes == null ? PipeConsumerFactory.NONE : pipes;
    }

    @Override
    public String name() {
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
        if (type != 0) {
            return ProbeResult.NO_MATCH;
        }
        if (len < 8) {
            return ProbeResult.NEED_MORE;
        }
        int proto = buf[off + 4] & 0xFF;
        boolean smb = (proto == 0xFE || proto == 0xFD || proto == 0xFC || proto == 0xFF)
                && buf[off + 5] == 'S' && buf[off + 6] == 'M' && buf[off + 7] == 'B';
        return smb ? ProbeResult.MATCH : ProbeResult.NO_MATCH;
    }

    @Override
    public FlowAnalyzer create(FlowContext ctx) {
        counters.flows++;
        return new Smb2Analyzer(ctx, limits, smb1Limits, ntlmLimits, counters, tokenDecoder, pipes);
    }

    @Override
    public void reportCounters(CounterVisitor visitor) {
        visitor.counter("proto.smb2.flows", counters.flows);
        visitor.counter("proto.smb2.pdus", counters.pdus);
        visitor.counter("proto.smb2.parser_error", counters.parserErrors);
        visitor.counter("proto.smb2.gap", counters.gaps);
        visitor.counter("proto.smb2.skipped_flows", counters.skippedFlows);
        visitor.counter("proto.smb2.encrypted_pdus", counters.encryptedPdus);
        visitor.counter("proto.smb2.smb1_pdus", counters.smb1Pdus);
        visitor.counter("proto.smb1.pdus", counters.smb1.pdus());
        visitor.counter("proto.smb1.parser_error", counters.smb1.parserErrors());
        visitor.counter("proto.smb1.skipped_flows", counters.smb1.skippedFlows());
    }
}
