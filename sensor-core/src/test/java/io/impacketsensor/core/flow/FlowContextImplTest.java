package io.impacketsensor.core.flow;

import io.impacketsensor.core.event.EventHeader;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Event headers: the flow's addresses, taken once per flow and never carried over to the slot's next flow. */
class FlowContextImplTest {
    private static final long IP_A = 0x0A630002L; // 10.99.0.2
    private static final long IP_B = 0x0A630001L; // 10.99.0.1
    private static final long IP_C = 0x0A630003L; // 10.99.0.3

    @Test
    void eventsOfOneFlowShareItsAddressesAndTheNextFlowInTheSlotGetsItsOwn() {
        FlowContextImpl ctx = new FlowContextImpl(e -> { }, Expectations.of(FlowLimits.DEFAULTS), new long[1], BufferBudget.unlimited());
        Flow f = new Flow(0, ctx);
        f.init(256, 4, 0, IP_A, 43162, 0, IP_B, 445, 6, 1_000L);
        EventHeader h1 = ctx.header();
        EventHeader h2 = ctx.header();
        assertEquals("10.99.0.2", h1.clientIp().getHostAddress());
        assertEquals("10.99.0.1", h1.serverIp().getHostAddress());
        assertSame(h1.clientIp(), h2.clientIp());
        assertSame(h1.serverIp(), h2.serverIp());

        f.init(512, 4, 0, IP_C, 50000, 0, IP_B, 389, 6, 2_000L);
        EventHeader h3 = ctx.header();
        assertEquals("10.99.0.3", h3.clientIp().getHostAddress());
        assertEquals(389, h3.serverPort());
        assertNotSame(h1.clientIp(), h3.clientIp());
        // the same host in the next flow: the worker's address object is shared, not made again
        assertSame(h1.serverIp(), h3.serverIp());
    }

    @Test
    void eventsOfOnePacketShareOneHeaderAndANewPacketOrRoleGetsItsOwn() {
        FlowContextImpl ctx = new FlowContextImpl(e -> { }, Expectations.of(FlowLimits.DEFAULTS), new long[1], BufferBudget.unlimited());
        Flow f = new Flow(0, ctx);
        f.init(256, 4, 0, IP_A, 43162, 0, IP_B, 445, 6, 1_000L);
        EventHeader h1 = ctx.header();
        assertSame(h1, ctx.header());

        f.lastSeen = 2_000L;
        EventHeader h2 = ctx.header();
        assertNotSame(h1, h2);
        assertEquals(2_000L, h2.timestampNanos());

        f.clientIsA = false;
        EventHeader h3 = ctx.header();
        assertEquals("10.99.0.1", h3.clientIp().getHostAddress());
        assertEquals(445, h3.clientPort());
        assertEquals(43162, h3.serverPort());

        // the slot's next flow, at the same capture time: its own header
        f.init(257, 4, 0, IP_C, 50000, 0, IP_B, 389, 6, 2_000L);
        EventHeader h4 = ctx.header();
        assertEquals(257, h4.flowId());
        assertEquals("10.99.0.3", h4.clientIp().getHostAddress());
    }
}
