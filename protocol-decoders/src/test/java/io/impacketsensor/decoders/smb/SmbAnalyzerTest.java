package io.impacketsensor.decoders.smb;

import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.testkit.Step;
import io.impacketsensor.decoders.smb2.Smb2Analyzer;
import io.impacketsensor.decoders.smb2.Smb2Limits;
import io.impacketsensor.decoders.testutil.SmbRun;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.impacketsensor.decoders.testutil.Smb2Conversation.*;
import static io.impacketsensor.decoders.testutil.Smb2Wire.*;
import static io.impacketsensor.decoders.testutil.SmbRun.c;
import static io.impacketsensor.decoders.testutil.SmbRun.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The NBSS framing and the hand-over by protocol id, on synthetic conversations (every fixture here
 * is synthetic, built by {@code Smb2Wire}): session service control messages, gaps, bytes that are
 * no NBSS header, the PDU size limit and the probe.
 */
class SmbAnalyzerTest {

    @Test
    void netbiosSessionRequestOn139ThenSmb1NegotiateAndUsage() {
        byte[] sessionRequest = {(byte) 0x81, 0, 0, 4, 1, 2, 3, 4};
        byte[] positive = {(byte) 0x82, 0, 0, 0};
        byte[] dialects = cat(new byte[]{2}, "NT LM 0.12\0".getBytes(), new byte[]{2}, "SMB 2.002\0".getBytes(),
                new byte[]{2}, "SMB 2.???\0".getBytes());
        byte[] smb1 = new byte[32 + 3 + dialects.length];
        smb1[0] = (byte) 0xFF;
        smb1[1] = 'S';
        smb1[2] = 'M';
        smb1[3] = 'B';
        smb1[4] = 0x72;
        smb1[33] = (byte) dialects.length;
        System.arraycopy(dialects, 0, smb1, 35, dialects.length);
        byte[] other = smb1.clone();
        other[4] = 0x73;
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(List.of(new Step(Direction.TO_SERVER, sessionRequest),
                new Step(Direction.TO_CLIENT, positive), c(smb1), c(other), c(other)));
        assertEquals(List.of("NT LM 0.12", "SMB 2.002", "SMB 2.???"),
                r.ctx.of(SmbEvent.Smb1Negotiate.class).get(0).dialects());
        assertEquals(1, r.ctx.of(SmbEvent.Smb1Usage.class).size());
        assertEquals(0x73, r.ctx.of(SmbEvent.Smb1Usage.class).get(0).command());
    }

    @Test
    void gapInsideBulkDataNeedsNoResync() {
        List<Step> l = new ArrayList<>(conversation().subList(12, 16));
        byte[] w = nbss(msg(9, 0, false, 30, DISK, SID, writeReq(1, 2, new byte[10000])));
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(l);
        r.analyzer.onData(Direction.TO_SERVER, w, 0, 200);
        assertTrue(r.analyzer.onGap(Direction.TO_SERVER, 5000));
        r.analyzer.onData(Direction.TO_SERVER, w, 5200, w.length - 5200);
        r.feed(List.of(s(msg(9, 0, true, 30, DISK, SID, writeResp(10000)))));
        assertEquals(1, r.ctx.of(SmbEvent.SmbWrite.class).size());
        assertTrue(r.ctx.anomalies().isEmpty());
    }

    @Test
    void gapInsideAHeaderResynchronisesOnTheNextPdu() {
        List<Step> conv = conversation();
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(conv.subList(0, 2));
        byte[] create = conv.get(2).bytes();
        r.analyzer.onData(Direction.TO_SERVER, create, 0, 30);
        assertTrue(r.analyzer.onGap(Direction.TO_SERVER, create.length - 30));
        // The next client segment starts with junk, then a whole PDU.
        byte[] junk = cat(new byte[]{1, 2, 3}, conv.get(12).bytes());
        r.analyzer.onData(Direction.TO_SERVER, junk, 0, junk.length);
        r.feed(List.of(conv.get(13)));
        assertEquals(List.of("smb2.gap"), r.ctx.anomalies());
        assertEquals(2, r.ctx.of(SmbEvent.SmbTreeConnect.class).size());
        assertEquals(1, r.counter("proto.smb2.gap"));
    }

    @Test
    void invalidNbssTypeResynchronisesAtTheNextSmbMessage() {
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS);
        assertTrue(r.analyzer.onData(Direction.TO_SERVER, "GET / HTTP/1.0\r\n".getBytes(), 0, 16));
        assertEquals(List.of("smb2.nbss_invalid"), r.ctx.anomalies());
        r.feed(conversation());
        assertTrue(r.alive);
        assertEquals("svcctl", r.ctx.of(SmbEvent.SmbWrite.class).get(0).fileName(), "decoded after the garbage");
        assertEquals(0, r.counter("proto.smb2.skipped_flows"));
    }

    @Test
    void maxPduSize() {
        List<Step> l = new ArrayList<>(conversation());
        // A 1 MB WRITE over the limit first: skipped by its length, the conversation after it decoded.
        l.add(0, c(msg(9, 0, false, 99, IPC, SID, writeReq(FP, FV, new byte[1 << 20]))));
        SmbRun r = new SmbRun(new SmbLimits(1 << 19)).feed(l);
        assertEquals(List.of("smb2.pdu_too_large"), r.ctx.anomalies());
        assertTrue(r.alive);
        assertEquals("svcctl", r.ctx.of(SmbEvent.SmbWrite.class).get(0).fileName());
        assertEquals(0, r.counter("proto.smb2.skipped_flows"));
        // With the limit under every PDU, each is reported (up to the per-connection cap) and skipped.
        SmbRun all = new SmbRun(new SmbLimits(100)).feed(conversation());
        assertTrue(all.alive);
        long over = conversation().stream().filter(st -> st.bytes().length - 4 > 100).count();
        assertTrue(over > 0);
        assertEquals(Math.min(over, Smb2Analyzer.MAX_ANOMALY_EVENTS), all.ctx.anomalies().size());
        assertTrue(all.ctx.anomalies().stream().allMatch("smb2.pdu_too_large"::equals));
        assertEquals(over, all.counter("proto.smb2.parser_error"));
    }

    @Test
    void probe() {
        SmbAnalyzerFactory f = new SmbRun(Smb2Limits.DEFAULTS).factory;
        byte[] pdu = conversation().get(0).bytes();
        assertEquals(io.impacketsensor.core.wire.ProbeResult.MATCH,
                f.probe(io.impacketsensor.core.event.Transport.TCP, Direction.TO_SERVER, pdu, 0, pdu.length));
        assertEquals(io.impacketsensor.core.wire.ProbeResult.NEED_MORE,
                f.probe(io.impacketsensor.core.event.Transport.TCP, Direction.TO_SERVER, pdu, 0, 5));
        assertEquals(io.impacketsensor.core.wire.ProbeResult.NO_MATCH,
                f.probe(io.impacketsensor.core.event.Transport.TCP, Direction.TO_SERVER, "GET / HTTP".getBytes(), 0, 10));
        assertTrue(f.wantsPort(io.impacketsensor.core.event.Transport.TCP, 139));
    }
}
