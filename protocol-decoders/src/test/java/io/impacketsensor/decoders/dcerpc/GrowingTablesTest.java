package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.DcerpcEvent.InterfaceSource;
import io.impacketsensor.decoders.dcerpc.ndr.HandleNames;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-association tables start small and grow to their bound: what they answer (slots, the
 * bound, which entry is evicted when full) must be what a table made full-size answers.
 */
class GrowingTablesTest {

    @Test
    void callTableFillsLowestFreeSlotsThenEvictsOldestAtTheBound() {
        CallTable t = new CallTable(5);
        for (int id = 1; id <= 5; id++) {
            assertFalse(t.put(id, id * 10, id, null, null), "no eviction below the bound");
        }
        for (int id = 1; id <= 5; id++) {
            int slot = t.find(id);
            assertEquals(id - 1, slot, "slots taken in order while growing");
            assertEquals(id * 10, t.opnum(slot));
        }
        t.remove(t.find(2));
        assertFalse(t.put(6, 60, 6, null, null), "a freed slot is reused before evicting");
        assertEquals(1, t.find(6));
        assertTrue(t.put(7, 70, 7, null, null), "full at the bound: the oldest slot is replaced");
        assertEquals(-1, t.find(1));
        assertEquals(0, t.find(7));
        assertTrue(t.put(8, 80, 8, null, null));
        assertEquals(1, t.find(8), "eviction rotates over the whole bound");
        assertEquals(-1, t.find(6));
    }

    @Test
    void contextTableRefusesPastItsBound() {
        ContextTable t = new ContextTable(3);
        UUID u = new UUID(1, 2);
        for (int id = 0; id < 3; id++) {
            assertTrue(t.put(id, u, id, false));
        }
        assertFalse(t.put(3, u, 3, false), "full at the bound");
        assertTrue(t.put(1, u, 7, true, InterfaceSource.INFERRED), "an existing id is replaced");
        assertEquals(3, t.size());
        assertEquals(7, t.ifaceIndex(t.find(1)));
        assertTrue(t.ndr64(t.find(1)));
        assertEquals(2, t.find(2));
    }

    @Test
    void handleNamesReplaceTheOldestOnceFull() {
        HandleNames h = new HandleNames(6);
        byte[] b = new byte[20 * 8];
        for (int i = 0; i < 8; i++) {
            b[i * 20] = (byte) (i + 1);
            h.put(b, i * 20, "n" + i);
        }
        assertNull(h.get(b, 0), "the first two were replaced");
        assertNull(h.get(b, 20));
        for (int i = 2; i < 8; i++) {
            assertEquals("n" + i, h.get(b, i * 20));
        }
        assertNull(new HandleNames(0).get(b, 0));
    }

    /** A table the pool gives back after clear() must answer the same sequence as a new one. */
    @Test
    void clearedTablesAnswerAsNewOnes() {
        CallTable used = new CallTable(5);
        for (int id = 100; id < 112; id++) {
            used.put(id, 1, 1, new UUID(id, id), null);
        }
        used.clear();
        CallTable fresh = new CallTable(5);
        for (CallTable t : List.of(used, fresh)) {
            assertEquals(-1, t.find(100));
            assertEquals(-1, t.find(111));
        }
        for (int id = 1; id <= 8; id++) {
            assertEquals(fresh.put(id, id, id, null, null), used.put(id, id, id, null, null), "eviction of " + id);
            assertEquals(fresh.find(id), used.find(id), "slot of " + id);
        }
        ContextTable c = new ContextTable(3);
        for (int id = 0; id < 3; id++) {
            c.put(id, new UUID(0, id), id, true);
        }
        c.clear();
        assertEquals(0, c.size());
        assertEquals(-1, c.find(0));
        assertTrue(c.put(9, new UUID(0, 9), 4, false));
        assertEquals(0, c.find(9));
        assertNull(c.uuid(1), "a cleared slot holds no interface");
    }

    @Test
    void poolGivesBackClearedTablesBounded() {
        AssociationTables.Pool pool = new AssociationTables.Pool(DcerpcLimits.DEFAULTS);
        AssociationTables t = pool.take(null);
        t.contexts.put(1, new UUID(1, 1), 1, false);
        t.calls.put(7, 3, 1, null, null);
        t.assembly[0].start(7, 1, 3);
        pool.give(t);
        assertEquals(1, pool.size());
        AssociationTables again = pool.take(null);
        assertSame(t, again);
        assertEquals(0, again.contexts.size());
        assertEquals(-1, again.calls.find(7));
        assertFalse(again.assembly[0].active);
        assertEquals(0, again.assembly[0].callId);
        assertEquals(0, pool.size());
        for (int i = 0; i < AssociationTables.Pool.MAX_KEPT + 5; i++) {
            pool.give(AssociationTables.create(DcerpcLimits.DEFAULTS, null));
        }
        assertEquals(AssociationTables.Pool.MAX_KEPT, pool.size());
    }

