package io.impacketsensor.decoders.mssql;

import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.ProbeResult;
import io.impacketsensor.decoders.token.TokenDecoder;

/**
 * TDS (SQL Server) on TCP 1433, and on any other TCP port whose first packet is a PRELOGIN (or the
 * server's answer to one). One instance per decode worker.
 */
public final class MssqlAnalyzerFactory implements AnalyzerFactory {
    private final MssqlLimits limits;
    private final TokenDecoder tokenDecoder;
    private final MssqlCounters counters = new MssqlCounters();

    /**
     * @param tokenDecoder the shared SPNEGO/NTLMSSP/Kerberos token decoder for SSPI data, or null to
     *                     record logins without decoding their tokens
     */
    public MssqlAnalyzerFactory(MssqlLimits limits, TokenDecoder tokenDecoder) {
        this.limits = limits;
        this.tokenDecoder = tokenDecoder;
    }

    @Override
    public String name() {
        return "mssql";
    }

    @Override
    public boolean wantsPort(Transport transport, int serverPort) {
        return transport == Transport.TCP && serverPort == 1433;
    }

    @Override
    public boolean probesAnyPort() {
        return true;
    }

    /**
     * The first packet of a connection (MS-TDS 2.2.3.1, 2.2.6.5): a PRELOGIN (0x12) whose option
     * table starts with VERSION or, from a client without one, a LOGIN7 (0x10), with EOM set and
     * window 0; or the server's answer to a PRELOGIN (0x04, SPID 0) whose option table starts with
     * VERSION.
     */
    @Override
    public ProbeResult probe(Transport transport, Direction dir, byte[] buf, int off, int len) {
        if (transport != Transport.TCP) {
            return ProbeResult.NO_MATCH;
        }
        if (len < MssqlParser.HEADER + 1) {
            return ProbeResult.NEED_MORE;
        }
        int type = buf[off] & 0xFF;
        int length = Bytes.u16be(buf, off + 2);
        // The PacketID is not checked: the spec starts it at 1, Impacket's TDS client sends 0.
        boolean header = buf[off + 1] == MssqlParser.EOM && buf[off + 7] == 0;
        if (dir == Direction.TO_SERVER) {
            boolean ok = header && (type == MssqlParser.PRELOGIN && length >= MssqlParser.HEADER + 6
                    && buf[off + MssqlParser.HEADER] == 0
                    || type == MssqlParser.LOGIN7 && length >= MssqlParser.HEADER + 86);
            return ok ? ProbeResult.MATCH : ProbeResult.NO_MATCH;
        }
        boolean ok = header && type == MssqlParser.TABULAR_RESULT && buf[off + 4] == 0 && buf[off + 5] == 0
                && length >= MssqlParser.HEADER + 6 && buf[off + MssqlParser.HEADER] == 0;
        return ok ? ProbeResult.MATCH : ProbeResult.NO_MATCH;
    }

    @Override
    public FlowAnalyzer create(FlowContext ctx) {
        return new MssqlAnalyzer(ctx, limits, counters, tokenDecoder);
    }

    @Override
    public void reportCounters(CounterVisitor visitor) {
        visitor.counter("proto.mssql.pdus", counters.pdus);
        visitor.counter("proto.mssql.parser_error", counters.parserError);
        visitor.counter("proto.mssql.gap", counters.gap);
        visitor.counter("proto.mssql.skipped_flows", counters.skippedFlows);
        visitor.counter("proto.mssql.encrypted", counters.encrypted);
        visitor.counter("proto.mssql.encrypted_logins", counters.encryptedLogins);
        visitor.counter("proto.mssql.logins", counters.logins);
        visitor.counter("proto.mssql.batches", counters.batches);
    }
}
