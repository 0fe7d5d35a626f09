package io.impacketsensor.decoders.smb2;

import io.impacketsensor.decoders.smb.SmbAnalyzerFactory;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.decoders.gssapi.GssTokenDecoder;
import io.impacketsensor.decoders.gssapi.KerberosTokenHook;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.decoders.testutil.RecordingPipes;
import io.impacketsensor.core.testkit.Malformed;
import io.impacketsensor.core.testkit.Step;
import io.impacketsensor.decoders.testutil.SmbRun;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.impacketsensor.decoders.testutil.Smb2Conversation.*;
import static io.impacketsensor.decoders.testutil.Smb2Wire.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static io.impacketsensor.decoders.testutil.SmbRun.c;
import static io.impacketsensor.decoders.testutil.SmbRun.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Synthetic SMB2 conversations (every fixture here is synthetic, built by {@code Smb2Wire}). */
class Smb2AnalyzerTest {
    @Test
    void everyEventNamesShareAndFileAndPipeStreamsAreComplete() {
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(conversation());
        assertTrue(r.alive);
        SmbEvent.SmbTreeConnect tc = r.ctx.of(SmbEvent.SmbTreeConnect.class).get(0);
        assertEquals(2, tc.version());
        assertEquals("\\\\dc1\\IPC$", tc.path());
        assertEquals(2, tc.shareType());
        SmbEvent.SmbCreate cr = r.ctx.of(SmbEvent.SmbCreate.class).get(0);
        assertEquals("svcctl", cr.fileName());
        assertTrue(cr.namedPipe());
        assertEquals(FV, cr.fileIdVolatile());
        SmbEvent.SmbWrite w = r.ctx.of(SmbEvent.SmbWrite.class).get(0);
        assertEquals("svcctl", w.fileName());
        assertEquals("\\\\dc1\\IPC$", w.share());
        SmbEvent.SmbRead rd = r.ctx.of(SmbEvent.SmbRead.class).get(0);
        assertEquals(RPC_RESP.length, rd.dataLength());
        SmbEvent.SmbIoctl io = r.ctx.of(SmbEvent.SmbIoctl.class).get(0);
        assertEquals(0x0011C017, io.ctlCode());
        assertEquals("svcctl", io.fileName());
        assertEquals("svcctl", r.ctx.of(SmbEvent.SmbClose.class).get(0).fileName());
        List<SmbEvent.Smb2SetInfo> si = r.ctx.of(SmbEvent.Smb2SetInfo.class);
        assertEquals("Temp\\y.exe", si.get(0).renameTarget());
        assertEquals("Temp\\x.exe", si.get(0).fileName());
        assertEquals("\\\\dc1\\ADMIN$", si.get(0).share());
        assertTrue(si.get(1).deletePending());
        assertEquals(0xC0000022L, si.get(1).status());
        RecordingPipes.Pipe p = r.pipes.pipes.get(0);
        assertEquals("svcctl", p.name);
        assertArrayEquals(cat(RPC_REQ, RPC_REQ), p.toServer.toByteArray());
        assertArrayEquals(cat(RPC_RESP, RPC_RESP), p.toClient.toByteArray());
        assertTrue(p.closed);
        assertTrue(r.ctx.anomalies().isEmpty(), r.ctx.anomalies().toString());
    }

    /** Split delivery at every byte boundary of every PDU gives the same events and pipe bytes. */
    @Test
    void splitDeliveryAtEveryByteBoundary() {
        List<Step> conv = conversation();
        Malformed.sameAsWhole(() -> new SmbRun(Smb2Limits.DEFAULTS), conv, Malformed.splits(conv),
                Smb2AnalyzerTest::describe);
        // Everything packed into one segment per direction change, too.
        assertEquals(describe(new SmbRun(Smb2Limits.DEFAULTS).feed(conv)),
                describe(new SmbRun(Smb2Limits.DEFAULTS).feed(Malformed.packed(conv))));
    }