    /**
     * synthetic: the factory hands an ended association's analyzer to the next one; fed the same
     * bytes it must emit what a new analyzer emits, whatever the first association left behind
     * (a bind without its ack, a partial PDU, a gap, an outstanding call).
     */
    @Test
    void aReusedAnalyzerEmitsWhatANewOneEmits() {
        DcerpcAnalyzerFactory factory = new DcerpcAnalyzerFactory(DcerpcLimits.DEFAULTS, null);
        UUID svcctl = UUID.fromString("367abb81-9844-35f1-ad32-98f038001003");
        UUID samr = UUID.fromString("12345778-1234-abcd-ef00-0123456789ac");
        io.impacketsensor.core.testkit.RecordingContext first = context();
        io.impacketsensor.core.flow.FlowAnalyzer a = factory.create(first);
        feed(a, io.impacketsensor.core.flow.Direction.TO_SERVER, Pdus.bind(11, 1, samr, svcctl));
        feed(a, io.impacketsensor.core.flow.Direction.TO_CLIENT, Pdus.bindAck(1, 2));
        feed(a, io.impacketsensor.core.flow.Direction.TO_SERVER, Pdus.request(2, 1, 15, 3, new byte[40]));
        feed(a, io.impacketsensor.core.flow.Direction.TO_SERVER, Pdus.bind(14, 3, samr));
        byte[] half = Pdus.request(4, 0, 7, 3, new byte[64]);
        feed(a, io.impacketsensor.core.flow.Direction.TO_SERVER, java.util.Arrays.copyOf(half, 30));
        a.onGap(io.impacketsensor.core.flow.Direction.TO_CLIENT, 100);
        a.onClose();

        io.impacketsensor.core.testkit.RecordingContext second = context();
        io.impacketsensor.core.flow.FlowAnalyzer b = factory.create(second);
        assertSame(a, b, "the ended association's analyzer is reused");
        io.impacketsensor.core.testkit.RecordingContext fresh = context();
        io.impacketsensor.core.flow.FlowAnalyzer c = new DcerpcAnalyzer(fresh, null, DcerpcLimits.DEFAULTS,
                new DcerpcCounters(), null);
        for (io.impacketsensor.core.flow.FlowAnalyzer x : List.of(b, c)) {
            feed(x, io.impacketsensor.core.flow.Direction.TO_SERVER, Pdus.bind(11, 1, svcctl));
            feed(x, io.impacketsensor.core.flow.Direction.TO_CLIENT, Pdus.bindAck(1, 1));
            feed(x, io.impacketsensor.core.flow.Direction.TO_SERVER, Pdus.request(2, 0, 15, 3, new byte[40]));
            feed(x, io.impacketsensor.core.flow.Direction.TO_CLIENT, Pdus.response(2, 0, 3, new byte[20]));
            feed(x, io.impacketsensor.core.flow.Direction.TO_SERVER, Pdus.request(3, 0, 16, 3, new byte[40]));
            x.onClose();
        }
        assertFalse(fresh.events.isEmpty());
        assertEquals(fresh.events.toString(), second.events.toString());
    }

    /**
     * synthetic: an association whose BIND the copy lacks learns its endpoint from the BIND_ACK's
     * secondary address (port 135: the endpoint mapper). The analyzer's next association is another
     * port's, picked up mid-stream with an answer first; that answer and the calls after it must be
     * named as a new analyzer names them (not at all), not as the endpoint mapper's (opnum 2 would
     * be read as ept_lookup).
     */
    @Test
    void aReusedAnalyzerForgetsTheEndpointABindAckNamed() {
        DcerpcAnalyzerFactory factory = new DcerpcAnalyzerFactory(DcerpcLimits.DEFAULTS, null);
        io.impacketsensor.core.flow.FlowAnalyzer a = factory.create(context());
        feed(a, io.impacketsensor.core.flow.Direction.TO_CLIENT, Pdus.bindAck(1, "135", 1));
        a.onClose();

        io.impacketsensor.core.testkit.RecordingContext second = context(1032);
        io.impacketsensor.core.flow.FlowAnalyzer b = factory.create(second);
        assertSame(a, b, "the ended association's analyzer is reused");
        io.impacketsensor.core.testkit.RecordingContext fresh = context(1032);
        io.impacketsensor.core.flow.FlowAnalyzer c = new DcerpcAnalyzer(fresh, null, DcerpcLimits.DEFAULTS,
                new DcerpcCounters(), null);
        for (io.impacketsensor.core.flow.FlowAnalyzer x : List.of(b, c)) {
            feed(x, io.impacketsensor.core.flow.Direction.TO_CLIENT, Pdus.response(153, 0, 3, new byte[96]));
            feed(x, io.impacketsensor.core.flow.Direction.TO_SERVER, Pdus.request(154, 0, 2, 3, new byte[88]));
            feed(x, io.impacketsensor.core.flow.Direction.TO_CLIENT, Pdus.response(154, 0, 3, new byte[96]));
            x.onClose();
        }
        assertFalse(fresh.events.isEmpty());
        assertFalse(second.events.toString().contains("e1af8308"), second.events::toString);
        assertEquals(fresh.events.toString(), second.events.toString());
    }

    private static io.impacketsensor.core.testkit.RecordingContext context() {
        return context(135);
    }

    private static io.impacketsensor.core.testkit.RecordingContext context(int serverPort) {
        return new io.impacketsensor.core.testkit.RecordingContext(1, "10.0.0.2", 50000, "10.0.0.1", serverPort,
                new java.util.ArrayList<>(), new java.util.ArrayList<>());
    }

    private static void feed(io.impacketsensor.core.flow.FlowAnalyzer a, io.impacketsensor.core.flow.Direction d,
                             byte[] b) {
        assertTrue(a.onData(d, b, 0, b.length));
    }
}
