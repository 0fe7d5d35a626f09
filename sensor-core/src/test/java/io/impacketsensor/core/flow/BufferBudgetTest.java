package io.impacketsensor.core.flow;

import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.packet.Frames;
import io.impacketsensor.core.spi.CounterVisitor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BufferBudgetTest {

    /** A buffer owner that records whether it was asked to drop, and whether it held a partial PDU. */
    static final class Holder implements BufferBudget.Owner {
        boolean partial = true;
        int drops;

        @Override
        public boolean dropBuffer() {
            drops++;
            boolean lost = partial;
            partial = false;
            return lost;
        }
    }

    @Test
    void leastRecentlyFedBufferIsDroppedFirst() {
        BufferBudget b = new BufferBudget(300);
        Holder h1 = new Holder();
        Holder h2 = new Holder();
        Holder h3 = new Holder();
        BufferBudget.Account a1 = b.account("one", h1);
        BufferBudget.Account a2 = b.account("two", h2);
        BufferBudget.Account a3 = b.account("three", h3);
        assertTrue(a1.grow(100));
        assertTrue(a2.grow(100));
        assertTrue(a3.grow(100));
        a1.touch();
        // a2 is now the least recently fed: growing a3 by 50 takes a2 back, not a1.
        assertTrue(a3.grow(150));
        assertEquals(1, h2.drops);
        assertEquals(0, h1.drops);
        assertEquals(0, a2.charged());
        assertEquals(250, b.used());
        assertEquals(1, b.exceeded());
        assertEquals(300, b.peak());
    }

    /** An analyzer reused for another flow keeps its account only when nothing is charged to it. */
    @Test
    void aReleasedAccountServesAgainAChargedOneDoesNot() {
        BufferBudget b = new BufferBudget(300);
        Holder h = new Holder();
        BufferBudget.Account a = b.account("smb", h);
        assertTrue(a.grow(100));
        assertEquals(100, b.used());
        BufferBudget.Account still = b.account(a, null);
        assertTrue(still != a, "charged: a new account");
        assertEquals("smb", still.name());
        assertTrue(still.owner() == h);
        a.release();
        assertEquals(0, b.used());
        BufferBudget.Account again = b.account(a, null);
        assertTrue(again == a, "released: the same account");
        assertTrue(again.grow(200));
        assertEquals(200, b.used());
        // it is in the budget's order again: a growth past the limit takes it back
        Holder other = new Holder();
        assertTrue(b.account("ldap", other).grow(150));
        assertEquals(1, h.drops);
        assertEquals(0, again.charged());
        assertTrue(b.account(again, null) == again);
        assertTrue(new BufferBudget(300).account(again, null) != again, "another worker's budget: a new account");
    }

    @Test
    void idleBufferIsReclaimedWithoutCountingALoss() {
        BufferBudget b = new BufferBudget(100);
        Holder idle = new Holder();
        idle.partial = false;
        BufferBudget.Account a = b.account("idle", idle);
        BufferBudget.Account c = b.account("busy", new Holder());
        assertTrue(a.grow(80));
        assertTrue(c.grow(60));
        assertEquals(1, idle.drops);
        assertEquals(0, b.exceeded());
        assertEquals(1, b.reclaimed());
        assertEquals(60, b.used());
    }

    @Test
    void growthLargerThanTheBudgetIsRefusedAndDropsTheGrower() {
        BufferBudget b = new BufferBudget(100);
        Holder h = new Holder();
        BufferBudget.Account a = b.account("big", h);
        assertTrue(a.grow(50));
        assertFalse(a.grow(101));
        assertEquals(1, h.drops);
        assertEquals(0, a.charged());
        assertEquals(0, b.used());
        assertEquals(1, b.refused());
        assertEquals(1, b.exceeded());
    }

    @Test
    void releaseAndShrinkGiveBytesBack() {
        BufferBudget b = new BufferBudget(100);
        BufferBudget.Account a = b.account("x", new Holder());
        assertTrue(a.grow(70));
        assertTrue(a.grow(20));
        assertEquals(20, b.used());
        a.release();
        a.release();
        assertEquals(0, b.used());
        assertTrue(a.grow(100));
        assertEquals(100, b.used());
    }

    @Test
    void unlimitedBudgetNeverDrops() {
        BufferBudget b = BufferBudget.unlimited();
        Holder h = new Holder();
        BufferBudget.Account a = b.account("x", h);
        assertTrue(a.grow(Long.MAX_VALUE / 2));
        assertTrue(b.account("y", new Holder()).grow(Long.MAX_VALUE / 2));
        assertEquals(0, h.drops);
    }

    /**
     * Through the flow table: a test analyzer that buffers everything it receives (charged to the
     * budget) on many flows, with a budget for three of them. The oldest buffers are dropped with an
     * anomaly on their flow, the counters say so, and nothing stays charged after the flows end.
     */
    @Test
    void flowsOverTheBudgetLoseTheirOldestBuffersAndReleaseTheRestAtClose() {
        List<SensorEvent> events = new ArrayList<>();
        HoldingFactory factory = new HoldingFactory();
        PacketProcessor proc = new PacketProcessor(0, FlowLimits.DEFAULTS, List.of(factory),
                Expectations.of(FlowLimits.DEFAULTS), events::add, 3_000);
        long now = 1_700_000_000_000_000_000L;
        for (int i = 0; i < 10; i++) {
            byte[] l4 = Frames.tcp(40000 + i, 7000, 100, 0, Frames.ACK, null, new byte[1000]);
            byte[] frame = Frames.ether(Frames.ipv4("10.0.0.1", "10.0.0.2", 6, l4));
            proc.process(io.impacketsensor.core.packet.LinkTypes.ETHERNET, now += 1_000, frame, frame.length,
                    frame.length);
        }
        java.util.Map<String, Long> c = new java.util.HashMap<>();
        proc.reportCounters(c::put);
        assertEquals(7, c.get("flow.buffer_budget_exceeded"), c.toString());
        assertEquals(3_000, c.get("flow.buffer_bytes"));
        assertEquals(3_000, c.get("flow.buffer_bytes_peak"));
        List<ProtocolAnomaly> anomalies = events.stream().filter(e -> e instanceof ProtocolAnomaly)
                .map(e -> (ProtocolAnomaly) e).toList();
        assertEquals(7, anomalies.size());
        assertEquals(BufferBudget.ANOMALY, anomalies.get(0).name());
        // The first flow (client port 40000) lost its buffer first.
        assertEquals(40000, anomalies.get(0).header().clientPort());
        assertTrue(anomalies.get(0).detail().contains("holding buffer of 1000 bytes"), anomalies.get(0).detail());
        assertEquals(7, factory.dropped);
        proc.finish();
        c.clear();
        proc.reportCounters(c::put);
        assertEquals(0, c.get("flow.buffer_bytes"));
    }

    /**
     * Out-of-order holds are charged too: with room for one hold, a second flow's hold takes the
     * first one's back. Its bytes are lost; once the receiver acknowledges past them the hole is a
     * gap, as with any capture loss, and the stream goes on.
     */
    @Test
    void anOutOfOrderHoldTakenBackBecomesAGap() {
        RecordingFactory f = new RecordingFactory("rec", "", false, 445);
        // Holds of 1000 bytes use 1024-byte rings: room for one.
        Harness h = new Harness(FlowLimits.DEFAULTS.withOutOfOrder(1000, 8, 4), 1500, 445, f);
        int da = Frames.ACK | Frames.PSH;
        h.handshake();
        h.c2s(1, 1, da, "aaaa");
        h.c2s(9, 1, da, "cccc");          // hole 5..8: held
        h.clientPort = 50001;
        h.handshake();
        h.c2s(1, 1, da, "AAAA");
        h.c2s(9, 1, da, "CCCC");          // held: the first flow's hold is taken back
        assertEquals(1, h.counter("flow.buffer_budget_exceeded"));
        h.c2s(5, 1, da, "BBBB");
        assertEquals("AAAABBBBCCCC", f.created.get(1).toServer.toString());
        h.clientPort = 50000;
        h.c2s(5, 1, da, "bbbb");          // the hole is filled, but "cccc" was dropped
        h.c2s(13, 1, da, "dddd");         // held after the missing 9..12
        // The receiver had 9..12: once no reordered copy filled the hole, a gap, then "dddd".
        for (int i = 0; i < TcpReassembler.ACK_HOLE_PATIENCE; i++) {
            h.s2c(1, 17, Frames.ACK, "");
        }
        assertEquals("aaaabbbb[gap 4]dddd", f.created.get(0).toServer.toString());
        ProtocolAnomaly a = h.events.stream().filter(e -> e instanceof ProtocolAnomaly).map(e -> (ProtocolAnomaly) e)
                .findFirst().orElseThrow();
        assertEquals(BufferBudget.ANOMALY, a.name());
        assertEquals(50000, a.header().clientPort());
        assertTrue(a.detail().startsWith("tcp reassembly buffer of 1024 bytes dropped"), a.detail());
    }

    /** Claims TCP port 7000 and keeps every byte it receives in a budgeted buffer. */
    static final class HoldingFactory implements AnalyzerFactory {
        int dropped;

        @Override
        public String name() {
            return "holding";
        }

        @Override
        public boolean wantsPort(io.impacketsensor.core.event.Transport transport, int serverPort) {
            return serverPort == 7000;
        }

        @Override
        public io.impacketsensor.core.wire.ProbeResult probe(io.impacketsensor.core.event.Transport transport,
                                                             Direction dir, byte[] buf, int off, int len) {
            return io.impacketsensor.core.wire.ProbeResult.MATCH;
        }

        @Override
        public FlowAnalyzer create(FlowContext ctx) {
            return new FlowAnalyzer() {
                byte[] held = new byte[0];
                final BufferBudget.Account account = ctx.bufferAccount("holding", () -> {
                    dropped++;
                    held = new byte[0];
                    return true;
                });

                @Override
                public boolean onData(Direction dir, byte[] buf, int off, int len) {
                    if (!account.grow(held.length + len)) {
                        return true;
                    }
                    byte[] n = java.util.Arrays.copyOf(held, held.length + len);
                    System.arraycopy(buf, off, n, held.length, len);
                    held = n;
                    account.touch();
                    return true;
                }

                @Override
                public boolean onGap(Direction dir, long len) {
                    return true;
                }

                @Override
                public void onClose() {
                }
            };
        }

        @Override
        public void reportCounters(CounterVisitor visitor) {
        }
    }
}