    /**
     * Framing is per direction: each server PDU cut at every byte, with the head of the client's
     * next PDU delivered before the server's tail (a client may send while a reply is still
     * arriving; a mirror port may deliver the directions out of step), gives the same events. The
     * request's FileId is looked up again when its response arrives, so a request read before the
     * CREATE response completed still names its file, and a pipe WRITE read then is held (bounded)
     * until its own response and handed to the pipe's decoder: the pipe bytes are the same too.
     */
    @Test
    void theClientsNextRequestInsideTheServersReplyAtEveryCut() {
        List<Step> conv = conversation();
        assertEquals(List.of(), new SmbRun(Smb2Limits.DEFAULTS).feed(conv).ctx.anomalies());
        Malformed.sameAsWhole(() -> new SmbRun(Smb2Limits.DEFAULTS), conv,
                Malformed.interleavings(conv, Direction.TO_CLIENT, 1, 1, 4, 5, 68, 100, -1),
                r -> List.of(events(r), r.ctx.anomalies(), pipes(r)));
    }

    /** A pipe transceive (IOCTL) read before its CREATE response completed waits for its own response. */
    @Test
    void aTransceiveInsideTheCreateResponseReachesThePipe() {
        List<Step> conv = conversation();
        byte[] create = conv.get(3).bytes();
        byte[] ioctl = nbss(msg(11, 0, false, 5, IPC, SID, ioctlReq(0x0011C017, FP, FV, RPC_REQ)));
        for (int k = 1; k < create.length; k++) {
            List<Step> l = new ArrayList<>(conv.subList(0, 3));
            l.add(new Step(Direction.TO_CLIENT, Arrays.copyOfRange(create, 0, k)));
            l.add(new Step(Direction.TO_SERVER, ioctl));
            l.add(new Step(Direction.TO_CLIENT, Arrays.copyOfRange(create, k, create.length)));
            l.add(s(msg(11, 0, true, 5, IPC, SID, ioctlResp(0x0011C017, FP, FV, RPC_RESP))));
            SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(l);
            RecordingPipes.Pipe p = r.pipes.pipes.get(0);
            assertArrayEquals(RPC_REQ, p.toServer.toByteArray(), "create cut at " + k);
            assertArrayEquals(RPC_RESP, p.toClient.toByteArray(), "create cut at " + k);
            assertEquals("svcctl", r.ctx.of(SmbEvent.SmbIoctl.class).get(0).fileName());
        }
    }

    private static List<String> events(SmbRun r) {
        List<String> out = new ArrayList<>();
        for (SensorEvent e : r.ctx.events) {
            out.add(strip(e));
        }
        out.sort(null);
        return out;
    }

    private static List<String> pipes(SmbRun r) {
        List<String> out = new ArrayList<>();
        for (RecordingPipes.Pipe p : r.pipes.pipes) {
            out.add(p.name + Arrays.toString(p.toServer.toByteArray()) + Arrays.toString(p.toClient.toByteArray()));
        }
        return out;
    }

    /** An event's text without array identities (for comparing two runs). */
    static String strip(SensorEvent e) {
        return e.toString().replaceAll("\\[B@[0-9a-f]+", "bytes");
    }

    static List<String> describe(SmbRun r) {
        List<String> out = new ArrayList<>();
        for (SensorEvent e : r.ctx.events) {
            out.add(strip(e));
        }
        for (RecordingPipes.Pipe p : r.pipes.pipes) {
            out.add(p.name + Arrays.toString(p.toServer.toByteArray()) + Arrays.toString(p.toClient.toByteArray()));
        }
        return out;
    }

    @Test
    void relatedCompoundCreateCloseNamesTheFile() {
        long any = -1L;
        byte[] req = compound(msg(5, 0, false, 20, DISK, SID, createReq("a.txt", 0x80, 1, 0)),
                cat(header(6, 0, 4, 0, 21, -1, any), closeReq(any, any)));
        byte[] resp = compound(msg(5, 0, true, 20, DISK, SID, createResp(7, 8)),
                cat(header(6, 0, 5, 0, 21, DISK, SID), closeResp()));
        List<Step> l = new ArrayList<>(conversation().subList(12, 14));
        l.add(c(req));
        l.add(s(resp));
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(l);
        assertEquals("a.txt", r.ctx.of(SmbEvent.SmbClose.class).get(0).fileName());
        assertEquals("\\\\dc1\\ADMIN$", r.ctx.of(SmbEvent.SmbClose.class).get(0).share());
    }

