package io.impacketsensor.decoders.dns;

import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.EventText;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.core.testkit.Replay;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
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
        List<Path> captures = new ArrayList<>();
        for (String name : Captures.list("/pcaps/lab")) {
            captures.add(Captures.path(name));
        }
        assertTrue(captures.size() > 10, "the lab captures are found");
        DnsAnalyzerFactory dns = new DnsAnalyzerFactory();
        List<AnalyzerFactory> pooled = List.of(dns);
        int reused = 0;
        int answers = 0;
        Path previous = captures.get(captures.size() - 1);
        for (Path capture : captures) {
            List<Replay.Frame> cut = Replay.frames(previous);
            Replay.run(cut.subList(0, cut.size() / 2), pooled, FlowLimits.DEFAULTS, e -> { }, (n, v) -> { });
            reused += dns.pooled();
            List<SensorEvent> again = Replay.events(capture, pooled);
            List<SensorEvent> fresh = Replay.events(capture, List.of(new DnsAnalyzerFactory()));
            answers += fresh.size();
            assertEquals(EventText.of(fresh), EventText.of(again), capture::toString);
            previous = capture;
        }
        assertTrue(reused > 0, "UDP flows ended with analyzers kept for the next");
        assertTrue(answers > 0, "the captures hold DNS events to compare");
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
