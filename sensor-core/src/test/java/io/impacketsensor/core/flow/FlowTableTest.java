package io.impacketsensor.core.flow;

import org.junit.jupiter.api.Test;

import static io.impacketsensor.core.packet.Frames.ACK;
import static io.impacketsensor.core.packet.Frames.PSH;
import static io.impacketsensor.core.packet.Frames.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flow table: symmetric keys, eviction, idle timeouts per state, client/server roles (synthetic frames). */
class FlowTableTest {
    private static final long SEC = 1_000_000_000L;

    @Test
    void bothDirectionsFindOneFlowAndManyFlowsStaySeparate() {
        RecordingFactory f = new RecordingFactory("rec", "", false, 445);
        Harness h = Harness.tcp(445, f);
        for (int i = 0; i < 500; i++) {
            h.clientPort = 40000 + i;
            h.c2s(1, 1, ACK | PSH, "q" + i);
            h.s2c(1, 1, ACK | PSH, "r" + i);
        }
        assertEquals(500, h.counter("flow.tcp"));
        assertEquals(500, h.counter("flow.active"));
        for (int i = 0; i < 500; i++) {
            RecordingFactory.Recorder r = f.created.get(i);
            assertEquals("q" + i, r.toServer.toString());
            assertEquals("r" + i, r.toClient.toString());
        }
    }

