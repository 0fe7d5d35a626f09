package io.impacketsensor.decoders.smb1;

import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.decoders.gssapi.GssTokenDecoder;
import io.impacketsensor.decoders.gssapi.KerberosTokenHook;
import io.impacketsensor.decoders.smb.SmbAnalyzerFactory;
import io.impacketsensor.decoders.smb2.Smb2Limits;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.decoders.testutil.RecordingPipes;
import io.impacketsensor.core.testkit.Malformed;
import io.impacketsensor.core.testkit.Step;
import io.impacketsensor.decoders.testutil.SmbRun;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.impacketsensor.decoders.smb1.Smb1Wire.*;
import static io.impacketsensor.decoders.testutil.Smb2Wire.nbss;
import static io.impacketsensor.decoders.testutil.SmbRun.c;
import static io.impacketsensor.decoders.testutil.SmbRun.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SMB1 decoding through the SMB analyzer's framing; all messages synthetic (MS-CIFS layouts, Smb1Wire). */
class Smb1AnalyzerTest {
    static final int UID = 2048;
    static final int IPC = 2049;
    static final int DISK = 2050;
    static final int FID = 0x4001;
    static final long ACCESS_DENIED = 0xC000_0022L;

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Negotiate, chained session setup + IPC$ tree connect, svcctl pipe I/O three ways, a disk write, close. */
    static List<Step> conversation() {
        List<Step> l = new ArrayList<>();
        l.add(c(request(0, 0, 1, negotiate("NT LM 0.12", "SMB 2.002", "SMB 2.???"))));
        l.add(c(request(0, 0, 2, sessionSetup(new byte[0]), treeConnect("\\\\SRV\\IPC$"))));
        l.add(s(response(0, IPC, UID, 2, sessionSetupResp(0), treeConnectResp("IPC"))));
        l.add(c(request(IPC, UID, 3, ntCreate("\\svcctl", 0x0012019F, 1))));
        l.add(s(response(0, IPC, UID, 3, ntCreateResp(FID, 2))));
        l.add(c(request(IPC, UID, 4, writeAndx(FID, 0, bytes("bind"), 0x0008))));
        l.add(s(response(0, IPC, UID, 4, writeResp(4))));
        l.add(c(request(IPC, UID, 5, readAndx(FID, 1024))));
        l.add(s(response(0, IPC, UID, 5, readResp(bytes("ack")))));
        l.add(c(request(IPC, UID, 6, transactNmPipe(FID, bytes("call")))));
        l.add(s(response(0, IPC, UID, 6, transResp(bytes("reply")))));
        l.add(c(request(IPC, UID, 7, close(FID))));
        l.add(s(response(0, IPC, UID, 7, empty(Smb1Parser.CLOSE))));
        l.add(c(request(0, UID, 8, treeConnect("\\\\SRV\\ADMIN$"))));
        l.add(s(response(0, DISK, UID, 8, treeConnectResp("A:"))));
        l.add(c(request(DISK, UID, 9, ntCreate("Temp\\x.exe", 0x00120116, 5))));
        l.add(s(response(0, DISK, UID, 9, ntCreateResp(0x4002, 0))));
        l.add(c(request(DISK, UID, 10, writeAndx(0x4002, 0, new byte[3000], 0))));
        l.add(s(response(0, DISK, UID, 10, writeResp(3000))));
        l.add(c(request(DISK, UID, 11, ntCreate("secret.txt", 0x00120089, 1))));
        l.add(s(response(ACCESS_DENIED, DISK, UID, 11, empty(Smb1Parser.NT_CREATE_ANDX))));
        return l;
    }

