package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.detection.response.AllowListMatcher;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host relaying Kerberos to a KDC is not learned as a DC from the answers it passes on (synthetic
 * events; the lab's kintercept.py captures are run in sensor-cli's KdcRelayDetectionTest).
 */
class KdcRelaysTest {
    private static final InetAddress CLIENT = AllowListMatcher.parseAddress("10.8.0.20");
    private static final InetAddress PROXY = AllowListMatcher.parseAddress("10.8.0.66");
    private static final InetAddress KDC = AllowListMatcher.parseAddress("10.8.0.3");
    private static final long T0 = 1_800_000_000L * 1_000_000_000L;

    private final DomainControllers dcs = new DomainControllers(List.of(), true);
    private final DcLearning learning = new DcLearning(dcs);
    private long flow = 1;

    private EventHeader h(InetAddress client, InetAddress server, double sec) {
        return new EventHeader(T0 + (long) (sec * 1e9), flow++, client, 50000, server, 88, Transport.TCP);
    }

    private static KerberosEvent.KerberosRequest asReq(EventHeader h, long nonce) {
        return new KerberosEvent.KerberosRequest(h, 10, List.of(128), -1, 1, null, null, 0, false, -1, false, null,
                0x50800000, new KerberosEvent.PrincipalName(1, List.of("alice")), "LAB.LOCAL",
                new KerberosEvent.PrincipalName(2, List.of("krbtgt", "LAB.LOCAL")), KerberosEvent.NO_TIME,
                KerberosEvent.NO_TIME, KerberosEvent.NO_TIME, nonce, List.of(18, 17), false, List.of());
    }

    private static KerberosEvent.KerberosError preauthRequired(EventHeader h, KerberosEvent.KerberosRequest q) {
        return new KerberosEvent.KerberosError(h, 25, null, "LAB.LOCAL", q.sname(), q.cname(), q);
    }

    /** The client asks the proxy, which forwards the request to the KDC and passes its answer back. */
    private void proxied(long clientNonce, long forwardedNonce, double forwardedAt, double answeredAt) {
        KerberosEvent.KerberosRequest toProxy = asReq(h(CLIENT, PROXY, forwardedAt), clientNonce);
        learning.observe(toProxy);
        KerberosEvent.KerberosRequest toKdc = asReq(h(PROXY, KDC, forwardedAt), forwardedNonce);
        learning.observe(toKdc);
        learning.observe(preauthRequired(h(PROXY, KDC, forwardedAt + 0.002), toKdc));
        learning.observe(preauthRequired(h(CLIENT, PROXY, answeredAt), toProxy));
    }

    @Test
    void answersPassedOnFromAKdcDoNotMakeTheRelayADc() {
        proxied(1199638549L, 1199638549L, 0, 0.003);
        assertTrue(dcs.isDc(KDC), "the KDC answered the relay itself");
        assertFalse(dcs.isDc(PROXY), "the relay only passed the KDC's answer on");
        assertEquals(KDC, dcs.relays().relayedTo(PROXY));
        assertEquals(1L, dcs.relays().hosts());
        assertEquals(1L, dcs.learnedBySource().get("kerberos"));
    }

    @Test
    void aHostAnsweringWhatItDidNotForwardIsLearned() {
        proxied(1199638549L, 1313775863L, 0, 0.003);
        assertTrue(dcs.isDc(PROXY), "a different nonce: the host's own request, not the client's");
        assertNull(dcs.relays().relayedTo(PROXY));
        assertEquals(0L, dcs.relays().hosts());
    }

    @Test
    void aForwardLongBeforeTheAnswerIsNotARelay() {
        proxied(42L, 42L, 0, KdcRelays.WINDOW_NANOS / 1e9 + 1);
        assertTrue(dcs.isDc(PROXY));
        assertEquals(0L, dcs.relays().hosts());
    }

    @Test
    void anAnswerToTheHostsOwnKdcIsNoRelay() {
        // The KDC answers the request the proxy sent it: the KDC's own answer, never a relay.
        KerberosEvent.KerberosRequest q = asReq(h(PROXY, KDC, 0), 7L);
        learning.observe(q);
        learning.observe(preauthRequired(h(PROXY, KDC, 0.001), q));
        assertTrue(dcs.isDc(KDC));
        assertEquals(0L, dcs.relays().hosts());
    }
}
