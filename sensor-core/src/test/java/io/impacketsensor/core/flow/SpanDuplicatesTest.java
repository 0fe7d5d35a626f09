package io.impacketsensor.core.flow;

import io.impacketsensor.core.flow.RecordingFactory.Recorder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A SPAN session that mirrors both ingress and egress of a port copies every datagram twice
 * (synthetic datagrams through the real PacketProcessor): the copy is counted and not decoded.
 */
class SpanDuplicatesTest {
    @Test
    void aUdpDatagramCopiedBySpanIsDecodedOnce() {
        RecordingFactory f = new RecordingFactory("krb", "K", false, 88);
        Harness h = new Harness(FlowLimits.DEFAULTS, 88, f);
        h.udpC2s("K1");
        h.again();
        h.udpS2c("K2");
        h.again();
        Recorder r = f.only();
        assertEquals("K1", r.toServer.toString());
        assertEquals("K2", r.toClient.toString());
        assertEquals(2, h.counter("udp.duplicates"));
    }

    @Test
    void theSameDatagramLaterIsARetryAndIsDecoded() {
        RecordingFactory f = new RecordingFactory("krb", "K", false, 88);
        Harness h = new Harness(FlowLimits.DEFAULTS, 88, f);
        h.udpC2s("K1");
        // A Kerberos client resends after its timeout (RFC 4120 7.2.1: about a second), far past
        // the time a mirror's second copy follows the first.
        h.stepNanos = 1_000_000_000L;
        h.again();
        assertEquals("K1K1", f.only().toServer.toString());
        assertEquals(0, h.counter("udp.duplicates"));
    }
}
