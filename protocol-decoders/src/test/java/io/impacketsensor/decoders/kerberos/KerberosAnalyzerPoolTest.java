package io.impacketsensor.decoders.kerberos;

import io.impacketsensor.core.event.KerberosEvent.KerberosRequest;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.testkit.PooledReplay;
import io.impacketsensor.core.testkit.RecordingContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kerberos factory hands an ended flow's analyzer to the worker's next flow of the same
 * transport; it must decode exactly as a new analyzer does.
 */
class KerberosAnalyzerPoolTest {

    /**
     * Every project lab capture, each replayed through one factory right after the previous capture
     * cut at half its frames (flows left mid-record, requests left unanswered), and compared with the
     * same capture through a new factory.
     */
    @Test
    void aPooledAnalyzerDecodesAsANewOne() throws Exception {
        KerberosAnalyzerFactory krb = new KerberosAnalyzerFactory();
        PooledReplay.Result r = PooledReplay.compare(List.of(krb), () -> List.of(new KerberosAnalyzerFactory()),
                () -> krb.pooled(Transport.TCP) + krb.pooled(Transport.UDP), e -> true);
        assertTrue(r.reused() > 0, "flows ended with analyzers kept for the next");
        assertTrue(r.counted() > 0, "the captures hold Kerberos events to compare");
    }

    /**
     * synthetic: a TCP flow left with a record half gathered and a request unanswered hands a clean
     * analyzer to the next flow; a second close does not hand it out twice; a TCP analyzer serves
     * only TCP flows; the pool is bounded.
     */
    @Test
    void aReusedTcpAnalyzerStartsClean() {
        KerberosAnalyzerFactory factory = new KerberosAnalyzerFactory();
        RecordingContext first = new RecordingContext(Transport.TCP, 88);
        FlowAnalyzer a = factory.create(first);
        byte[] rec = KerberosAnalyzerTest.AS_REQ_RECORD;
        a.onData(Direction.TO_SERVER, rec, 0, rec.length);
        a.onData(Direction.TO_SERVER, rec, 0, rec.length / 2);
        int firstEvents = first.events.size();
        a.onClose();
        a.onClose();
        assertEquals(1, factory.pooled(Transport.TCP));
        assertEquals(0, factory.pooled(Transport.UDP));

        RecordingContext second = new RecordingContext(Transport.TCP, 88);
        assertSame(a, factory.create(second), "the ended flow's analyzer is reused");
        a.onData(Direction.TO_SERVER, rec, 0, 7);
        a.onData(Direction.TO_SERVER, rec, 7, rec.length - 7);
        // A record mark with the reserved bit set: an anomaly, and no reply taken for the old request.
        a.onData(Direction.TO_CLIENT, new byte[] {(byte) 0x80, 0, 0, 1}, 0, 4);
        assertEquals(firstEvents, first.events.size(), "nothing more goes to the ended flow");
        List<KerberosRequest> requests = second.of(KerberosRequest.class);
        assertEquals(1, requests.size(), "the split record is gathered anew, not after the old half");
        assertEquals(10, requests.get(0).msgType());
        assertEquals(1, RecordingContext.of(second.events, ProtocolAnomaly.class).size(), second.events::toString);
        assertNotSame(a, factory.create(new RecordingContext(Transport.TCP, 88)), "and handed out once");

        factory.create(new RecordingContext(Transport.UDP, 88)).onClose();
        assertEquals(1, factory.pooled(Transport.UDP));
        assertEquals(0, factory.pooled(Transport.TCP), "TCP takes no UDP analyzer");
        List<FlowAnalyzer> open = new ArrayList<>();
        for (int i = 0; i < KerberosAnalyzerFactory.POOLED + 5; i++) {
            open.add(factory.create(new RecordingContext(Transport.TCP, 88)));
        }
        open.forEach(FlowAnalyzer::onClose);
        assertEquals(KerberosAnalyzerFactory.POOLED, factory.pooled(Transport.TCP));
    }

    /** synthetic: a UDP flow that used up its anomaly events hands a clean count to the next flow. */
    @Test
    void aReusedUdpAnalyzerCountsItsOwnAnomalies() {
        KerberosAnalyzerFactory factory = new KerberosAnalyzerFactory();
        RecordingContext first = new RecordingContext(Transport.UDP, 88);
        FlowAnalyzer a = factory.create(first);
        byte[] junk = {0x6a, (byte) 0x81, 0x7f, 0x30, 0x01};
        for (int i = 0; i < KerberosAnalyzer.MAX_ANOMALY_EVENTS + 2; i++) {
            a.onData(Direction.TO_SERVER, junk, 0, junk.length);
        }
        assertEquals(KerberosAnalyzer.MAX_ANOMALY_EVENTS, RecordingContext.of(first.events, ProtocolAnomaly.class).size());
        a.onClose();
        RecordingContext second = new RecordingContext(Transport.UDP, 88);
        assertSame(a, factory.create(second));
        a.onData(Direction.TO_SERVER, junk, 0, junk.length);
        assertEquals(1, RecordingContext.of(second.events, ProtocolAnomaly.class).size(),
                "the next flow reports its own anomaly, to its own context");
        byte[] req = KerberosAnalyzerTest.AS_REQ;
        a.onData(Direction.TO_SERVER, req, 0, req.length);
        assertEquals(1, second.of(KerberosRequest.class).size());
    }
}
