package io.impacketsensor.decoders.rdp;

import io.impacketsensor.core.event.RdpEvent;
import io.impacketsensor.core.event.RdpEvent.RdpConnectConfirm;
import io.impacketsensor.core.event.RdpEvent.RdpConnectRequest;
import io.impacketsensor.core.event.RdpEvent.RdpTlsHandshake;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.testkit.AnalyzerRun;
import io.impacketsensor.core.testkit.EventText;
import io.impacketsensor.core.testkit.Malformed;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.core.testkit.Step;
import io.impacketsensor.core.wire.ProbeResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.impacketsensor.decoders.rdp.RdpWire.ascii;
import static io.impacketsensor.decoders.rdp.RdpWire.cat;
import static io.impacketsensor.decoders.rdp.RdpWire.certificate;
import static io.impacketsensor.decoders.rdp.RdpWire.clientHello;
import static io.impacketsensor.decoders.rdp.RdpWire.confirm;
import static io.impacketsensor.decoders.rdp.RdpWire.failure;
import static io.impacketsensor.decoders.rdp.RdpWire.handshake;
import static io.impacketsensor.decoders.rdp.RdpWire.record;
import static io.impacketsensor.decoders.rdp.RdpWire.request;
import static io.impacketsensor.decoders.rdp.RdpWire.serverHello;
import static io.impacketsensor.decoders.rdp.RdpWire.tpkt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RDP analyzer on synthetic connection starts (RdpWire): the X.224 request and confirm, the
 * TLS handshake record, the end of the cleartext part, and malformed input.
 */
class RdpAnalyzerTest {
    private static final int[] SUITES = {0x1302, 0x1301, 0xc02f, 0x0034, 0xc018};

    private static AnalyzerRun<RdpAnalyzerFactory> run(RdpLimits limits) {
        return new AnalyzerRun<>(new RdpAnalyzerFactory(limits), new RecordingContext(Transport.TCP, 3389));
    }

    private static AnalyzerRun<RdpAnalyzerFactory> run() {
        return run(RdpLimits.DEFAULTS);
    }

    /** CredSSP negotiated, TLS 1.3: request, confirm, ClientHello, ServerHello, then the encrypted rest. */
    private static List<Step> tls13() {
        return List.of(Step.toServer(request("Cookie: mstshash=alice", 0, 0x0b)),
                Step.toClient(confirm(2)),
                Step.toServer(clientHello(SUITES, "ws01.lab.local", 0)),
                Step.toClient(cat(record(22, serverHello(0x1302, 0x0304)), record(20, new byte[]{1}),
                        record(23, new byte[40]))));
    }

    @Test
    void connectionRequestWithCookieAndNegotiationRequest() {
        AnalyzerRun<RdpAnalyzerFactory> r = run().feed(List.of(Step.toServer(request("Cookie: mstshash=alice", 1, 0x0b))));
        RdpConnectRequest q = r.ctx.of(RdpConnectRequest.class).get(0);
        assertEquals(0, q.txId());
        assertEquals("alice", q.cookie());
        assertNull(q.routingToken());
        assertEquals(0x0b, q.requestedProtocols());
        assertEquals(1, q.negFlags());
        assertFalse(q.correlationInfo());
        assertEquals(0, q.trailing());
        assertTrue(r.alive);
    }

    /** Impacket rdp_check.py's layout (its source): no cookie, RDP_NEG_REQ flags 0, PROTOCOL_SSL | PROTOCOL_HYBRID. */
    @Test
    void connectionRequestWithoutCookie() {
        AnalyzerRun<RdpAnalyzerFactory> r = run().feed(List.of(Step.toServer(request(null, 0, 3))));
        RdpConnectRequest q = r.ctx.of(RdpConnectRequest.class).get(0);
        assertNull(q.cookie());
        assertNull(q.routingToken());
        assertEquals(3, q.requestedProtocols());
        assertEquals(19, request(null, 0, 3).length, "TPKT of 19 octets, LI 14");
    }

