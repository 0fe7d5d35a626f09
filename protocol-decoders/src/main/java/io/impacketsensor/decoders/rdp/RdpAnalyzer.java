package io.impacketsensor.decoders.rdp;

import io.impacketsensor.core.event.RdpEvent;
import io.impacketsensor.core.event.RdpEvent.RdpConnectRequest;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.flow.PduBuffer;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.ParseStatus;

import java.util.List;

/**
 * One RDP connection's start ([MS-RDPBCGR] 1.3.1.1, connection initiation): the client's X.224
 * Connection Request, the server's Confirm, and, when the Confirm selects TLS, CredSSP or RDSTLS,
 * the cleartext part of the TLS handshake. Both directions are framed by their own length-first
 * headers: a TPKT (first octet 3, RFC 1006 6) or a TLS record (content type 20..23, RFC 5246
 * 6.2.1); a TPKT or handshake record arriving whole is parsed in place, a split one is gathered, an
 * encrypted record is passed over by its length.
 *
 * <p>The analysis ends (the flow is let go) when the TLS handshake record has been emitted, when the
 * Confirm refuses or selects standard RDP security (the MCS connection that follows is not decoded),
 * or when a direction carries something that is neither a TPKT nor a TLS record.
 */
public final class RdpAnalyzer implements FlowAnalyzer {

    /** Framing state of one direction. */
    private static final class Side {
        final PduBuffer pdu;
        /** A record header split across deliveries: its first bytes. */
        final byte[] head = new byte[RdpParser.TLS_HEADER];
        int headLen;
        /** Nothing more of this direction is read (a gap, or bytes that are neither TPKT nor TLS). */
        boolean stopped;

        Side(FlowContext ctx) {
            pdu = new PduBuffer(ctx, "rdp", null);
        }
    }

    /** Anomalies reported per flow; later ones are only counted. */
    static final int MAX_ANOMALY_EVENTS = 8;
    private int anomalyEvents;

    private final FlowContext ctx;
    private final RdpLimits limits;
    private final RdpParser parser;
    private final RdpCounters counters;
    private final Side toServer;
    private final Side toClient;
    private final Framing framing = new Framing();

    private int txId;
    private RdpConnectRequest request;
    private long selectedProtocol = -1;
    /** TLS state: the client's hello (built when seen), the server's choice, its certificates. */
    private RdpEvent.ClientHello clientHello;
    private boolean tlsSeen;
    private boolean serverHello;
    private int serverVersion;
    private int serverCipher = -1;
    private List<String> serials = List.of();
    private boolean tlsEmitted;
    /** The cleartext part ended normally (TLS emitted, or the Confirm ended the negotiation). */
    private boolean finished;

    public RdpAnalyzer(FlowContext ctx, RdpLimits limits, RdpCounters counters) {
        this.ctx = ctx;
        this.limits = limits;
        this.parser = new RdpParser(limits);
        this.counters = counters;
        this.toServer = new Side(ctx);
        this.toClient = new Side(ctx);
    }

    @Override
    public boolean onData(Direction dir, byte[] buf, int off, int len) {
        Side s = side(dir);
        if (s.stopped) {
            return alive();
        }
        return s.pdu.frame(dir, buf, off, len, framing) && alive();
    }

    /**
     * False once neither direction is read any more. A connection given up on bad input (not at
     * the end of its cleartext part) counts as skipped.
     */
    private boolean alive() {
        if (!toServer.stopped || !toClient.stopped) {
            return true;
        }
        if (!finished) {
            finished = true;
            counters.skippedFlows++;
        }
        return false;
    }

    private Side side(Direction dir) {
        return dir == Direction.TO_SERVER ? toServer : toClient;
    }

