package io.impacketsensor.decoders.rdp;

import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.ProbeResult;

/**
 * RDP on TCP 3389 ([MS-RDPBCGR] 1.3.1.1), and on any other TCP port whose first packet is an X.224
 * Connection Request or Confirm shaped as RDP shapes it. One instance per decode worker.
 */
public final class RdpAnalyzerFactory implements AnalyzerFactory {
    private final RdpLimits limits;
    private final RdpCounters counters = new RdpCounters();

    public RdpAnalyzerFactory(RdpLimits limits) {
        this.limits = limits;
    }

    @Override
    public String name() {
        return "rdp";
    }

    @Override
    public boolean wantsPort(Transport transport, int serverPort) {
        return transport == Transport.TCP && serverPort == 3389;
    }

    @Override
    public boolean probesAnyPort() {
        return true;
    }

    /**
     * A TPKT (version 3, reserved 0, RFC 1006 6) holding exactly one class-0 X.224 TPDU (LI + 1
     * octets, ISO 8073 13.2.1): from the client a Connection Request (0xE0), from the server a
     * Confirm (0xD0), each with DST-REF 0 from the client and class option 0, whose variable part is
     * what [MS-RDPBCGR] 2.2.1.1 and 2.2.1.2 put there: nothing, a cookie or routing token ("Cookie: "),
     * or an RDP negotiation structure (type 1 from the client, 2 or 3 from the server, length 8).
     * Other ISO transport users over TPKT (S7comm, MMS) send TSAP parameters there instead.
     */
    @Override
    public ProbeResult probe(Transport transport, Direction dir, byte[] buf, int off, int len) {
        if (transport != Transport.TCP) {
            return ProbeResult.NO_MATCH;
        }
        if (len < 11) {
            return len > 0 && buf[off] != RdpParser.TPKT_VERSION ? ProbeResult.NO_MATCH : ProbeResult.NEED_MORE;
        }
        int total = Bytes.u16be(buf, off + 2);
        int li = buf[off + 4] & 0xFF;
        int code = buf[off + 5] & 0xFF;
        boolean toServer = dir == Direction.TO_SERVER;
        if (buf[off] != RdpParser.TPKT_VERSION || buf[off + 1] != 0 || li < 6 || total != RdpParser.TPKT_HEADER + 1 + li
                || code != (toServer ? RdpParser.X224_CR : RdpParser.X224_CC) || buf[off + 10] != 0
                || toServer && (buf[off + 6] != 0 || buf[off + 7] != 0)) {
            return ProbeResult.NO_MATCH;
        }
        if (li == 6) {
            return ProbeResult.MATCH;
        }
        if (len < 12) {
            return ProbeResult.NEED_MORE;
        }
        int type = buf[off + 11] & 0xFF;
        if (toServer && type == 'C') {
            return ProbeResult.MATCH;
        }
        boolean neg = toServer ? type == RdpParser.TYPE_RDP_NEG_REQ
                : type == RdpParser.TYPE_RDP_NEG_RSP || type == RdpParser.TYPE_RDP_NEG_FAILURE;
        if (!neg || li < 14) {
            return ProbeResult.NO_MATCH;
        }
        if (len < 15) {
            return ProbeResult.NEED_MORE;
        }
        return Bytes.u16le(buf, off + 13) == 8 ? ProbeResult.MATCH : ProbeResult.NO_MATCH;
    }

    @Override
    public FlowAnalyzer create(FlowContext ctx) {
        return new RdpAnalyzer(ctx, limits, counters);
    }

    @Override
    public void reportCounters(CounterVisitor visitor) {
        visitor.counter("proto.rdp.pdus", counters.pdus);
        visitor.counter("proto.rdp.parser_error", counters.parserError);
        visitor.counter("proto.rdp.gap", counters.gap);
        visitor.counter("proto.rdp.skipped_flows", counters.skippedFlows);
        visitor.counter("proto.rdp.tls", counters.tls);
        visitor.counter("proto.rdp.negotiation_failures", counters.negotiationFailures);
    }
}
