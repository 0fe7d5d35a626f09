package io.impacketsensor.core.flow;

import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.RecordingFactory.Recorder;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static io.impacketsensor.core.packet.Frames.ACK;
import static io.impacketsensor.core.packet.Frames.PSH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Analyzer choice by port, probe, any-port probe and expectation; detaching (synthetic frames). */
class AnalyzerRegistryTest {
    private static final int DA = ACK | PSH;

    @Test
    void probeNeedMoreBuffersThenReplaysBothDirectionsInOrder() {
        RecordingFactory f = new RecordingFactory("smb", "\u00FFSMB", false, 445);
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "\u00FFS");
        h.s2c(1, 3, DA, "srv");
        assertEquals(0, f.created.size());
        h.c2s(3, 4, DA, "MB-rest");
        Recorder r = f.only();
        assertEquals("\u00FFSMB-rest", r.toServer.toString());
        assertEquals("srv", r.toClient.toString());
        h.c2s(10, 4, DA, "+more");
        assertEquals("\u00FFSMB-rest+more", r.toServer.toString());
        assertEquals(1, h.counter("analyzer.attached"));
    }

    @Test
    void noMatchLeavesTheFlowUnanalysed() {
        RecordingFactory f = new RecordingFactory("smb", "\u00FFSMB", false, 445);
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "GET / HTTP/1.1");
        h.c2s(15, 1, DA, "\u00FFSMB");
        assertEquals(0, f.created.size());
        assertEquals(1, h.counter("analyzer.no_match"));
    }

    @Test
    void probeByteLimitGivesUp() {
        RecordingFactory f = new RecordingFactory("long", "0123456789", false, 445);
        Harness h = new Harness(FlowLimits.DEFAULTS.withProbe(8, 32, 4), 445, f);
        h.handshake();
        h.c2s(1, 1, DA, "01234");
        h.c2s(6, 1, DA, "56789");
        assertEquals(0, f.created.size());
        assertEquals(1, h.counter("analyzer.probe_limit"));
    }

    @Test
    void firstSegmentLargerThanTheProbeBufferIsProbedInPlace() {
        RecordingFactory f = new RecordingFactory("smb", "\u00FFSMB", false, 445);
        Harness h = new Harness(FlowLimits.DEFAULTS.withProbe(8, 32, 4), 445, f);
        h.handshake();
        h.s2c(1, 1, DA, "hi");                       // buffered: the reply direction decides nothing
        h.c2s(1, 3, DA, "\u00FFSMB and a long first segment");
        Recorder r = f.only();
        assertEquals("\u00FFSMB and a long first segment", r.toServer.toString());
        assertEquals("hi", r.toClient.toString());
        h.c2s(30, 3, DA, "!");
        assertEquals("\u00FFSMB and a long first segment!", r.toServer.toString());
    }

    @Test
    void portCandidatesComeBeforeAnyPortProbes() {
        RecordingFactory port = new RecordingFactory("ldap", "0", false, 389);
        RecordingFactory any = new RecordingFactory("dcerpc", "\u0005", true);
        Harness h = new Harness(FlowLimits.DEFAULTS, 389, any, port);
        h.handshake();
        h.c2s(1, 1, DA, "0abc");
        assertEquals(1, port.created.size());
        assertEquals(0, any.created.size());
        // On another port only the any-port factory is tried.
        h.serverPort = 49667;
        h.clientPort = 50001;
        h.handshake();
        h.c2s(1, 1, DA, "\u0005\u0000bind");
        assertEquals(1, any.created.size());
        assertEquals("\u0005\u0000bind", any.only().toServer.toString());
    }

    @Test
    void anyPortProbesAreNotUsedForUdp() {
        RecordingFactory any = new RecordingFactory("dcerpc", "", true);
        Harness h = new Harness(FlowLimits.DEFAULTS, 9999, any);
        h.udpC2s("x");
        assertEquals(0, any.created.size());
        assertEquals(0, any.probes);
    }

    @Test
    void udpDatagramsAreProbedOneByOneAndReplayed() {
        RecordingFactory f = new RecordingFactory("krb", "K", false, 88);
        Harness h = new Harness(FlowLimits.DEFAULTS, 88, f);
        h.udpC2s("K1");
        h.udpS2c("K2");
        Recorder r = f.only();
        assertEquals("K1", r.toServer.toString());
        assertEquals("K2", r.toClient.toString());
    }

    @Test
    void expectationAttachesWithoutProbe() throws Exception {
        RecordingFactory epm = new RecordingFactory("epm", "", false, 135);
        RecordingFactory dyn = new RecordingFactory("dcerpc", "never-matches", false);
        Harness h = new Harness(FlowLimits.DEFAULTS, 135, epm, dyn);
        h.handshake();
        h.c2s(1, 1, DA, "map");
        epm.only().ctx.expect(InetAddress.getByName("10.0.0.2"), 49700, "dcerpc");
        h.serverPort = 49700;
        h.clientPort = 50002;
        h.handshake();
        h.c2s(1, 1, DA, "bind");
        assertEquals("bind", dyn.only().toServer.toString());
        assertEquals(0, dyn.probes);
        assertEquals(1, h.counter("analyzer.attached_by_expectation"));
    }

    @Test
    void expectationExpires() throws Exception {
        RecordingFactory epm = new RecordingFactory("epm", "", false, 135);
        RecordingFactory dyn = new RecordingFactory("dcerpc", "", false);
        Harness h = new Harness(FlowLimits.DEFAULTS, 135, epm, dyn);
        h.handshake();
        h.c2s(1, 1, DA, "map");
        epm.only().ctx.expect(InetAddress.getByName("10.0.0.2"), 49700, "dcerpc");
        h.now += (FlowLimits.DEFAULTS.expectationTimeoutSec() + 1) * 1_000_000_000L;
        h.serverPort = 49700;
        h.clientPort = 50002;
        h.handshake();
        h.c2s(1, 1, DA, "bind");
        assertEquals(0, dyn.created.size());
    }

    @Test
    void analyzerReturningFalseIsDetached() {
        RecordingFactory f = new RecordingFactory("rec", "", false, 445);
        f.stopAfter = 3;
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "abc");
        h.c2s(4, 1, DA, "def");
        h.c2s(10, 1, DA, "out-of-order after detach");
        assertEquals("abc", f.only().toServer.toString());
        assertEquals(1, h.counter("analyzer.detached"));
        assertEquals(3, h.counter("tcp.reassembled_bytes_to_server"));
        assertEquals(0, h.counter("tcp.out_of_order"));
    }

    @Test
    void analyzerExceptionIsCountedReportedAndTheDirectionResynchronises() {
        RecordingFactory f = new RecordingFactory("rec", "", false, 445);
        f.throwAfter = 2;
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "ab");
        h.c2s(3, 1, DA, "cd");
        h.s2c(1, 1, DA, "x");
        h.clientPort = 50001;
        h.handshake();
        h.c2s(1, 1, DA, "xy");
        assertEquals(3, h.counter("analyzer.exceptions"));
        assertEquals(3, h.counter("analyzer.exception_resyncs"));
        assertEquals(0, h.counter("analyzer.detached"));
        // The delivery that threw comes back as a gap; the flow is not dropped: later bytes of both
        // directions still reach the analyzer.
        assertEquals("ab[gap 2]cd[gap 2]", f.created.get(0).toServer.toString());
        assertEquals("x", f.created.get(0).toClient.toString());
        assertEquals(2, h.counter("flow.tcp"));
        List<String> anomalies = new java.util.ArrayList<>();
        for (io.impacketsensor.core.event.SensorEvent e : h.events) {
            if (e instanceof io.impacketsensor.core.event.ProtocolAnomaly a) {
                anomalies.add(a.name() + ": " + a.detail());
            }
        }
        assertEquals(3, anomalies.size(), anomalies.toString());
        assertTrue(anomalies.get(0).startsWith("rec.decoder_exception: IllegalStateException in "), anomalies.get(0));
        assertTrue(anomalies.get(0).contains("at to_server stream offset 0 (2 bytes skipped"), anomalies.get(0));
        assertTrue(anomalies.get(1).contains("at to_server stream offset 2 (2 bytes skipped"), anomalies.get(1));
    }

    @Test
    void anAnalyzerThatThrowsAgainInItsGapIsDetached() {
        RecordingFactory f = new RecordingFactory("rec", "", false, 445);
        f.throwAfter = 2;
        f.throwOnGap = true;
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "ab");
        h.c2s(3, 1, DA, "cd");
        assertEquals(2, h.counter("analyzer.exceptions"));
        assertEquals(0, h.counter("analyzer.exception_resyncs"));
        assertEquals("ab[gap 2]", f.created.get(0).toServer.toString());
        List<String> details = new java.util.ArrayList<>();
        for (io.impacketsensor.core.event.SensorEvent e : h.events) {
            if (e instanceof io.impacketsensor.core.event.ProtocolAnomaly a) {
                details.add(a.detail());
            }
        }
        assertEquals(2, details.size(), details.toString());
        assertTrue(details.get(0).endsWith("at to_server stream offset 0 (2 bytes skipped, resynchronising)"), details.get(0));
        assertTrue(details.get(1).startsWith("IllegalStateException in RecordingFactory$Recorder.onGap at to_server stream offset 0 "
                + "(while resynchronising; flow detached)"), details.get(1));
    }

    @Test
    void unclaimedPortsAreNotProbed() {
        RecordingFactory f = new RecordingFactory("rec", "", false, 445);
        Harness h = Harness.tcp(80, f);
        h.handshake();
        h.c2s(1, 1, DA, "GET /");
        assertEquals(0, f.probes);
        assertEquals(Transport.TCP, Transport.valueOf("TCP"));
    }

    private static RecordingFactory rpcLike() {
        RecordingFactory f = new RecordingFactory("dcerpc", "\u0005\u0000", true);
        f.eitherDirection = true;
        return f;
    }

    @Test
    void midStreamStartRefusedOnOneSideIsMatchedOnTheOtherAndReplayedAsAGap() {
        RecordingFactory f = rpcLike();
        Harness h = Harness.tcp(49155, f);
        h.c2s(1, 1, DA, "tail of a pdu");            // no SYN: may be the end of a message
        assertEquals(0, f.created.size());
        assertEquals(0, h.counter("analyzer.no_match"));
        h.s2c(1, 14, DA, "\u0005\u0000ack");
        Recorder r = f.only();
        assertEquals("[gap 13]", r.toServer.toString());
        assertEquals("\u0005\u0000ack", r.toClient.toString());
        h.c2s(14, 6, DA, "\u0005\u0000req");
        assertEquals("[gap 13]\u0005\u0000req", r.toServer.toString());
        assertEquals(1, h.counter("analyzer.attached_mid_stream"));
    }

    @Test
    void laterBytesOfTheRefusedDirectionAreReplayedAsData() {
        RecordingFactory f = rpcLike();
        Harness h = Harness.tcp(49155, f);
        h.c2s(1, 1, DA, "tail");
        h.c2s(5, 1, DA, "\u0005\u0000next");
        h.s2c(1, 11, DA, "\u0005\u0000ack");
        Recorder r = f.only();
        assertEquals("[gap 4]\u0005\u0000next", r.toServer.toString());
        assertEquals("\u0005\u0000ack", r.toClient.toString());
    }

    @Test
    void midStreamRefusedInBothDirectionsIsNoMatch() {
        RecordingFactory f = rpcLike();
        Harness h = Harness.tcp(49155, f);
        h.c2s(1, 1, DA, "GET / HTTP/1.1");
        h.s2c(1, 15, DA, "HTTP/1.1 200 OK");
        assertEquals(0, f.created.size());
        assertEquals(1, h.counter("analyzer.no_match"));
        assertEquals(0, h.counter("analyzer.attached_mid_stream"));
    }

    @Test
    void aRefusalIsFinalWhenTheDirectionStartedWithItsSyn() {
        RecordingFactory f = rpcLike();
        Harness h = Harness.tcp(49155, f);
        h.handshake();
        h.c2s(1, 1, DA, "GET / HTTP/1.1");
        h.s2c(1, 15, DA, "\u0005\u0000 not a reply to that");
        assertEquals(0, f.created.size());
        assertEquals(1, h.counter("analyzer.no_match"));
    }

    @Test
    void aRefusedStartTooLargeToBufferIsKeptAsAGap() {
        RecordingFactory f = rpcLike();
        Harness h = new Harness(FlowLimits.DEFAULTS.withProbe(8, 32, 4), 49155, f);
        h.c2s(1, 1, DA, "a long tail of an earlier pdu");
        h.c2s(30, 1, DA, "more of it");
        assertEquals(0, h.counter("analyzer.probe_limit"));
        h.s2c(1, 40, DA, "\u0005\u0000ack");
        Recorder r = f.only();
        assertEquals("[gap 29][gap 10]", r.toServer.toString());
        assertEquals("\u0005\u0000ack", r.toClient.toString());
    }

    @Test
    void aCandidateThatStillWantsTheRefusedDirectionGivesUpAtTheProbeLimit() {
        RecordingFactory any = rpcLike();
        RecordingFactory other = new RecordingFactory("other", "0123456789", true);
        Harness h = new Harness(FlowLimits.DEFAULTS.withProbe(8, 32, 4), 49155, any, other);
        h.c2s(1, 1, DA, "012");                      // any: refused (kept pending), other: NEED_MORE
        h.c2s(4, 1, DA, "3456789 and on");            // cannot be buffered for "other"
        assertEquals(1, h.counter("analyzer.probe_limit"));
        h.s2c(1, 18, DA, "\u0005\u0000ack");
        assertEquals(0, any.created.size());
    }
}