    /** TPKT and TLS record headers; the PDUs they announce. */
    private final class Framing implements PduBuffer.Framing {
        @Override
        public int header(Direction dir, byte[] b, int off, int len) {
            Side s = side(dir);
            if (s.stopped) {
                return len;
            }
            // The header's first octet says which: 3 a TPKT (4-octet header), 20..23 a TLS record (5).
            int first = s.headLen > 0 ? s.head[0] & 0xFF : b[off] & 0xFF;
            int need = first == RdpParser.TPKT_VERSION ? RdpParser.TPKT_HEADER
                    : first >= RdpParser.TLS_CHANGE_CIPHER_SPEC && first <= RdpParser.TLS_APPLICATION_DATA
                    ? RdpParser.TLS_HEADER : 0;
            if (need == 0) {
                report(RdpAnomaly.BAD_TPKT, (dir == Direction.TO_SERVER ? "client" : "server")
                        + " sent octet " + first + " where a TPKT or TLS record starts");
                s.stopped = true;
                return len;
            }
            if (s.headLen > 0 || len < need) {
                int n = Math.min(need - s.headLen, len);
                System.arraycopy(b, off, s.head, s.headLen, n);
                s.headLen += n;
                if (s.headLen < need) {
                    return n;
                }
                s.headLen = 0;
                int total = total(s.head, 0, first);
                if (!admit(s, first, total)) {
                    return n;
                }
                if (total == need) {
                    return pdu(dir, s.head, 0, need) ? n : -1;
                }
                s.pdu.start(total, s.head, need);
                return n;
            }
            int total = total(b, off, first);
            if (!admit(s, first, total)) {
                return need;
            }
            if (len >= total) {
                return pdu(dir, b, off, total) ? total : -1;
            }
            s.pdu.start(total, null, 0);
            return 0;
        }

        @Override
        public boolean pdu(Direction dir, byte[] b, int off, int len) {
            return RdpAnalyzer.this.pdu(dir, b, off, len);
        }
    }

    /** Length of the whole PDU whose header starts at {@code b[off]}. */
    private static int total(byte[] b, int off, int first) {
        return first == RdpParser.TPKT_VERSION ? Bytes.u16be(b, off + 2)
                : RdpParser.TLS_HEADER + Bytes.u16be(b, off + 3);
    }

    /**
     * Whether a PDU whose header was just read is gathered: an encrypted TLS record, or one over the
     * limit, is passed over by its length (the header's bytes are consumed already); a TPKT shorter
     * than its own header ends the direction.
     */
    private boolean admit(Side s, int first, int total) {
        int headerLen = first == RdpParser.TPKT_VERSION ? RdpParser.TPKT_HEADER : RdpParser.TLS_HEADER;
        if (first == RdpParser.TPKT_VERSION && total < RdpParser.TPKT_HEADER + 2) {
            report(RdpAnomaly.BAD_TPKT, "TPKT length " + total);
            s.stopped = true;
            s.pdu.passOver(Long.MAX_VALUE);
            return false;
        }
        if (first != RdpParser.TPKT_VERSION && first != RdpParser.TLS_HANDSHAKE) {
            // Change cipher spec, alert, application data: passed over by its length.
            tlsRecord();
            s.pdu.passOver(total - headerLen);
            return false;
        }
        if (total > limits.maxPduLength()) {
            report(RdpAnomaly.PDU_TOO_LONG, (first == RdpParser.TPKT_VERSION ? "TPKT of " : "TLS record of ")
                    + total + " bytes > " + limits.maxPduLength());
            s.pdu.passOver(total - headerLen);
            return false;
        }
        return true;
    }

    /** A whole TPKT or TLS handshake record. */
    private boolean pdu(Direction dir, byte[] b, int off, int len) {
        counters.pdus++;
        if ((b[off] & 0xFF) == RdpParser.TPKT_VERSION) {
            return tpkt(dir, b, off, len);
        }
        tlsSeen = true;
        if (parser.handshake(b, off + RdpParser.TLS_HEADER, len - RdpParser.TLS_HEADER) != ParseStatus.OK) {
            report(parser.anomaly(), (dir == Direction.TO_SERVER ? "client" : "server") + " handshake record of "
                    + len + " bytes");
            return true;
        }
        if (dir == Direction.TO_SERVER) {
            if (parser.clientHello && clientHello == null) {
                clientHello = RdpEvents.clientHello(parser, b);
            }
            return true;
        }
        if (parser.serverHello) {
            serverHello = true;
            serverVersion = parser.serverVersion;
            serverCipher = parser.serverCipher;
        }
        if (parser.certificate && parser.serials > 0 && serials.isEmpty()) {
            serials = RdpEvents.serials(parser, b);
        }
        if (parser.serverHelloDone) {
            return emitTls();
        }
        return true;
    }