    /**
     * Requests are reused once their event is out, a CREATE only once its compound's later related
     * operations are done too: they resolve its open through it after its own response completed
     * (MS-SMB2 3.2.4.1.4).
     */
    @Test
    void relatedOperationsAfterTheCreateCompletedStillNameItsFile() {
        long any = -1L;
        List<Step> l = new ArrayList<>(conversation().subList(12, 14));
        int id = 20;
        for (String name : List.of("a.txt", "b.txt", "c.txt")) {
            l.add(c(compound(msg(5, 0, false, id, DISK, SID, createReq(name, 0x80, 1, 0)),
                    cat(header(8, 0, 4, 0, id + 1, -1, any), readReq(any, any, 10)),
                    cat(header(6, 0, 4, 0, id + 2, -1, any), closeReq(any, any)))));
            l.add(s(compound(msg(5, 0, true, id, DISK, SID, createResp(7 + id, 8 + id)),
                    cat(header(8, 0, 5, 0, id + 1, DISK, SID), readResp(new byte[10])),
                    cat(header(6, 0, 5, 0, id + 2, DISK, SID), closeResp()))));
            id += 10;
        }
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(l);
        assertEquals(List.of("a.txt", "b.txt", "c.txt"),
                r.ctx.of(SmbEvent.SmbRead.class).stream().map(SmbEvent.SmbRead::fileName).toList());
        assertEquals(List.of("a.txt", "b.txt", "c.txt"),
                r.ctx.of(SmbEvent.SmbClose.class).stream().map(SmbEvent.SmbClose::fileName).toList());
        assertEquals(List.of(10, 10, 10),
                r.ctx.of(SmbEvent.SmbRead.class).stream().map(SmbEvent.SmbRead::dataLength).toList());
    }

    /**
     * synthetic: the CREATE of a compound is answered alone, other compounds come and go (their
     * requests reused for the next ones), and only then are its related READ and CLOSE answered:
     * they still name its file.
     */
    @Test
    void aCreateAnsweredBeforeItsRelatedOperationsIsKeptForThem() {
        long any = -1L;
        List<Step> l = new ArrayList<>(conversation().subList(12, 14));
        l.add(c(compound(msg(5, 0, false, 20, DISK, SID, createReq("a.txt", 0x80, 1, 0)),
                cat(header(8, 0, 4, 0, 21, -1, any), readReq(any, any, 10)),
                cat(header(6, 0, 4, 0, 22, -1, any), closeReq(any, any)))));
        l.add(s(msg(5, 0, true, 20, DISK, SID, createResp(7, 8))));
        int id = 30;
        for (String name : List.of("b.txt", "c.txt", "d.txt")) {
            l.add(c(compound(msg(5, 0, false, id, DISK, SID, createReq(name, 0x80, 1, 0)),
                    cat(header(6, 0, 4, 0, id + 1, -1, any), closeReq(any, any)))));
            l.add(s(compound(msg(5, 0, true, id, DISK, SID, createResp(7 + id, 8 + id)),
                    cat(header(6, 0, 5, 0, id + 1, DISK, SID), closeResp()))));
            id += 10;
        }
        l.add(s(msg(8, 0, true, 21, DISK, SID, readResp(new byte[10]))));
        l.add(c(compound(msg(5, 0, false, id, DISK, SID, createReq("e.txt", 0x80, 1, 0)),
                cat(header(6, 0, 4, 0, id + 1, -1, any), closeReq(any, any)))));
        l.add(s(compound(msg(5, 0, true, id, DISK, SID, createResp(7 + id, 8 + id)),
                cat(header(6, 0, 5, 0, id + 1, DISK, SID), closeResp()))));
        l.add(s(msg(6, 0, true, 22, DISK, SID, closeResp())));
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(l);
        assertEquals(List.of("a.txt"), r.ctx.of(SmbEvent.SmbRead.class).stream().map(SmbEvent.SmbRead::fileName).toList());
        assertEquals(List.of("b.txt", "c.txt", "d.txt", "e.txt", "a.txt"),
                r.ctx.of(SmbEvent.SmbClose.class).stream().map(SmbEvent.SmbClose::fileName).toList());
    }

    @Test
    void bulkWriteIsSkippedNotStreamedToAnyone() {
        byte[] data = new byte[1 << 20];
        List<Step> l = new ArrayList<>(conversation().subList(12, 16));
        byte[] w = nbss(msg(9, 0, false, 30, DISK, SID, writeReq(1, 2, data)));
        for (int off = 0; off < w.length; off += 1448) {
            l.add(new Step(Direction.TO_SERVER, Arrays.copyOfRange(w, off, Math.min(w.length, off + 1448))));
        }
        l.add(s(msg(9, 0, true, 30, DISK, SID, writeResp(data.length))));
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(l);
        SmbEvent.SmbWrite ev = r.ctx.of(SmbEvent.SmbWrite.class).get(0);
        assertEquals(1 << 20, ev.length());
        assertEquals("Temp\\x.exe", ev.fileName());
        assertEquals(0, ev.status());
        assertTrue(r.pipes.pipes.isEmpty());
    }