    @Test
    void decodesAConversationIntoTheSmbEventRecords() {
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS).feed(conversation()).close();
        assertTrue(r.alive);
        assertEquals(List.of("NT LM 0.12", "SMB 2.002", "SMB 2.???"),
                r.ctx.of(SmbEvent.Smb1Negotiate.class).get(0).dialects());
        SmbEvent.SmbSessionSetup ss = r.ctx.of(SmbEvent.SmbSessionSetup.class).get(0);
        assertEquals(UID, ss.sessionId());
        assertEquals(0, ss.status());
        assertEquals(0x73, ss.smb1Command());
        List<SmbEvent.SmbTreeConnect> trees = r.ctx.of(SmbEvent.SmbTreeConnect.class);
        assertEquals("\\\\SRV\\IPC$", trees.get(0).path());
        assertEquals(IPC, trees.get(0).treeId());
        assertEquals(2, trees.get(0).shareType());
        assertEquals(1, trees.get(1).shareType());
        List<SmbEvent.SmbCreate> creates = r.ctx.of(SmbEvent.SmbCreate.class);
        assertEquals(3, creates.size());
        assertEquals("\\svcctl", creates.get(0).fileName());
        assertTrue(creates.get(0).namedPipe());
        assertEquals(FID, creates.get(0).fileIdVolatile());
        assertEquals(1234, creates.get(0).endOfFile());
        assertEquals(0xA2, creates.get(0).smb1Command());
        assertEquals(1, creates.get(0).version());
        assertEquals(1, trees.get(0).version());
        assertEquals("\\\\SRV\\ADMIN$", creates.get(1).share());
        assertEquals(5, creates.get(1).disposition());
        assertFalse(creates.get(1).namedPipe());
        assertEquals(ACCESS_DENIED, creates.get(2).status());
        List<SmbEvent.SmbWrite> writes = r.ctx.of(SmbEvent.SmbWrite.class);
        assertEquals(List.of(4, 3000), writes.stream().map(SmbEvent.SmbWrite::length).toList());
        assertEquals("Temp\\x.exe", writes.get(1).fileName());
        assertEquals(3, r.ctx.of(SmbEvent.SmbRead.class).get(0).dataLength());
        SmbEvent.SmbIoctl io = r.ctx.of(SmbEvent.SmbIoctl.class).get(0);
        assertEquals(0x0011C017, io.ctlCode());
        assertEquals(0x25, io.smb1Command());
        assertEquals("\\svcctl", r.ctx.of(SmbEvent.SmbClose.class).get(0).fileName());
        // Pipe data reached the consumer in order, file data did not.
        assertEquals(1, r.pipes.pipes.size());
        RecordingPipes.Pipe p = r.pipes.pipes.get(0);
        assertEquals("svcctl", p.name);
        assertEquals("bindcall", p.toServer.toString(StandardCharsets.ISO_8859_1));
        assertEquals("ackreply", p.toClient.toString(StandardCharsets.ISO_8859_1));
        assertTrue(p.closed);
        assertEquals(List.of(), r.ctx.of(io.impacketsensor.core.event.ProtocolAnomaly.class));
        assertEquals(1, r.ctx.of(SmbEvent.Smb1Usage.class).size());
        assertEquals(21, r.counter("proto.smb1.pdus"));
    }

    @Test
    void splitAtEveryByteOrPackedGivesTheSameEvents() {
        List<Step> conv = conversation();
        Malformed.sameAsWhole(() -> new SmbRun(Smb1Limits.DEFAULTS), conv, Malformed.splits(conv, 7),
                r -> describe(r.close()));
    }

    /**
     * Framing is per direction: each server message cut at every 3rd byte, with the head of the
     * client's next message delivered before the server's tail, gives the same events and pipe
     * bytes. A pipe WRITE read before the NT_CREATE response that opens its FID was complete is
     * held (bounded) until its own response, then handed to the pipe's decoder.
     */
    @Test
    void theClientsNextRequestInsideTheServersReplyAtEveryCut() {
        List<Step> conv = conversation();
        Malformed.sameAsWhole(() -> new SmbRun(Smb1Limits.DEFAULTS), conv,
                Malformed.interleavings(conv, Direction.TO_CLIENT, 3, 1, 4, 5, 40, -1),
                r -> List.of(sortedEvents(r.close()), describe(r)));
    }

    private static List<String> sortedEvents(SmbRun r) {
        List<String> out = new ArrayList<>();
        for (SensorEvent e : r.ctx.events) {
            out.add(e.toString().replaceAll("header=EventHeader\\[[^\\]]*\\], ", ""));
        }
        out.sort(null);
        return out;
    }

    @Test
    void unicodeNamesAndDosErrorCodes() {
        List<Step> l = new ArrayList<>();
        l.add(c(msg(false, 0, UNICODE | NT_STATUS, IPC, UID, 3, ntCreateUnicode("\\samr"))));
        // Flags2 without NT_STATUS: ErrorClass ERRDOS (1), ErrorCode ERRbadfile (2) (MS-CIFS 2.2.2.4).
        l.add(s(msg(true, 0x0002_0001L, 0, IPC, UID, 3, empty(Smb1Parser.NT_CREATE_ANDX))));
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS).feed(l).close();
        SmbEvent.SmbCreate cr = r.ctx.of(SmbEvent.SmbCreate.class).get(0);
        assertEquals("\\samr", cr.fileName());
        // The 32 status bits as sent, marked as a DOS-class error.
        assertEquals(SmbEvent.DOS_ERROR | 0x0002_0001L, cr.status());
    }

    @Test
    void requestsSharingAMidArePairedInOrder() {
        List<Step> l = new ArrayList<>();
        l.add(c(request(0, 0, 0, sessionSetup(new byte[0]), treeConnect("\\\\SRV\\IPC$"))));
        l.add(s(response(0, IPC, UID, 0, sessionSetupResp(0), treeConnectResp("IPC"))));
        l.add(c(request(IPC, UID, 0, treeDisconnect())));
        l.add(c(request(0, UID, 0, treeConnect("\\\\SRV\\C$"))));
        l.add(s(response(0, IPC, UID, 0, treeDisconnect())));
        l.add(s(response(0, DISK, UID, 0, treeConnectResp("A:"))));
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS).feed(l).close();
        List<SmbEvent.SmbTreeConnect> t = r.ctx.of(SmbEvent.SmbTreeConnect.class);
        assertEquals(List.of("\\\\SRV\\IPC$", "\\\\SRV\\C$"), t.stream().map(SmbEvent.SmbTreeConnect::path).toList());
        assertEquals(0, t.get(1).status());
        assertEquals(DISK, t.get(1).treeId());
        SmbEvent.SmbCommand d = r.ctx.of(SmbEvent.SmbCommand.class).get(0);
        assertEquals(4, d.command());
        assertEquals(0x71, d.smb1Command());
        assertEquals(0, d.status());
    }

    @Test
    void aPipeOpenedBeforeTheCaptureIsAdoptedByItsTransactNmPipe() {
        List<Step> l = List.of(c(request(IPC, UID, 5, transactNmPipe(0x4005, bytes("mid")))),
                s(response(0, IPC, UID, 5, transResp(bytes("way")))));
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS).feed(l).close();
        assertEquals(1, r.pipes.pipes.size());
        assertEquals("mid", r.pipes.pipes.get(0).toServer.toString(StandardCharsets.ISO_8859_1));
        assertEquals("way", r.pipes.pipes.get(0).toClient.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void unansweredRequestsAreReportedAtClose() {
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS).feed(List.of(c(request(0, UID, 9, treeConnect("\\\\SRV\\X$"))))).close();
        SmbEvent.SmbTreeConnect t = r.ctx.of(SmbEvent.SmbTreeConnect.class).get(0);
        assertEquals("\\\\SRV\\X$", t.path());
        assertEquals(SensorEvent.NO_STATUS, t.status());
    }

    @Test
    void truncatedAtEveryLengthNeverThrows() {
        for (Step st : conversation()) {
            byte[] nb = st.bytes();
            for (int n = 36; n < nb.length; n++) {
                byte[] cut = Arrays.copyOf(nb, n);
                // Restate the NBSS length so the framer delivers the cut message as a whole one.
                cut[1] = (byte) ((n - 4) >>> 16);
                cut[2] = (byte) ((n - 4) >>> 8);
                cut[3] = (byte) (n - 4);
                SmbRun r = new SmbRun(Smb1Limits.DEFAULTS).feed(List.of(new Step(st.dir(), cut))).close();
                for (String a : r.ctx.anomalies()) {
                    assertTrue(a.startsWith("smb1."), a);
                }
            }
        }
    }

    @Test
    void malformedAndxOffsetIsAnAnomaly() {
        byte[] m = request(0, 0, 2, sessionSetup(new byte[0]), treeConnect("\\\\SRV\\IPC$"));
        m[33 + 2] = 10; // AndXOffset pointing back into the header
        m[33 + 3] = 0;
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS).feed(List.of(c(m)));
        assertEquals(List.of("smb1.andx_chain_too_long"), r.ctx.anomalies());
        assertTrue(r.alive, "the message is dropped, not the connection");
        r.feed(List.of(c(request(0, UID, 60, treeConnect("\\\\SRV\\IPC$"))), s(response(0, 100, UID, 60, treeConnectResp("IPC")))));
        assertEquals("\\\\SRV\\IPC$", r.ctx.of(SmbEvent.SmbTreeConnect.class).get(0).path(), "decoded after it");
    }

    @Test
    void limitAndxChain() {
        List<Step> l = List.of(c(request(0, 0, 2, sessionSetup(new byte[0]), treeConnect("\\\\SRV\\IPC$"))));
        assertTrue(new SmbRun(Smb1Limits.DEFAULTS.withMaxAndxChain(2)).feed(l).alive);
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS.withMaxAndxChain(1)).feed(l);
        assertEquals(List.of("smb1.andx_chain_too_long"), r.ctx.anomalies());
        assertTrue(r.alive, "the message is dropped, not the connection");
        assertEquals(0, r.counter("proto.smb1.skipped_flows"));
    }

    @Test
    void limitDialects() {
        List<Step> l = List.of(c(request(0, 0, 1, negotiate("NT LM 0.12", "SMB 2.002", "SMB 2.???"))));
        assertTrue(new SmbRun(Smb1Limits.DEFAULTS.withMaxDialects(3)).feed(l).alive);
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS.withMaxDialects(2)).feed(l);
        assertEquals(List.of("smb1.too_many_dialects"), r.ctx.anomalies());
        assertTrue(r.alive, "the message (or what is over the limit) is dropped, not the connection");
    }

    @Test
    void limitTrees() {
        List<Step> l = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            l.add(c(request(0, UID, 20 + i, treeConnect("\\\\SRV\\S" + i))));
            l.add(s(response(0, 100 + i, UID, 20 + i, treeConnectResp("A:"))));
        }
        assertTrue(new SmbRun(Smb1Limits.DEFAULTS.withMaxTrees(3)).feed(l).alive);
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS.withMaxTrees(2)).feed(l);
        assertEquals(List.of("smb1.too_many_trees"), r.ctx.anomalies());
        assertTrue(r.alive, "the message (or what is over the limit) is dropped, not the connection");
    }

    @Test
    void limitOpenFiles() {
        List<Step> l = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            l.add(c(request(DISK, UID, 30 + i, ntCreate("f" + i, 0x00120089, 1))));
            l.add(s(response(0, DISK, UID, 30 + i, ntCreateResp(0x5000 + i, 0))));
        }
        assertTrue(new SmbRun(Smb1Limits.DEFAULTS.withMaxOpenFiles(3)).feed(l).alive);
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS.withMaxOpenFiles(2)).feed(l);
        assertEquals(List.of("smb1.too_many_open_files"), r.ctx.anomalies());
        assertTrue(r.alive, "the message (or what is over the limit) is dropped, not the connection");
    }

    @Test
    void limitSessions() {
        List<Step> l = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            l.add(c(request(0, 0, 40 + i, sessionSetup(new byte[0]))));
            l.add(s(response(0, 0, 500 + i, 40 + i, sessionSetupResp(0))));
        }
        assertTrue(new SmbRun(Smb1Limits.DEFAULTS.withMaxSessions(3)).feed(l).alive);
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS.withMaxSessions(2)).feed(l);
        assertEquals(List.of("smb1.too_many_sessions"), r.ctx.anomalies());
        assertTrue(r.alive, "the message (or what is over the limit) is dropped, not the connection");
    }

    @Test
    void limitPendingRequests() {
        List<Step> l = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            l.add(c(request(DISK, UID, 50 + i, close(0x7000))));
        }
        assertTrue(new SmbRun(Smb1Limits.DEFAULTS.withMaxPendingRequests(3)).feed(l).alive);
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS.withMaxPendingRequests(2)).feed(l);
        assertEquals(List.of("smb1.too_many_pending"), r.ctx.anomalies());
        assertTrue(r.alive, "the message (or what is over the limit) is dropped, not the connection");
    }

    @Test
    void limitRequestsPerMidReportsTheOldestUnanswered() {
        List<Step> l = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            l.add(c(request(0, UID, 0, treeConnect("\\\\SRV\\S" + i))));
        }
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS.withMaxRequestsPerMid(2)).feed(l);
        assertTrue(r.alive);
        List<SmbEvent.SmbTreeConnect> t = r.ctx.of(SmbEvent.SmbTreeConnect.class);
        assertEquals(1, t.size());
        assertEquals("\\\\SRV\\S0", t.get(0).path());
        assertEquals(SensorEvent.NO_STATUS, t.get(0).status());
    }

    @Test
    void limitPipeMessage() {
        List<Step> l = new ArrayList<>();
        l.add(c(request(IPC, UID, 3, ntCreate("\\svcctl", 0x0012019F, 1))));
        l.add(s(response(0, IPC, UID, 3, ntCreateResp(FID, 2))));
        l.add(c(request(IPC, UID, 4, writeAndx(FID, 0, new byte[200], 0x0008))));
        assertTrue(new SmbRun(Smb1Limits.DEFAULTS.withMaxPipeMessage(200)).feed(l).alive);
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS.withMaxPipeMessage(199)).feed(l);
        assertEquals(List.of("smb1.pipe_message_too_large"), r.ctx.anomalies());
        assertTrue(r.alive, "the message (or what is over the limit) is dropped, not the connection");
    }

    @Test
    void rawModeMessageStartSkipsTheLengthPrefix() {
        List<Step> l = new ArrayList<>();
        l.add(c(request(IPC, UID, 3, ntCreate("\\lsarpc", 0x0012019F, 1))));
        l.add(s(response(0, IPC, UID, 3, ntCreateResp(FID, 2))));
        // MS-CIFS 2.2.4.43.1: RAW_MODE | MSG_START, the first two data bytes are the message length.
        l.add(c(request(IPC, UID, 4, writeAndx(FID, 0, new byte[]{4, 0, 'b', 'i', 'n', 'd'}, 0x000C))));
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS).feed(l);
        assertEquals("bind", r.pipes.pipes.get(0).toServer.toString(StandardCharsets.ISO_8859_1));
    }

    private static List<String> describe(SmbRun r) {
        List<String> out = new ArrayList<>();
        for (SensorEvent e : r.ctx.events) {
            out.add(e.toString().replaceAll("header=EventHeader\\[[^\\]]*\\], ", ""));
        }
        for (RecordingPipes.Pipe p : r.pipes.pipes) {
            out.add(p.name + " " + Arrays.toString(p.toServer.toByteArray()) + Arrays.toString(p.toClient.toByteArray()));
        }
        return out;
    }

    /** Each message truncated at every byte, then a gap and the close: the analyzer never throws. */
    @Test
    void truncatedAtEveryByteNeverThrows() {
        Malformed.survives(() -> new SmbRun(Smb1Limits.DEFAULTS), Malformed.truncations(conversation()));
    }
}
