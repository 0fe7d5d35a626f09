package io.impacketsensor.decoders.dns;

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
 * The DNS factory hands an ended UDP flow's analyzer to the worker's next UDP flow; it must decode
 * exactly as a new analyzer does.
 */
class DnsAnalyzerPoolTest {

    /**
     * Every project lab capture, each replayed through one factory right after the previous capture
     * cut at half its frames, and compared with the same capture through a new factory.
     */
    @Test
    void aPooledAnalyzerDecodesAsANewOne() throws Exception {
        DnsAnalyzerFactory dns = new DnsAnalyzerFactory();
        PooledReplay.Result r = PooledReplay.compare(List.of(dns), () -> List.of(new DnsAnalyzerFactory()),
                () -> dns.pooled(), e -> true);
        assertTrue(r.reused() > 0, "UDP flows ended with analyzers kept for the next");
        assertTrue(r.counted() > 0, "the captures hold DNS events to compare");
    }

    /**
     * synthetic: a flow that used up its anomaly events hands a clean count to the next flow; a
     * second close does not hand the analyzer out twice; TCP analyzers (with their buffers) are not
     * kept; the pool is bounded.
     */
    @Test
    void aReusedAnalyzerStartsClean() {
        DnsAnalyzerFactory factory = new DnsAnalyzerFactory();
        RecordingContext first = new RecordingContext(Transport.UDP, 53);
        FlowAnalyzer a = factory.create(first);
        byte[] truncated = truncatedDcLocatorAnswer();
        for (int i = 0; i < DnsAnalyzer.MAX_ANOMALY_EVENTS + 2; i++) {
            a.onData(Direction.TO_CLIENT, truncated, 0, truncated.length);
        }
        assertEquals(DnsAnalyzer.MAX_ANOMALY_EVENTS, RecordingContext.of(first.events, ProtocolAnomaly.class).size());
        a.onClose();
        a.onClose();
        assertEquals(1, factory.pooled());
        RecordingContext second = new RecordingContext(Transport.UDP, 53);
        assertSame(a, factory.create(second), "the ended flow's analyzer is reused");
        a.onData(Direction.TO_CLIENT, truncated, 0, truncated.length);
        assertEquals(1, RecordingContext.of(second.events, ProtocolAnomaly.class).size(),
                "the next flow reports its own anomaly, to its own context");
        assertEquals(DnsAnalyzer.MAX_ANOMALY_EVENTS, RecordingContext.of(first.events, ProtocolAnomaly.class).size());
        assertNotSame(a, factory.create(new RecordingContext(Transport.UDP, 53)), "and handed out once");

        factory.create(new RecordingContext(Transport.TCP, 53)).onClose();
        assertEquals(0, factory.pooled(), "a TCP analyzer is not kept");
        List<FlowAnalyzer> open = new ArrayList<>();
        for (int i = 0; i < DnsAnalyzerFactory.POOLED + 5; i++) {
            open.add(factory.create(new RecordingContext(Transport.UDP, 53)));
        }
        open.forEach(FlowAnalyzer::onClose);
        assertEquals(DnsAnalyzerFactory.POOLED, factory.pooled());
    }

    /** synthetic: a DC locator answer whose one answer record ends after its owner name. */
    private static byte[] truncatedDcLocatorAnswer() {
        java.io.ByteArrayOutputStream m = new java.io.ByteArrayOutputStream();
        m.writeBytes(new byte[] {0, 1, (byte) 0x81, (byte) 0x80, 0, 1, 0, 1, 0, 0, 0, 0});
        for (String label : "_ldap._tcp.dc._msdcs.lab.test".split("\\.")) {
            m.write(label.length());
            m.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        m.writeBytes(new byte[] {0, 0, 33, 0, 1, (byte) 0xC0, 12, 0});
        return m.toByteArray();
    }
}