    @Test
    void asyncInterimResponseKeepsTheRequestPending() {
        List<Step> l = new ArrayList<>(conversation().subList(12, 16));
        l.add(c(msg(8, 0, false, 40, DISK, SID, readReq(1, 2, 100))));
        byte[] interim = cat(header(8, 0x103, 3, 0, 40, 0, SID), errorResp());
        l.add(s(interim));
        l.add(s(cat(header(8, 0, 3, 0, 40, 0, SID), readResp(new byte[100]))));
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(l);
        List<SmbEvent.SmbRead> reads = r.ctx.of(SmbEvent.SmbRead.class);
        assertEquals(1, reads.size());
        assertEquals(0, reads.get(0).status());
        assertEquals(100, reads.get(0).dataLength());
    }

    @Test
    void unansweredRequestsAreReportedAtClose() {
        List<Step> l = new ArrayList<>(conversation().subList(12, 16));
        l.add(c(msg(8, 0, false, 50, DISK, SID, readReq(1, 2, 100))));
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(l);
        assertTrue(r.ctx.of(SmbEvent.SmbRead.class).isEmpty());
        r.analyzer.onClose();
        assertEquals(SensorEvent.NO_STATUS, r.ctx.of(SmbEvent.SmbRead.class).get(0).status());
    }

    @Test
    void transformHeaderIsReportedOncePerSessionAndCleartextContinues() {
        byte[] transform = new byte[52 + 100];
        transform[0] = (byte) 0xFD;
        transform[1] = 'S';
        transform[2] = 'M';
        transform[3] = 'B';
        transform[44] = 0x55;
        List<Step> l = new ArrayList<>();
        l.add(c(transform));
        l.add(s(transform));
        l.addAll(conversation().subList(0, 2));
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(l);
        List<SmbEvent.Smb2Encrypted> enc = r.ctx.of(SmbEvent.Smb2Encrypted.class);
        assertEquals(1, enc.size());
        assertEquals(0x55, enc.get(0).sessionId());
        assertFalse(enc.get(0).compressed());
        assertEquals(1, r.ctx.of(SmbEvent.SmbTreeConnect.class).size());
        assertEquals(2, r.counter("proto.smb2.encrypted_pdus"));
    }

    @Test
    void truncatedPdusAndFieldsPastTheEnd() {
        List<Step> conv = conversation();
        // A CREATE whose NameOffset points past the message: anomaly, the flow goes on.
        byte[] bad = msg(5, 0, false, 2, IPC, SID, createReq("svcctl", 1, 1, 0));
        bad[64 + 44] = (byte) 0xF0;
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(List.of(conv.get(0), conv.get(1), c(bad)));
        assertEquals(List.of("smb2.malformed_command"), r.ctx.anomalies());
        assertTrue(r.alive);
        // Every message cut at every length inside its body: never throws; a cut header is an
        // anomaly, that PDU is dropped and the PDUs after it are decoded.
        for (Step st : conv) {
            byte[] pdu = Arrays.copyOfRange(st.bytes(), 4, st.bytes().length);
            for (int n = 1; n < pdu.length; n++) {
                SmbRun t = new SmbRun(Smb2Limits.DEFAULTS).feed(List.of(new Step(st.dir(), nbss(Arrays.copyOf(pdu, n)))));
                if (n < 64) {
                    assertEquals(List.of("smb2.malformed_header"), t.ctx.anomalies(), "cut at " + n);
                    assertTrue(t.alive);
                    t.feed(conv.subList(0, 2));
                    assertEquals(1, t.ctx.of(SmbEvent.SmbTreeConnect.class).size(), "cut at " + n);
                }
            }
        }
    }

