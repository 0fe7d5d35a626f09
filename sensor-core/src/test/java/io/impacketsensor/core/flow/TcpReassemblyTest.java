package io.impacketsensor.core.flow;

import io.impacketsensor.core.flow.RecordingFactory.Recorder;
import org.junit.jupiter.api.Test;

import static io.impacketsensor.core.packet.Frames.ACK;
import static io.impacketsensor.core.packet.Frames.FIN;
import static io.impacketsensor.core.packet.Frames.PSH;
import static io.impacketsensor.core.packet.Frames.RST;
import static io.impacketsensor.core.packet.Frames.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Synthetic TCP streams through the real PacketProcessor; the recording analyzer sees exact bytes and gaps. */
class TcpReassemblyTest {
    private static final int DA = ACK | PSH;

    private static RecordingFactory factory() {
        return new RecordingFactory("rec", "", false, 445);
    }

    @Test
    void inOrderStreamBothDirectionsThenFin() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "hello ");
        h.c2s(7, 1, DA, "world");
        h.s2c(1, 12, DA, "reply");
        h.c2s(12, 6, FIN | ACK, "");
        h.s2c(6, 13, FIN | ACK, "");
        h.c2s(13, 7, ACK, "");
        Recorder r = f.only();
        assertEquals("hello world", r.toServer.toString());
        assertEquals("reply", r.toClient.toString());
        assertEquals(1, r.closes);
        assertEquals(11, h.counter("tcp.reassembled_bytes_to_server"));
        assertEquals(5, h.counter("tcp.reassembled_bytes_to_client"));
        assertEquals(0, h.counter("tcp.gaps"));
        assertEquals(1, h.counter("flow.tcp"));
        assertEquals(0, h.counter("tcp.after_close") - 1, "the last ACK arrives after both FINs");
    }

    @Test
    void retransmissionIsDeliveredOnce() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "abcd");
        h.c2s(1, 1, DA, "abcd");
        h.c2s(5, 1, DA, "ef");
        h.c2s(3, 1, DA, "cdefgh");
        assertEquals("abcdefgh", f.only().toServer.toString());
        assertEquals(2, h.counter("tcp.retransmissions"));
        assertEquals(0, h.counter("tcp.duplicates"), "a retransmission is a new datagram (new IPv4 id)");
    }

    @Test
    void spanDuplicatesAreCountedAndNeverDeliveredTwice() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "abc");
        h.again();
        h.s2c(1, 4, DA, "xy");
        h.again();
        h.c2s(4, 3, DA, "d");
        assertEquals("abcd", f.only().toServer.toString());
        assertEquals("xy", f.only().toClient.toString());
        assertEquals(2, h.counter("tcp.duplicates"));
        assertEquals(0, h.counter("tcp.retransmissions"));
    }

    @Test
    void aSynOvertakenByItsFirstSegmentsIsNoNewConnection() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        // A reordering copy shows the SYN-ACK and the first request before the client's SYN.
        h.s2c(0, 1, SYN | ACK, "");
        h.c2s(1, 1, DA, "abc");
        h.c2s(0, 0, SYN, "");
        h.c2s(4, 1, DA, "def");
        assertEquals("abcdef", f.only().toServer.toString());
        assertEquals(1, h.counter("flow.tcp"));
        assertEquals(0, h.counter("flow.tcp_port_reuse"));
        assertEquals(1, h.counter("tcp.late_syn"));
    }

    @Test
    void aSynOvertakenByItsConnectionsFinIsNoNewConnection() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        // A short connection inside one reordering window: request and FIN before the SYN.
        h.s2c(0, 1, SYN | ACK, "");
        h.c2s(1, 1, DA, "abc");
        h.c2s(4, 1, FIN | ACK, "");
        h.c2s(0, 0, SYN, "");
        h.s2c(1, 5, DA, "reply");
        assertEquals(">abc<reply", f.only().both.toString());
        assertEquals(1, h.counter("flow.tcp"));
        assertEquals(0, h.counter("flow.tcp_port_reuse"));
        assertEquals(0, h.counter("tcp.gaps"));
    }

    @Test
    void aSynArrivingAfterItsFinStillStartsTheStream() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        // The client's FIN is the first of its packets, then its SYN and its one request.
        h.s2c(1, 8, DA, "reply");
        h.c2s(8, 6, FIN | ACK, "");
        h.c2s(0, 0, SYN, "");
        h.c2s(1, 1, DA, "request");
        assertEquals("request", f.only().toServer.toString());
        assertEquals(0, h.counter("flow.tcp_port_reuse"));
    }

    @Test
    void onlyTheClientSideStillReachesTheAnalyzer() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.c2s(0, 0, SYN, "");
        h.c2s(1, 1, ACK, "");
        h.c2s(1, 1, DA, "req1");
        h.c2s(5, 90, DA, "req2");
        h.proc.finish();
        assertEquals("req1req2", f.only().toServer.toString());
        assertEquals(0, h.counter("tcp.gaps"), "the unseen server side is not a gap of the client's");
    }

    @Test
    void reorderedSegmentsAreDeliveredInSequence() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(7, 1, DA, "ghi");
        h.c2s(4, 1, DA, "def");
        assertEquals(0, f.created.size(), "nothing is delivered (so nothing probed) before the hole is filled");
        h.c2s(1, 1, DA, "abc");
        h.c2s(10, 1, DA, "j");
        assertEquals("abcdefghij", f.only().toServer.toString());
        assertEquals(2, h.counter("tcp.out_of_order"));
        assertEquals(0, h.counter("tcp.gaps"));
    }

    @Test
    void overlapKeepsFirstSeenBytesAndCountsConflicts() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(5, 1, DA, "EFGH");
        // Overlaps the held "EF" with different bytes: the held copy wins.
        h.c2s(1, 1, DA, "abcdxy");
        assertEquals("abcdEFGH", f.only().toServer.toString());
        assertEquals(1, h.counter("tcp.overlap_conflicts"));
        // An overlapping copy with the same bytes is no conflict.
        h.c2s(11, 1, DA, "KL");
        h.c2s(9, 1, DA, "ijKL");
        assertEquals("abcdEFGHijKL", f.only().toServer.toString());
        assertEquals(1, h.counter("tcp.overlap_conflicts"));
    }

    @Test
    void lostSegmentIsReportedAsGapWhenAcknowledged() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "abc");
        // "defgh" (5 bytes) was lost before the capture.
        h.c2s(9, 1, DA, "ijk");
        assertEquals("abc", f.only().toServer.toString());
        h.s2c(1, 12, ACK, "");
        // The ACK may have overtaken the segment (a reordering copy): the hole waits.
        for (int i = 1; i < TcpReassembler.ACK_HOLE_PATIENCE - 1; i++) {
            h.s2c(1, 12, ACK, "");
        }
        assertEquals("abc", f.only().toServer.toString());
        h.s2c(1, 12, ACK, "");
        assertEquals("abc[gap 5]ijk", f.only().toServer.toString());
        assertEquals(1, h.counter("tcp.gaps"));
        assertEquals(5, h.counter("tcp.gap_bytes"));
        h.c2s(12, 1, DA, "l");
        assertEquals("abc[gap 5]ijkl", f.only().toServer.toString());
    }

    @Test
    void ackOvertakingItsSegmentIsNoGap() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "abc");
        h.c2s(7, 1, DA, "ghi");
        // A reordering copy: the server's ACK of everything comes before "def".
        h.s2c(1, 10, ACK, "");
        h.s2c(1, 10, ACK, "");
        h.c2s(4, 1, DA, "def");
        assertEquals("abcdefghi", f.only().toServer.toString());
        assertEquals(0, h.counter("tcp.gaps"));
    }

    @Test
    void aBareAckDoesNotFixWhereAStreamStarts() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        // A reordering copy: the client's ACK of the reply comes before its request.
        h.c2s(8, 6, ACK, "");
        h.c2s(1, 1, DA, "request");
        h.s2c(1, 8, DA, "reply");
        assertEquals(">request<reply", f.only().both.toString());
        assertEquals(0, h.counter("tcp.retransmissions"));
    }

    @Test
    void aBareAckBeforeTheSecondSegmentShowsWhereTheStreamStarts() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        // A reordering copy without the handshake: the client's bare ACK at 1, then its second
        // segment at 4; the first segment (1..4) arrives after the reply to both.
        h.c2s(1, 1, ACK, "");
        h.c2s(4, 1, DA, "def");
        h.s2c(1, 7, DA, "reply");
        h.c2s(1, 1, DA, "abc");
        assertEquals(">abcdef<reply", f.only().both.toString());
        assertEquals(0, h.counter("tcp.gaps"));
    }

    @Test
    void aKeepAliveProbeDoesNotMoveTheStart() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        // RFC 9293 3.8.4: a keep-alive carries SND.NXT - 1; the data after it starts at SND.NXT.
        h.c2s(9, 1, ACK, "");
        h.c2s(10, 1, DA, "data");
        assertEquals("data", f.only().toServer.toString());
    }

    @Test
    void replyToALostRequestMakesTheRequestBytesAGap() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "req1");
        // "req2" (4 bytes) was lost; its reply acknowledges it, so the reply waits for it first.
        h.s2c(1, 9, DA, "rsp2");
        assertEquals(">req1", f.only().both.toString());
        for (int i = 1; i < TcpReassembler.PEER_PATIENCE; i++) {
            h.c2s(5, 1, ACK, "");
        }
        assertEquals(">req1", f.only().both.toString(), "the wait lasts PEER_PATIENCE segments");
        // The client holds nothing and has not closed: the bytes waited for are its latest, and
        // the wait is extended (a reordering copy can move a request that far).
        for (int i = 0; i < TcpReassembler.PEER_EXTENSION; i++) {
            h.c2s(5, 1, ACK, "");
        }
        assertEquals(">req1", f.only().both.toString(), "extended by PEER_EXTENSION segments");
        h.c2s(5, 1, ACK, "");
        assertEquals(">req1<rsp2", f.only().both.toString());
        assertEquals("req1[gap 4]", f.only().toServer.toString());
    }

    @Test
    void theClientsLaterDataEndsTheExtendedWaitForItsLostRequest() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "req1");
        h.s2c(1, 9, DA, "rsp2");
        for (int i = 0; i < TcpReassembler.PEER_PATIENCE; i++) {
            h.c2s(5, 1, ACK, "");
        }
        assertEquals(">req1", f.only().both.toString(), "extended: the client is quiet");
        // The client's next request starts past the bytes the reply waits for: they were lost.
        h.c2s(9, 5, DA, "req3");
        assertEquals(">req1<rsp2>req3", f.only().both.toString());
        assertEquals("req1[gap 4]req3", f.only().toServer.toString());
    }

    @Test
    void theClientsLaterDataBeforeTheFirstWaitEndsKeepsTheShortWait() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "req1");
        h.s2c(1, 9, DA, "rsp2");
        // "req2" lost, "req3" already held past the hole: no extension.
        h.c2s(9, 1, DA, "req3");
        for (int i = 2; i < TcpReassembler.PEER_PATIENCE; i++) {
            h.c2s(13, 1, ACK, "");
        }
        assertEquals(">req1", f.only().both.toString());
        h.c2s(13, 1, ACK, "");
        assertEquals("req1[gap 4]req3", f.only().toServer.toString());
        assertEquals("rsp2", f.only().toClient.toString());
    }

    @Test
    void aRequestMovedFarBehindItsReplyIsDeliveredBeforeIt() {
        RecordingFactory g = new RecordingFactory("rec", "", false, 88);
        Harness h = Harness.tcp(88, g);
        h.handshake();
        h.s2c(1, 11, DA, "as-rep");
        // Twelve segments of other traffic (here the client's bare ACKs) pass before the request.
        for (int i = 0; i < 12; i++) {
            h.c2s(1, 1, ACK, "");
        }
        h.c2s(1, 1, DA, "as-req0123");
        assertEquals(">as-req0123<as-rep", g.only().both.toString());
        assertEquals(0, h.counter("tcp.gaps"));
    }

    @Test
    void replyOvertakingItsRequestIsDeliveredAfterIt() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        // A reordering copy: the reply acknowledging "req1" arrives before "req1".
        h.s2c(1, 5, DA, "rsp1");
        h.c2s(1, 1, DA, "req1");
        assertEquals(">req1<rsp1", f.only().both.toString());
        assertEquals(0, h.counter("tcp.gaps"));
    }

    @Test
    void heldRequestsAndRepliesGoInTheOrderTheirAcknowledgementsSay() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        // Two exchanges arriving last first: each segment is held with its own acknowledgement
        // number, so "req2" (sent after "rsp1" arrived) does not go before "rsp1".
        h.s2c(5, 9, DA, "rsp2");
        h.c2s(5, 5, DA, "req2");
        h.s2c(1, 5, DA, "rsp1");
        assertEquals(0, f.created.size(), "nothing can be delivered before req1");
        h.c2s(1, 1, DA, "req1");
        assertEquals(">req1<rsp1>req2<rsp2", f.only().both.toString());
        assertEquals(0, h.counter("tcp.gaps"));
    }

    @Test
    void aServerOnlyCopyWaitsForTheClientOnce() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        // A copy of the server's side: the SYN-ACK tells where the client's bytes start, but no
        // client packet ever arrives. The first reply waits for the request, then nothing does.
        h.s2c(0, 1, SYN | ACK, "");
        h.s2c(1, 50, DA, "rsp1");
        for (int i = 0; i < TcpReassembler.PEER_PATIENCE; i++) {
            h.s2c(5, 50, ACK, "");
        }
        assertEquals("rsp1", f.only().toClient.toString());
        h.s2c(5, 90, DA, "rsp2");
        assertEquals("rsp1rsp2", f.only().toClient.toString(), "no second wait for a side never seen");
    }

    @Test
    void holeStillOpenAtCloseIsAGapNotGlued() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "ab");
        h.c2s(6, 1, DA, "fg");
        h.proc.finish();
        Recorder r = f.only();
        assertEquals("ab[gap 3]fg", r.toServer.toString());
        assertEquals(1, r.closes);
    }

    @Test
    void finAfterMissingDataReportsTheMissingBytes() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "ab");
        h.c2s(10, 1, FIN | ACK, "");
        h.s2c(1, 11, FIN | ACK, "");
        Recorder r = f.only();
        assertEquals("ab", r.toServer.toString(), "a reordering copy may still bring the bytes");
        // The acknowledging segment counts as the first of ACK_HOLE_PATIENCE.
        for (int i = 2; i < TcpReassembler.ACK_HOLE_PATIENCE; i++) {
            h.c2s(11, 2, ACK, "");
        }
        assertEquals("ab", r.toServer.toString());
        h.c2s(11, 2, ACK, "");
        assertEquals("ab[gap 7]", r.toServer.toString());
        assertEquals(1, r.closes);
    }

    @Test
    void requestsMovedBehindAnAcknowledgedFinAreStillDelivered() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "req1");
        h.s2c(1, 5, DA, "rsp1");
        // A reordering copy: the client's FIN and the server's answers (its FIN acknowledging the
        // client's) arrive before "req2".
        h.c2s(9, 5, FIN | ACK, "");
        h.s2c(5, 9, DA, "rsp2");
        h.s2c(9, 10, FIN | ACK, "");
        h.c2s(5, 5, DA, "req2");
        Recorder r = f.only();
        assertEquals(">req1<rsp1>req2<rsp2", r.both.toString());
        assertEquals(0, h.counter("tcp.gaps"));
    }

    @Test
    void midStreamPickupWithoutSyn() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        // The server (port 445) speaks first in the capture: still the server.
        h.s2c(100, 200, DA, "late-reply");
        h.c2s(200, 110, DA, "next-request");
        Recorder r = f.only();
        assertEquals("<late-reply>next-request", r.both.toString());
        assertEquals("late-reply", r.toClient.toString());
        assertEquals("next-request", r.toServer.toString());
        assertEquals(445, r.ctx.serverPort());
        assertEquals(50000, r.ctx.clientPort());
        assertEquals("/10.0.0.2", r.ctx.header().serverIp().toString());
    }

    @Test
    void sequenceWraparound() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.clientIsn = 0xFFFF_FFFAL;
        h.handshake();
        h.c2s(1, 1, DA, "abcd");      // seq 0xFFFFFFFB..0xFFFFFFFE
        h.c2s(9, 1, DA, "ijkl");      // past the wrap, out of order
        h.c2s(5, 1, DA, "efgh");      // crosses 2^32
        h.c2s(5, 1, DA, "efgh");      // retransmission after the wrap
        assertEquals("abcdefghijkl", f.only().toServer.toString());
        assertEquals(1, h.counter("tcp.retransmissions"));
    }

    @Test
    void resetClosesTheFlowAndDeliversNothingMore() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "abc");
        h.s2c(1, 4, RST | ACK, "");
        h.c2s(4, 1, DA, "late");
        Recorder r = f.only();
        assertEquals("abc", r.toServer.toString());
        assertEquals(1, r.closes);
        assertEquals(1, h.counter("tcp.resets"));
        assertEquals(1, h.counter("tcp.after_close"));
        assertEquals(1, h.counter("flow.tcp"));
    }

    @Test
    void aResetOvertakingTheRequestBeforeItWaitsForIt() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "req1");
        h.s2c(1, 5, DA, "rsp1");
        // A reordering copy: the client's RST (sequence 9, after "req2") arrives before "req2".
        h.c2s(9, 5, RST | ACK, "");
        h.c2s(5, 5, DA, "req2");
        h.s2c(5, 9, DA, "rsp2");
        Recorder r = f.only();
        assertEquals(">req1<rsp1>req2", r.both.toString());
        assertEquals(1, r.closes);
        assertEquals(0, h.counter("tcp.gaps"));
        assertEquals(1, h.counter("tcp.after_close"), "the flow ends once the bytes before the reset are in");
    }

    @Test
    void aResetWhoseBytesNeverComeClosesAfterThePatience() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "req1");
        // "req2" (sequence 5..8) was lost: the reset waits PEER_PATIENCE segments of the worker.
        h.c2s(9, 1, RST | ACK, "");
        for (int i = 0; i < TcpReassembler.PEER_PATIENCE - 1; i++) {
            h.s2c(1, 5, ACK, "");
        }
        Recorder r = f.only();
        assertEquals(0, r.closes, "still waiting for the bytes before the reset");
        h.s2c(1, 5, ACK, "");
        assertEquals("req1", r.toServer.toString());
        assertEquals(1, r.closes);
        h.s2c(1, 5, ACK, "");
        assertEquals(1, h.counter("tcp.after_close"));
    }

    @Test
    void newSynOnClosedTupleIsANewFlow() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, DA, "one");
        h.c2s(4, 1, RST, "");
        h.clientIsn = 90_000;
        h.serverIsn = 70_000;
        h.handshake();
        h.c2s(1, 1, DA, "two");
        assertEquals(2, f.created.size());
        assertEquals("one", f.created.get(0).toServer.toString());
        assertEquals("two", f.created.get(1).toServer.toString());
        assertTrue(f.created.get(0).flowId != f.created.get(1).flowId);
        assertEquals(3, f.created.get(0).flowId & 0xFF, "worker index in the low byte");
        assertEquals(2, h.counter("flow.tcp"));
        assertEquals(1, h.counter("flow.tcp_port_reuse"));
    }

    @Test
    void retransmittedSynIsTheSameFlow() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.c2s(0, 0, SYN, "");
        h.c2s(0, 0, SYN, "");
        h.s2c(0, 1, SYN | ACK, "");
        assertEquals(1, h.counter("flow.tcp"));
    }

    @Test
    void outOfOrderWindowOverflowBecomesAGap() {
        RecordingFactory f = factory();
        Harness h = new Harness(FlowLimits.DEFAULTS.withOutOfOrder(8, 4, 4), 445, f);
        h.handshake();
        h.c2s(1, 1, DA, "ab");
        h.c2s(5, 1, DA, "efg");       // held: rel 2..5
        h.c2s(11, 1, DA, "klm");      // rel 8..11 is past the 8-byte window: flush what is held
        assertEquals("ab[gap 2]efg", f.only().toServer.toString());
        h.c2s(30, 1, DA, "xyz");      // far past the window even when empty: gap, then delivered
        assertEquals("ab[gap 2]efg[gap 3]klm[gap 16]xyz", f.only().toServer.toString());
        assertEquals(2, h.counter("tcp.ooo_overflow"), "klm and xyz did not fit");
    }

    @Test
    void outOfOrderRangeLimitBecomesAGap() {
        RecordingFactory f = factory();
        Harness h = new Harness(FlowLimits.DEFAULTS.withOutOfOrder(1000, 2, 4), 445, f);
        h.handshake();
        h.c2s(3, 1, DA, "c");
        h.c2s(5, 1, DA, "e");
        h.c2s(7, 1, DA, "g");     // a third range: over the limit of 2, the held ranges are flushed
        assertEquals("[gap 2]c[gap 1]e", f.only().toServer.toString());
        h.proc.finish();
        assertEquals("[gap 2]c[gap 1]e[gap 1]g", f.only().toServer.toString());
    }

    @Test
    void exhaustedBufferPoolTurnsHoleIntoGapImmediately() {
        RecordingFactory f = factory();
        Harness h = new Harness(FlowLimits.DEFAULTS.withOutOfOrder(1000, 8, 0), 445, f);
        h.handshake();
        h.c2s(4, 1, DA, "def");
        h.c2s(1, 1, DA, "abc");
        assertEquals("[gap 3]def", f.only().toServer.toString());
        assertEquals(1, h.counter("tcp.ooo_pool_exhausted"));
        assertEquals(1, h.counter("tcp.retransmissions"));
    }

    @Test
    void flowWithoutAnalyzerIsCountedButNotReassembled() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(8080, f);
        h.handshake();
        h.c2s(1, 1, DA, "GET /");
        h.c2s(20, 1, DA, "later");
        assertEquals(0, f.created.size());
        assertEquals(1, h.counter("flow.tcp"));
        assertEquals(0, h.counter("tcp.reassembled_bytes_to_server"));
        assertEquals(0, h.counter("tcp.ooo_buffers"));
    }

    @Test
    void synWithDataStartsAfterTheSynSequenceNumber() {
        RecordingFactory f = factory();
        Harness h = Harness.tcp(445, f);
        h.c2s(0, 0, SYN, "tfo");
        h.c2s(4, 1, DA, "!");
        assertEquals("tfo!", f.only().toServer.toString());
    }
}
