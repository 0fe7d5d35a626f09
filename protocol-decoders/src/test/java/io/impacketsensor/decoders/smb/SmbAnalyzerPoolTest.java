package io.impacketsensor.decoders.smb;

import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.flow.Direction;
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

import static io.impacketsensor.decoders.testutil.Smb2Conversation.DISK;
import static io.impacketsensor.decoders.testutil.Smb2Conversation.IPC;
import static io.impacketsensor.decoders.testutil.Smb2Conversation.SID;
import static io.impacketsensor.decoders.testutil.Smb2Wire.closeReq;
import static io.impacketsensor.decoders.testutil.Smb2Wire.closeResp;
import static io.impacketsensor.decoders.testutil.Smb2Wire.createReq;
import static io.impacketsensor.decoders.testutil.Smb2Wire.createResp;
import static io.impacketsensor.decoders.testutil.Smb2Wire.msg;
import static io.impacketsensor.decoders.testutil.Smb2Wire.nbss;
import static io.impacketsensor.decoders.testutil.Smb2Wire.readReq;
import static io.impacketsensor.decoders.testutil.Smb2Wire.readResp;
import static io.impacketsensor.decoders.testutil.Smb2Wire.smallResp;
import static io.impacketsensor.decoders.testutil.Smb2Wire.treeConnectReq;
import static io.impacketsensor.decoders.testutil.Smb2Wire.treeConnectResp;
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

    private static void feed(FlowAnalyzer a, boolean response, byte[] smb) {
        byte[] b = nbss(smb);
        a.onData(response ? Direction.TO_CLIENT : Direction.TO_SERVER, b, 0, b.length);
    }

    /** The second connection: a CREATE on a tree connected before the capture, then a disk share's. */
    private static List<String> secondConnection(FlowAnalyzer a, RecordingContext ctx) {
        feed(a, false, msg(5, 0, false, 40, IPC, SID, createReq("a.txt", 0x80, 1, 0)));
        feed(a, true, msg(5, 0, true, 40, IPC, SID, createResp(3, 4)));
        feed(a, false, msg(3, 0, false, 41, 0, SID, treeConnectReq("\\\\dc1\\ADMIN$")));
        feed(a, true, msg(3, 0, true, 41, DISK, SID, treeConnectResp(1)));
        feed(a, false, msg(5, 0, false, 42, DISK, SID, createReq("b.txt", 0x80, 1, 0)));
        feed(a, true, msg(5, 0, true, 42, DISK, SID, createResp(5, 6)));
        a.onClose();
        List<String> out = new ArrayList<>();
        for (SmbEvent.SmbCreate e : ctx.of(SmbEvent.SmbCreate.class)) {
            out.add(e.share() + "|" + e.fileName() + "|" + e.namedPipe() + "|" + e.treeId());
        }
        return out;
    }

    /**
     * synthetic: a connection's session and its IPC$ tree, logged off, serve the next connection on
     * the same analyzer; a tree the next connection has not seen connected (same TreeId) is no pipe
     * share there, and a new one is named by its own TREE_CONNECT.
     */
    @Test
    void anEndedConnectionsTreesServeTheNextAsNewOnes() {
        SmbAnalyzerFactory factory = new SmbAnalyzerFactory(null, null);
        FlowAnalyzer a = factory.create(context());
        feed(a, false, msg(3, 0, false, 1, 0, SID, treeConnectReq("\\\\dc1\\IPC$")));
        feed(a, true, msg(3, 0, true, 1, IPC, SID, treeConnectResp(2)));
        feed(a, false, msg(5, 0, false, 2, IPC, SID, createReq("svcctl", 0x12019f, 1, 0x40)));
        feed(a, true, msg(5, 0, true, 2, IPC, SID, createResp(1, 2)));
        feed(a, false, msg(2, 0, false, 3, 0, SID, smallResp(4)));
        feed(a, true, msg(2, 0, true, 3, 0, SID, smallResp(4)));
        a.onClose();

        RecordingContext second = context();
        assertSame(a, factory.create(second));
        List<String> reused = secondConnection(a, second);
        RecordingContext fresh = context();
        List<String> expected = secondConnection(new SmbAnalyzerFactory(null, null).create(fresh), fresh);
        assertEquals(List.of("|a.txt|false|" + IPC, "\\\\dc1\\ADMIN$|b.txt|false|" + DISK), expected);
        assertEquals(expected, reused);
    }

    /** The second connection: two opens, the first closed, then a READ of the second. */
    private static List<String> twoOpens(FlowAnalyzer a, RecordingContext ctx) {
        feed(a, false, msg(3, 0, false, 50, 0, SID, treeConnectReq("\\\\dc1\\C$")));
        feed(a, true, msg(3, 0, true, 50, DISK, SID, treeConnectResp(1)));
        feed(a, false, msg(5, 0, false, 51, DISK, SID, createReq("c.txt", 0x80, 1, 0)));
        feed(a, true, msg(5, 0, true, 51, DISK, SID, createResp(7, 8)));
        feed(a, false, msg(5, 0, false, 52, DISK, SID, createReq("d.txt", 0x80, 1, 0)));
        feed(a, true, msg(5, 0, true, 52, DISK, SID, createResp(9, 10)));
        feed(a, false, msg(6, 0, false, 53, DISK, SID, closeReq(7, 8)));
        feed(a, true, msg(6, 0, true, 53, DISK, SID, closeResp()));
        feed(a, false, msg(8, 0, false, 54, DISK, SID, readReq(9, 10, 4)));
        feed(a, true, msg(8, 0, true, 54, DISK, SID, readResp(new byte[4])));
        a.onClose();
        List<String> out = new ArrayList<>();
        for (SmbEvent e : ctx.of(SmbEvent.class)) {
            if (e instanceof SmbEvent.SmbClose c) {
                out.add("close " + c.fileName());
            } else if (e instanceof SmbEvent.SmbRead r) {
                out.add("read " + r.fileName());
            }
        }
        return out;
    }

    /**
     * synthetic: an open replaced by a CREATE that reused its FileId, and the replacing open taken
     * out by a late CLOSE of the first, are each kept once for the next connection: there, two opens
     * are two objects.
     */
    @Test
    void anEndedConnectionsOpensServeTheNextOnceEach() {
        SmbAnalyzerFactory factory = new SmbAnalyzerFactory(null, null);
        FlowAnalyzer a = factory.create(context());
        feed(a, false, msg(3, 0, false, 1, 0, SID, treeConnectReq("\\\\dc1\\C$")));
        feed(a, true, msg(3, 0, true, 1, DISK, SID, treeConnectResp(1)));
        feed(a, false, msg(5, 0, false, 2, DISK, SID, createReq("a.txt", 0x80, 1, 0)));
        feed(a, true, msg(5, 0, true, 2, DISK, SID, createResp(1, 2)));
        // the CLOSE of a.txt is answered only after a CREATE was given the same FileId
        feed(a, false, msg(6, 0, false, 3, DISK, SID, closeReq(1, 2)));
        feed(a, false, msg(5, 0, false, 4, DISK, SID, createReq("b.txt", 0x80, 1, 0)));
        feed(a, true, msg(5, 0, true, 4, DISK, SID, createResp(1, 2)));
        feed(a, true, msg(6, 0, true, 3, DISK, SID, closeResp()));
        a.onClose();

        RecordingContext second = context();
        assertSame(a, factory.create(second));
        List<String> reused = twoOpens(a, second);
        RecordingContext fresh = context();
        List<String> expected = twoOpens(new SmbAnalyzerFactory(null, null).create(fresh), fresh);
        assertEquals(List.of("close c.txt", "read d.txt"), expected);
        assertEquals(expected, reused);
    }

    private static RecordingContext context() {
        return new RecordingContext(1, "10.0.0.2", 50000, "10.0.0.1", 445, new ArrayList<>(), new ArrayList<>());
    }
}