    /** Random byte flips (fixed seed) in every PDU of the conversation: the analyzer never throws. */
    @Test
    void randomCorruptionNeverThrows() {
        java.util.Random rnd = new java.util.Random(42);
        List<Step> conv = conversation();
        for (int round = 0; round < 3000; round++) {
            List<Step> l = new ArrayList<>();
            for (Step st : conv) {
                byte[] b = st.bytes().clone();
                int flips = rnd.nextInt(4);
                for (int k = 0; k < flips; k++) {
                    b[4 + rnd.nextInt(b.length - 4)] = (byte) rnd.nextInt(256);
                }
                l.add(new Step(st.dir(), b));
            }
            SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(l);
            r.analyzer.onGap(Direction.TO_CLIENT, rnd.nextInt(100));
            r.analyzer.onClose();
        }
    }

    // ---- limits, each shrunk ---------------------------------------------------------------------

    /** The counter every SMB2 anomaly raises. */
    private static final String PARSER_ERROR = "proto.smb2.parser_error";

    @Test
    void maxCompoundDepth() {
        byte[] three = compound(msg(13, 0, false, 1, 0, SID, smallResp(4)), msg(13, 0, false, 2, 0, SID, smallResp(4)),
                msg(13, 0, false, 3, 0, SID, smallResp(4)));
        // Over the limit the rest of the compound is dropped, not the connection.
        Malformed.limitShrunk(n -> new SmbRun(Smb2Limits.DEFAULTS.withMaxCompoundDepth(n)), 3, List.of(c(three)),
                "smb2.compound_too_deep", PARSER_ERROR);
    }

    @Test
    void maxOpenFilesPerSession() {
        List<Step> l = new ArrayList<>(conversation().subList(0, 4));
        l.add(c(msg(5, 0, false, 60, IPC, SID, createReq("lsarpc", 1, 1, 0))));
        l.add(s(msg(5, 0, true, 60, IPC, SID, createResp(3, 4))));
        // Over the limit the file is not tracked; the connection goes on.
        SmbRun r = Malformed.limitShrunk(n -> new SmbRun(Smb2Limits.DEFAULTS.withMaxOpenFilesPerSession(n)), 2, l,
                "smb2.too_many_open_files", PARSER_ERROR);
        r.feed(conversation().subList(4, 6));
        assertEquals("svcctl", r.ctx.of(SmbEvent.SmbWrite.class).get(0).fileName());
    }

    @Test
    void maxPipeBuffer() {
        List<Step> l = new ArrayList<>(conversation().subList(0, 4));
        l.add(c(msg(11, 0, false, 70, IPC, SID, ioctlReq(0x0011C017, FP, FV, new byte[200]))));
        // Over the limit the pipe message is dropped (a gap for the pipe's decoder), not the connection.
        Malformed.limitShrunk(n -> new SmbRun(Smb2Limits.DEFAULTS.withMaxPipeBuffer(n)), 200, l,
                "smb2.pipe_buffer_exceeded", PARSER_ERROR);
    }

    @Test
    void maxPendingRequests() {
        List<Step> l = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            l.add(c(msg(13, 0, false, 100 + i, 0, SID, smallResp(4))));
        }
        // Over the limit that request is not tracked; the connection goes on.
        Malformed.limitShrunk(n -> new SmbRun(Smb2Limits.DEFAULTS.withMaxPendingRequests(n)), 3, l,
                "smb2.too_many_pending", PARSER_ERROR);
    }

    @Test
    void maxDialects() {
        byte[] neg = new Body().u16(36).u16(3).u16(1).u16(0).u32(0x7f).zeros(16).u64(0)
                .u16(0x202).u16(0x210).u16(0x300).build();
        List<Step> l = List.of(c(msg(0, 0, false, 0, 0, 0, neg)));
        SmbRun ok = new SmbRun(Smb2Limits.DEFAULTS.withMaxDialects(3)).feed(l);
        ok.analyzer.onClose();
        assertEquals(List.of(0x202, 0x210, 0x300), ok.ctx.of(SmbEvent.Smb2Negotiate.class).get(0).clientDialects());
        Malformed.limitShrunk(n -> new SmbRun(Smb2Limits.DEFAULTS.withMaxDialects(n)), 3, l,
                "smb2.too_many_dialects", PARSER_ERROR);
    }

    /** Each message truncated at every byte, then a gap and the close: the analyzer never throws. */
    @Test
    void truncatedAtEveryByteNeverThrows() {
        Malformed.survives(() -> new SmbRun(Smb2Limits.DEFAULTS), Malformed.truncations(conversation()));
    }
}