    @Test
    void routingTokenAndCorrelationInfoAndNoNegotiation() {
        byte[] corr = cat(new byte[]{6, 0, 36, 0}, new byte[32]);
        byte[] pdu = tpkt(0xE0, cat(ascii("Cookie: msts=3640205228.15629.0000\r\n"), RdpWire.neg(1, 0x08, 0x0b), corr));
        RdpConnectRequest q = run().feed(List.of(Step.toServer(pdu))).ctx.of(RdpConnectRequest.class).get(0);
        assertNull(q.cookie());
        assertEquals("Cookie: msts=3640205228.15629.0000", q.routingToken());
        assertTrue(q.correlationInfo());
        // An old client: no RDP_NEG_REQ at all (standard RDP security).
        RdpConnectRequest old = run().feed(List.of(Step.toServer(tpkt(0xE0, ascii("Cookie: mstshash=bob\r\n")))))
                .ctx.of(RdpConnectRequest.class).get(0);
        assertEquals("bob", old.cookie());
        assertEquals(-1, old.requestedProtocols());
    }

    @Test
    void tls13HandshakeIsOneRecordCarryingTheRequestAndTheClientHello() {
        AnalyzerRun<RdpAnalyzerFactory> r = run().feed(tls13());
        assertFalse(r.alive, "the encrypted rest is not inspected");
        RdpConnectConfirm c = r.ctx.of(RdpConnectConfirm.class).get(0);
        assertEquals(1, c.txId());
        assertEquals(2, c.negType());
        assertEquals(2, c.selectedProtocol());
        assertEquals(0x1f, c.flags());
        RdpTlsHandshake t = r.ctx.of(RdpTlsHandshake.class).get(0);
        assertEquals(2, t.txId());
        assertSame(r.ctx.of(RdpConnectRequest.class).get(0), t.request());
        assertEquals(2, t.selectedProtocol());
        assertEquals(0x0304, t.serverVersion());
        assertEquals(0x1302, t.cipherSuite());
        assertEquals(List.of(), t.x509Serials(), "TLS 1.3 encrypts the certificate");
        RdpEvent.ClientHello h = t.clientHello();
        assertEquals(0x0303, h.version());
        assertEquals(List.of(0x1302, 0x1301, 0xc02f, 0x0034, 0xc018), h.cipherSuites());
        assertEquals(List.of(0, 10, 11, 43), h.extensions());
        assertEquals(List.of(0x1d, 0x17), h.groups());
        assertEquals(2, h.anonymousSuites(), "0x0034 and 0xc018");
        assertEquals("771,4866-4865-49199-52-49176,0-10-11-43,29-23,0", h.ja3());
        assertEquals(List.of(0), h.pointFormats());
        assertEquals(List.of(0x0304, 0x0303), h.versions());
        assertEquals("ws01.lab.local", h.serverName());
        assertEquals(1, r.counter("proto.rdp.tls"));
        assertEquals(0, r.counter("proto.rdp.skipped_flows"));
        assertEquals(List.of(), r.ctx.anomalies());
    }

    /** TLS 1.2: the server's flight ends with ServerHelloDone; its certificates' serials are in clear. */
    @Test
    void tls12CertificateSerials() {
        byte[] flight = record(22, cat(serverHello(0xc030, 0x0303),
                certificate(new byte[]{0x00, (byte) 0x9a, 0x01}, new byte[]{0x05}), handshake(14, new byte[0])));
        AnalyzerRun<RdpAnalyzerFactory> r = run().feed(List.of(Step.toServer(request(null, 0, 3)),
                Step.toClient(confirm(2)), Step.toServer(clientHello(SUITES, null, 0)), Step.toClient(flight)));
        RdpTlsHandshake t = r.ctx.of(RdpTlsHandshake.class).get(0);
        assertEquals(List.of("9a01", "5"), t.x509Serials());
        assertEquals(0x0303, t.serverVersion());
        assertEquals("", t.clientHello().serverName());
        assertFalse(r.alive);
    }

    @Test
    void negotiationFailureEndsTheConnection() {
        AnalyzerRun<RdpAnalyzerFactory> r = run().feed(List.of(Step.toServer(request(null, 0, 3)),
                Step.toClient(failure(5))));
        RdpConnectConfirm c = r.ctx.of(RdpConnectConfirm.class).get(0);
        assertEquals(3, c.negType());
        assertEquals(5, c.failureCode());
        assertEquals(-1, c.selectedProtocol());
        assertFalse(r.alive);
        assertEquals(1, r.counter("proto.rdp.negotiation_failures"));
        assertEquals(0, r.counter("proto.rdp.skipped_flows"));
        // Standard RDP security selected: the MCS connection that follows is not decoded.
        AnalyzerRun<RdpAnalyzerFactory> std = run().feed(List.of(Step.toServer(request(null, 0, 0)),
                Step.toClient(confirm(0))));
        assertFalse(std.alive);
        assertTrue(std.ctx.of(RdpTlsHandshake.class).isEmpty());
    }

