package io.impacketsensor.decoders.smb;

import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.EventText;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.Decoders;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SMB factory hands an ended connection's analyzer to the worker's next connection
 * (the factory's {@link io.impacketsensor.core.collections.ReusePool}); whatever the ended one left behind, the next must decode exactly as a
 * new analyzer does.
 */
class SmbAnalyzerPoolTest {

    /**
     * Every SMB capture of the decoder tests, each replayed through one worker's factories right
     * after the previous capture cut at half its frames (so those connections end with requests
     * unanswered, files and pipes open, PDUs half gathered, SMB1 and SMB2 state), and compared with
     * the same capture through new factories.
     */
    @Test
    void aPooledAnalyzerDecodesAsANewOne() throws Exception {
        List<Path> captures = new ArrayList<>();
        for (String index : List.of("/pcaps/smb2/CAPTURES.tsv", "/pcaps/smb1/CAPTURES.tsv")) {
            captures.addAll(Captures.index(index).values());
        }
        assertTrue(captures.size() > 10, "the SMB test captures are found");
        List<AnalyzerFactory> pooled = Decoders.forWorker(DecoderConfig.defaults());
        SmbAnalyzerFactory smb = (SmbAnalyzerFactory) pooled.get(0);
        int reused = 0;
        Path previous = captures.get(captures.size() - 1);
        for (Path capture : captures) {
            List<Replay.Frame> cut = Replay.frames(previous);
            Replay.run(cut.subList(0, cut.size() / 2), pooled, FlowLimits.DEFAULTS, e -> { }, (n, v) -> { });
            reused += smb.pooled();
            List<SensorEvent> again = Replay.events(capture, pooled);
            List<SensorEvent> fresh = Replay.events(capture, Decoders.forWorker(DecoderConfig.defaults()));
            assertFalse(fresh.isEmpty(), capture::toString);
            assertEquals(EventText.of(fresh), EventText.of(again), capture::toString);
            previous = capture;
        }
        assertTrue(reused > captures.size(), "connections ended with analyzers kept for the next");
    }

    /** synthetic: a second close must not hand the analyzer out twice; the pool is bounded. */
    @Test
    void closedOnceKeptOnceBounded() {
        SmbAnalyzerFactory factory = new SmbAnalyzerFactory(null, null);
        FlowAnalyzer a = factory.create(context());
        a.onClose();
        a.onClose();
        assertEquals(1, factory.pooled());
        assertSame(a, factory.create(context()), "the ended connection's analyzer is reused");
        assertNotSame(a, factory.create(context()), "and handed out once");
        List<FlowAnalyzer> open = new ArrayList<>();
        for (int i = 0; i < SmbAnalyzerFactory.POOLED + 5; i++) {
            open.add(factory.create(context()));
        }
        open.forEach(FlowAnalyzer::onClose);
        assertEquals(SmbAnalyzerFactory.POOLED, factory.pooled());
    }

    private static RecordingContext context() {
        return new RecordingContext(1, "10.0.0.2", 50000, "10.0.0.1", 445, new ArrayList<>(), new ArrayList<>());
    }
}
