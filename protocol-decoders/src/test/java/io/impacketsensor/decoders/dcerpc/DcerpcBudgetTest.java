package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.testkit.RecordingContext;

import io.impacketsensor.core.event.DcerpcEvent.DcerpcBind;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.flow.BufferBudget;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.testkit.BudgetedContext;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A DCE/RPC partial PDU taken back by the worker's budget: the direction resynchronises. */
class DcerpcBudgetTest {

    @Test
    void evictedPartialPduResynchronisesAtTheNextHeader() {
        BufferBudget budget = new BufferBudget(65_536 + 1024);
        RecordingContext ra = new RecordingContext(1, "10.0.0.2", 50000, "10.0.0.1", 135, new java.util.ArrayList<>(), new java.util.ArrayList<>());
        RecordingContext rb = new RecordingContext(1, "10.0.0.2", 50000, "10.0.0.1", 135, new java.util.ArrayList<>(), new java.util.ArrayList<>());
        DcerpcAnalyzer a = new DcerpcAnalyzer(new BudgetedContext(ra, budget), null, DcerpcLimits.DEFAULTS,
                new DcerpcCounters(), null);
        DcerpcAnalyzer b = new DcerpcAnalyzer(new BudgetedContext(rb, budget), null, DcerpcLimits.DEFAULTS,
                new DcerpcCounters(), null);
        // Synthetic: a REQUEST announcing frag_length 65,535, of which 40,000 bytes are sent (one
        // delivery, so the buffer grows to 40,000 at once).
        byte[] big = Arrays.copyOf(Pdus.request(1, 0, 0, 3, new byte[0]), 40_000);
        big[8] = (byte) 0xff;
        big[9] = (byte) 0xff;
        assertTrue(a.onData(Direction.TO_SERVER, big, 0, big.length));
        assertTrue(b.onData(Direction.TO_SERVER, big, 0, big.length));
        assertEquals(1, budget.exceeded());
        byte[] bind = Pdus.bind(2, RpcInterfaces.uuid(RpcInterfaces.SVCCTL));
        assertTrue(a.onData(Direction.TO_SERVER, bind, 0, bind.length));
        a.onClose();
        assertEquals(1, ra.events.stream().filter(DcerpcBind.class::isInstance).count(), "the next bind is decoded");
    }
}