    @Test
    void removalKeepsOtherFlowsReachable() {
        // Many flows in a tiny table: every create evicts, so backward-shift deletion is exercised.
        RecordingFactory f = new RecordingFactory("rec", "", false, 445);
        Harness h = new Harness(FlowLimits.DEFAULTS.withMaxFlows(8), 445, f);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 8; i++) {
                h.clientPort = 40000 + round * 100 + i;
                h.c2s(1, 1, ACK | PSH, "x");
                h.s2c(1, 2, ACK | PSH, "y");
            }
        }
        assertEquals(24, h.counter("flow.tcp"), "every reply found its flow");
        assertEquals(16, h.counter("flow.evicted"));
        for (int i = 0; i < 8; i++) {
            h.clientPort = 40200 + i;
            h.s2c(2, 2, ACK | PSH, "z");
        }
        assertEquals(24, h.counter("flow.tcp"), "the last round's flows are all still found");
        for (int i = 0; i < 24; i++) {
            assertEquals(i >= 16 ? "yz" : "y", f.created.get(i).toClient.toString());
        }
    }

    @Test
    void halfOpenFlowsAreEvictedBeforeEstablishedOnes() {
        RecordingFactory f = new RecordingFactory("rec", "", false, 445);
        Harness h = new Harness(FlowLimits.DEFAULTS.withMaxFlows(2), 445, f);
        h.clientPort = 40001;
        h.handshake();
        h.clientPort = 40002;
        h.c2s(0, 0, SYN, "");
        h.clientPort = 40003;
        h.c2s(0, 0, SYN, "");             // evicts the half-open 40002, not the older established flow
        h.clientPort = 40001;
        h.c2s(1, 1, ACK | PSH, "still here");
        assertEquals(3, h.counter("flow.tcp"));
        assertEquals("still here", f.created.get(0).toServer.toString());
    }

    @Test
    void fullTableEvictsTheLeastRecentlyUsedAndClosesIt() {
        RecordingFactory f = new RecordingFactory("rec", "", false, 445);
        Harness h = new Harness(FlowLimits.DEFAULTS.withMaxFlows(2), 445, f);
        h.clientPort = 40001;
        h.c2s(1, 1, ACK | PSH, "a");
        h.clientPort = 40002;
        h.c2s(1, 1, ACK | PSH, "b");
        h.clientPort = 40001;
        h.c2s(2, 1, ACK | PSH, "c"); // flow 1 is now the most recent
        h.clientPort = 40003;
        h.c2s(1, 1, ACK | PSH, "d"); // evicts flow 2
        assertEquals(1, h.counter("flow.evicted"));
        assertEquals(1, f.created.get(1).closes);
        assertEquals(0, f.created.get(0).closes);
        h.clientPort = 40001;
        h.c2s(3, 1, ACK | PSH, "e");
        assertEquals("ace", f.created.get(0).toServer.toString());
        assertEquals(3, h.counter("flow.tcp"));
    }

    @Test
    void idleTimeoutsDependOnState() {
        RecordingFactory f = new RecordingFactory("rec", "", false, 445, 88);
        Harness h = new Harness(FlowLimits.DEFAULTS.withTimeouts(10, 100, 5, 20), 445, f);
        h.stepNanos = 0;
        h.c2s(0, 0, SYN, "");                 // TCP new: 10 s
        h.clientPort = 50001;
        h.handshake();                        // established: 100 s
        h.serverPort = 88;
        h.udpC2s("u");                        // UDP: 20 s
        assertEquals(3, h.counter("flow.active"));
        h.proc.tick(h.now + 11 * SEC);
        assertEquals(2, h.counter("flow.active"));
        h.proc.tick(h.now + 21 * SEC);
        assertEquals(1, h.counter("flow.active"));
        assertEquals(1, f.created.stream().filter(r -> r.closes == 1).count(), "the UDP flow's analyzer was closed");
        h.proc.tick(h.now + 101 * SEC);
        assertEquals(0, h.counter("flow.active"));
        assertEquals(3, h.counter("flow.timeouts"));
    }

    @Test
    void activityPostponesTheTimeout() {
        RecordingFactory f = new RecordingFactory("rec", "", false, 88);
        Harness h = new Harness(FlowLimits.DEFAULTS.withTimeouts(10, 100, 5, 20), 88, f);
        h.stepNanos = 15 * SEC;
        h.udpC2s("a");
        h.udpS2c("b");
        h.udpC2s("c");
        assertEquals(1, h.counter("flow.udp"));
        h.stepNanos = 25 * SEC;
        h.udpC2s("d"); // 25 s idle: the old flow expired first, this is a new one
        assertEquals(2, h.counter("flow.udp"));
        assertEquals("ac", f.created.get(0).toServer.toString());
        assertEquals("b", f.created.get(0).toClient.toString());
        assertEquals("d", f.created.get(1).toServer.toString());
    }

    @Test
    void clientServerRoles() {
        RecordingFactory f = new RecordingFactory("rec", "", false, 445, 88);
        // SYN-ACK first: its sender is the server even though the port numbers say nothing.
        Harness h = Harness.tcp(445, f);
        h.s2c(0, 1, SYN | ACK, "");
        h.c2s(1, 1, ACK | PSH, "req");
        RecordingFactory.Recorder r = f.only();
        assertEquals(445, r.ctx.serverPort());
        assertEquals("req", r.toServer.toString());
        // UDP: the reply from the low port arrives first; the low port is still the server.
        RecordingFactory g = new RecordingFactory("krb", "", false, 88);
        Harness u = new Harness(FlowLimits.DEFAULTS, 88, g);
        u.udpS2c("reply");
        assertEquals("reply", g.only().toClient.toString());
        assertEquals(88, g.only().ctx.serverPort());
        assertEquals(50000, g.only().ctx.clientPort());
        assertEquals("/10.0.0.1", g.only().ctx.header().clientIp().toString());
    }

    @Test
    void flowIdsAreUniqueAndCarryTheWorkerIndex() {
        RecordingFactory f = new RecordingFactory("rec", "", false, 445);
        Harness h = Harness.tcp(445, f);
        for (int i = 0; i < 50; i++) {
            h.clientPort = 30000 + i;
            h.c2s(1, 1, ACK | PSH, "x");
        }
        long distinct = f.created.stream().mapToLong(r -> r.flowId).distinct().count();
        assertEquals(50, distinct);
        assertTrue(f.created.stream().allMatch(r -> (r.flowId & 0xFF) == 3));
    }
}