    /** RFC 8446 D.4: a client may send its change cipher spec right after its hello; the server's answer still counts. */
    @Test
    void clientChangeCipherSpecBeforeTheServerHelloDoesNotEndTheHandshake() {
        List<Step> conv = List.of(Step.toServer(request(null, 0, 3)), Step.toClient(confirm(2)),
                Step.toServer(cat(clientHello(SUITES, null, 0), record(20, new byte[]{1}))),
                Step.toClient(cat(record(22, serverHello(0x1301, 0x0304)), record(23, new byte[20]))));
        AnalyzerRun<RdpAnalyzerFactory> r = run().feed(conv);
        RdpTlsHandshake t = r.ctx.of(RdpTlsHandshake.class).get(0);
        assertEquals(0x1301, t.cipherSuite());
        assertEquals(0x0304, t.serverVersion());
        assertFalse(r.alive);
    }

    /** The server never answers the ClientHello: the handshake record is written at the close. */
    @Test
    void handshakeWithoutServerHelloIsEmittedAtClose() {
        AnalyzerRun<RdpAnalyzerFactory> r = run().feed(tls13().subList(0, 3));
        assertTrue(r.alive);
        assertTrue(r.ctx.of(RdpTlsHandshake.class).isEmpty());
        r.close();
        RdpTlsHandshake t = r.ctx.of(RdpTlsHandshake.class).get(0);
        assertEquals(-1, t.cipherSuite());
        assertEquals(0, t.serverVersion());
        assertEquals(5, t.clientHello().cipherSuites().size());
    }

    @Test
    void malformedNegotiationAndX224AreReportedAndTheFlowGoesOn() {
        byte[] badLength = tpkt(0xE0, new byte[]{1, 0, 9, 0, 3, 0, 0, 0});
        byte[] badLi = request(null, 0, 3);
        badLi[4] = 40;
        AnalyzerRun<RdpAnalyzerFactory> r = run().feed(List.of(Step.toServer(badLength), Step.toServer(badLi)));
        assertEquals(List.of("rdp.malformed_negotiation", "rdp.malformed_x224"), r.ctx.anomalies());
        assertTrue(r.alive);
        AnalyzerRun<RdpAnalyzerFactory> notRdp = run().feed(List.of(Step.toServer(ascii("GET / HTTP/1.1\r\n\r\n")),
                Step.toClient(ascii("HTTP/1.1 400 Bad\r\n\r\n"))));
        assertEquals(List.of("rdp.bad_tpkt", "rdp.bad_tpkt"), notRdp.ctx.anomalies());
        assertFalse(notRdp.alive);
        assertEquals(1, notRdp.counter("proto.rdp.skipped_flows"));
    }

    @Test
    void malformedClientHelloIsReported() {
        byte[] hello = clientHello(SUITES, "x", 0);
        // The cipher-suite length (after header 5 + 4, version 2, random 32, session id 1) made odd.
        hello[5 + 4 + 2 + 32 + 1 + 1] = 9;
        AnalyzerRun<RdpAnalyzerFactory> r = run().feed(List.of(Step.toServer(request(null, 0, 3)),
                Step.toClient(confirm(2)), Step.toServer(hello)));
        assertEquals(List.of("rdp.malformed_tls_handshake"), r.ctx.anomalies());
        r.close();
        assertTrue(r.ctx.of(RdpTlsHandshake.class).isEmpty(), "no hello, no server answer: nothing to record");
    }

    @Test
    void gapStopsThatDirection() {
        AnalyzerRun<RdpAnalyzerFactory> r = run().feed(tls13().subList(0, 2));
        assertTrue(r.analyzer.onGap(Direction.TO_SERVER, 10));
        assertFalse(r.analyzer.onGap(Direction.TO_CLIENT, 10));
        assertEquals(List.of("rdp.gap", "rdp.gap"), r.ctx.anomalies());
    }

