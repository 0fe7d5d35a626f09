package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.DcerpcEvent.InterfaceSource;
import io.impacketsensor.decoders.dcerpc.ndr.HandleNames;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
}