    private boolean tpkt(Direction dir, byte[] b, int off, int len) {
        if (parser.parse(b, off, len) != ParseStatus.OK) {
            report(parser.anomaly(), "TPKT of " + len + " bytes");
            return true;
        }
        if (parser.tpduCode == RdpParser.X224_CR && dir == Direction.TO_SERVER && request == null) {
            request = RdpEvents.request(ctx, txId++, parser, b);
            ctx.emit(request);
            return true;
        }
        if (parser.tpduCode == RdpParser.X224_CC && dir == Direction.TO_CLIENT) {
            ctx.emit(RdpEvents.confirm(ctx, txId++, parser));
            if (parser.negType == RdpParser.TYPE_RDP_NEG_RSP) {
                selectedProtocol = parser.negValue;
            }
            if (parser.negType == RdpParser.TYPE_RDP_NEG_FAILURE) {
                counters.negotiationFailures++;
            }
            // Standard RDP security or a refusal: what follows is the MCS connection in clear, not
            // decoded, or nothing.
            if (selectedProtocol <= 0) {
                finished = true;
                return false;
            }
            return true;
        }
        // X.224 data (the MCS connection under standard RDP security) and disconnects: not decoded.
        return true;
    }

    /**
     * A TLS record that is not a handshake (change cipher spec, alert, application data) ends the
     * cleartext part once the ServerHello was seen: from the server, TLS 1.3 encrypts what follows
     * it; from the client, the handshake has moved on. A client's change cipher spec sent right after
     * its hello (TLS 1.3 middlebox compatibility, RFC 8446 D.4) does not end it.
     */
    private void tlsRecord() {
        tlsSeen = true;
        if (!tlsEmitted && serverHello) {
            emitTls();
        }
    }

    /** Emits the connection's TLS handshake record; the encrypted rest is not inspected. */
    private boolean emitTls() {
        finished = true;
        if (!tlsEmitted) {
            tlsEmitted = true;
            counters.tls++;
            ctx.emit(RdpEvents.tls(ctx, txId++, request, selectedProtocol, clientHello, serverVersion, serverCipher,
                    serials));
        }
        toServer.stopped = true;
        toClient.stopped = true;
        return false;
    }

    /**
     * Reports an anomaly (at most {@link #MAX_ANOMALY_EVENTS} events per flow, so a peer cannot turn
     * malformed PDUs into an event flood).
     */
    private void report(RdpAnomaly a, String detail) {
        counters.parserError++;
        if (anomalyEvents < MAX_ANOMALY_EVENTS) {
            anomalyEvents++;
            RdpEvents.anomaly(ctx, a, detail);
        }
    }

    /**
     * Framing is lost with the missing bytes, and nothing in a TLS stream marks where the next
     * record starts: the direction is no longer read; the other goes on.
     */
    @Override
    public boolean onGap(Direction dir, long len) {
        counters.gap++;
        Side s = side(dir);
        s.pdu.clear();
        s.headLen = 0;
        s.stopped = true;
        report(RdpAnomaly.GAP, len + " bytes missing");
        return alive();
    }

    @Override
    public void onClose() {
        if (tlsSeen && !tlsEmitted && (clientHello != null || serverHello)) {
            tlsEmitted = true;
            counters.tls++;
            ctx.emit(RdpEvents.tls(ctx, txId++, request, selectedProtocol, clientHello, serverVersion, serverCipher,
                    serials));
        }
        toServer.pdu.release();
        toClient.pdu.release();
    }
}