    private static Object describe(AnalyzerRun<RdpAnalyzerFactory> r) {
        r.close();
        return List.of(r.ctx.events.stream().map(EventText::of).toList(), r.ctx.anomalies());
    }

    /** Synthetic: every byte position of every step cut, every step split, the flow alive until its last step. */
    @Test
    void truncationsAndSplits() {
        List<Step> conv = tls13();
        Malformed.survives(RdpAnalyzerTest::run, Malformed.truncations(conv));
        List<Step> open = conv.subList(0, 3);
        Malformed.sameAsWhole(RdpAnalyzerTest::run, open, Malformed.splits(open), RdpAnalyzerTest::describe);
        Malformed.sameAsWhole(RdpAnalyzerTest::run, open, Malformed.interleavings(open, Direction.TO_SERVER, 1, 1, 4, -1),
                RdpAnalyzerTest::describe);
        assertEquals(describe(run().feed(open)), describe(run().feed(Malformed.packed(open))));
    }

    @Test
    void pduLimitShrunk() {
        List<Step> conv = List.of(Step.toServer(request(null, 0, 3)), Step.toClient(confirm(2)),
                Step.toServer(clientHello(SUITES, null, 600)));
        int enough = conv.get(2).bytes().length;
        AnalyzerRun<RdpAnalyzerFactory> r = Malformed.limitShrunk(n -> run(new RdpLimits(n, 8)), enough, conv,
                "rdp.pdu_too_long", "proto.rdp.parser_error");
        r.close();
        assertTrue(r.ctx.of(RdpTlsHandshake.class).isEmpty());
    }

    @Test
    void certificateLimit() {
        byte[] flight = record(22, cat(serverHello(0xc030, 0x0303),
                certificate(new byte[]{1}, new byte[]{2}, new byte[]{3}), handshake(14, new byte[0])));
        List<Step> conv = List.of(Step.toServer(request(null, 0, 3)), Step.toClient(confirm(2)),
                Step.toServer(clientHello(SUITES, null, 0)), Step.toClient(flight));
        assertEquals(List.of("1", "2"), run(new RdpLimits(65535, 2)).feed(conv).ctx.of(RdpTlsHandshake.class).get(0)
                .x509Serials());
        assertEquals(List.of(), run(new RdpLimits(65535, 0)).feed(conv).ctx.of(RdpTlsHandshake.class).get(0)
                .x509Serials());
    }

    @Test
    void probe() {
        RdpAnalyzerFactory f = new RdpAnalyzerFactory(RdpLimits.DEFAULTS);
        byte[] cr = request(null, 0, 3);
        assertEquals(ProbeResult.MATCH, f.probe(Transport.TCP, Direction.TO_SERVER, cr, 0, cr.length));
        byte[] cookie = request("Cookie: mstshash=a", 0, 3);
        assertEquals(ProbeResult.MATCH, f.probe(Transport.TCP, Direction.TO_SERVER, cookie, 0, cookie.length));
        byte[] cc = confirm(2);
        assertEquals(ProbeResult.MATCH, f.probe(Transport.TCP, Direction.TO_CLIENT, cc, 0, cc.length));
        assertEquals(ProbeResult.NO_MATCH, f.probe(Transport.TCP, Direction.TO_CLIENT, cr, 0, cr.length));
        assertEquals(ProbeResult.NEED_MORE, f.probe(Transport.TCP, Direction.TO_SERVER, cr, 0, 8));
        // ISO-TSAP users of TPKT (S7comm, MMS) put TSAP parameters (0xC1, 0xC2, 0xC0) in the request.
        byte[] s7 = tpkt(0xE0, new byte[]{(byte) 0xC1, 2, 1, 0, (byte) 0xC2, 2, 1, 2, (byte) 0xC0, 1, 10});
        assertEquals(ProbeResult.NO_MATCH, f.probe(Transport.TCP, Direction.TO_SERVER, s7, 0, s7.length));
        byte[] http = ascii("GET / HTTP/1.1\r\n");
        assertEquals(ProbeResult.NO_MATCH, f.probe(Transport.TCP, Direction.TO_SERVER, http, 0, http.length));
        assertEquals(ProbeResult.NO_MATCH, f.probe(Transport.UDP, Direction.TO_SERVER, cr, 0, cr.length));
    }
}
