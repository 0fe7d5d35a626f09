package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.testkit.RecordingContext;

import io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcResponse;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.flow.Direction;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Framing state is per direction: a client may send its next request while the server's previous
 * reply is still arriving (each TCP direction is an independent byte stream), so the header of a
 * PDU read on one direction must never change how the other direction's partial PDU is completed.
 * All PDUs are synthetic (Pdus).
 */
class DcerpcDirectionTest {
    private static final UUID SVCCTL = RpcInterfaces.uuid(RpcInterfaces.SVCCTL);

    private static byte[] openScManager(int callId) {
        byte[] stub = new Pdus.Stub().u32(0x20000).wstring("DUMMY").u32(0x20004).wstring("ServicesActive").u32(0x3f).build();
        return Pdus.request(callId, 0, 15, 3, stub);
    }

    /** A server reply (handle + status) of a different frag_length than the request. */
    private static byte[] reply(int callId) {
        return Pdus.response(callId, 0, 3, new byte[24]);
    }

    private static String run(byte[][] chunks, Direction[] dirs) {
        RecordingContext ctx = new RecordingContext(1, "10.0.0.2", 50000, "10.0.0.1", 135, new java.util.ArrayList<>(), new java.util.ArrayList<>());
        DcerpcAnalyzer a = new DcerpcAnalyzer(ctx, null, DcerpcLimits.DEFAULTS, new DcerpcCounters(), null);
        for (int i = 0; i < chunks.length; i++) {
            assertTrue(a.onData(dirs[i], chunks[i], 0, chunks[i].length));
        }
        a.onClose();
        return ctx.events.toString();
    }

    private static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    @Test
    void aRequestInterleavedWithThePreviousReplyAtEveryCutGivesTheSameEvents() {
        byte[] bind = Pdus.bind(1, SVCCTL);
        byte[] ack = Pdus.bindAck(1, 1);
        byte[] req1 = openScManager(2);
        byte[] rep1 = reply(2);
        byte[] req2 = openScManager(3);
        byte[] rep2 = reply(3);
        Direction c = Direction.TO_SERVER;
        Direction s = Direction.TO_CLIENT;
        String sequential = run(new byte[][] {bind, ack, req1, rep1, req2, rep2}, new Direction[] {c, s, c, s, c, s});
        assertTrue(sequential.contains("DcerpcResponse"), sequential);
        assertEquals(2, sequential.split("DcerpcRequest\\[").length - 1, sequential);
        // The reply to call 2 is cut at r, the next request at q; the request's head goes first.
        for (int r = 1; r < rep1.length; r++) {
            for (int q = 1; q < req2.length; q++) {
                String mixed = run(new byte[][] {bind, ack, req1, slice(rep1, 0, r), slice(req2, 0, q),
                        slice(rep1, r, rep1.length), slice(req2, q, req2.length), rep2},
                        new Direction[] {c, s, c, s, c, s, c, s});
                assertEquals(sequential, mixed, "reply cut at " + r + ", request cut at " + q);
            }
        }
    }

    @Test
    void bothDirectionsOneByteAtATimeAlternatingGiveTheSameEvents() {
        byte[] client = Pdus.concat(Pdus.bind(1, SVCCTL), openScManager(2), openScManager(3));
        byte[] server = Pdus.concat(Pdus.bindAck(1, 1), reply(2), reply(3));
        String sequential = run(new byte[][] {client, server}, new Direction[] {Direction.TO_SERVER, Direction.TO_CLIENT});
        int n = Math.max(client.length, server.length);
        RecordingContext ctx = new RecordingContext(1, "10.0.0.2", 50000, "10.0.0.1", 135, new java.util.ArrayList<>(), new java.util.ArrayList<>());
        DcerpcCounters counters = new DcerpcCounters();
        DcerpcAnalyzer a = new DcerpcAnalyzer(ctx, null, DcerpcLimits.DEFAULTS, counters, null);
        for (int i = 0; i < n; i++) {
            if (i < client.length) {
                assertTrue(a.onData(Direction.TO_SERVER, client, i, 1));
            }
            if (i < server.length) {
                assertTrue(a.onData(Direction.TO_CLIENT, server, i, 1));
            }
        }
        a.onClose();
        // Replies are paired by call id, so the order of the events differs; their set must not.
        assertEquals(2, ctx.events.stream().filter(DcerpcRequest.class::isInstance).count(), ctx.events.toString());
        assertEquals(2, ctx.events.stream().filter(DcerpcResponse.class::isInstance).count(), ctx.events.toString());
        assertTrue(ctx.events.stream().noneMatch(ProtocolAnomaly.class::isInstance), ctx.events.toString());
        assertTrue(ctx.events.stream().filter(DcerpcRequest.class::isInstance)
                .allMatch(e -> new RpcArgs.ScmOpenManager("DUMMY", "ServicesActive", 0x3f).equals(((DcerpcRequest) e).args())),
                ctx.events.toString());
        assertTrue(sequential.contains("ScmOpenManager"), sequential);
        assertEquals(0, counters.parserError);
    }

    @Test
    void aGapOnOneDirectionLeavesTheOtherDirectionsPartialPduAlone() {
        byte[] req = openScManager(2);
        RecordingContext ctx = new RecordingContext(1, "10.0.0.2", 50000, "10.0.0.1", 135, new java.util.ArrayList<>(), new java.util.ArrayList<>());
        DcerpcAnalyzer a = new DcerpcAnalyzer(ctx, null, DcerpcLimits.DEFAULTS, new DcerpcCounters(), null);
        byte[] bind = Pdus.bind(1, SVCCTL);
        a.onData(Direction.TO_SERVER, bind, 0, bind.length);
        a.onData(Direction.TO_SERVER, req, 0, 20);
        byte[] rep = reply(9);
        a.onData(Direction.TO_CLIENT, rep, 0, 10);
        a.onGap(Direction.TO_CLIENT, 50);
        a.onData(Direction.TO_SERVER, req, 20, req.length - 20);
        a.onClose();
        assertEquals(1, ctx.events.stream().filter(DcerpcRequest.class::isInstance).count(), ctx.events.toString());
    }
}
