package io.impacketsensor.core.collections;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class LongObjectMapTest {

    @Test
    void putGetReplaceRemoveClear() {
        LongObjectMap<String> m = new LongObjectMap<>();
        assertNull(m.get(0));
        m.put(0, "zero");
        m.put(-1, "minus one");
        m.put(Long.MIN_VALUE, "min");
        assertEquals("zero", m.get(0));
        assertEquals("minus one", m.get(-1));
        assertEquals("min", m.get(Long.MIN_VALUE));
        m.put(0, "again");
        assertEquals(3, m.size());
        assertEquals("again", m.remove(0));
        assertNull(m.remove(0));
        assertEquals(2, m.size());
        List<String> seen = new ArrayList<>();
        m.forEach(seen::add);
        assertEquals(2, seen.size());
        m.clear();
        assertEquals(0, m.size());
        assertNull(m.get(-1));
    }

    /**
     * Random operations against HashMap, on keys that share low bits (as SMB message ids do), so
     * that probing chains wrap and backward-shift deletion moves entries across the table end.
     */
    @Test
    void anEmptyMapAnswersBeforeItsFirstEntryAndThenGrows() {
        LongObjectMap<String> m = new LongObjectMap<>();
        assertNull(m.get(5));
        assertNull(m.remove(5));
        m.forEach(v -> {
            throw new AssertionError("visited " + v);
        });
        m.clear();
        assertEquals(0, m.size());
        for (long k = 0; k < 100; k++) {
            m.put(k * 31, "v" + k);
        }
        assertEquals(100, m.size());
        assertEquals("v7", m.get(7 * 31));
        assertEquals("v7", m.remove(7 * 31));
        assertNull(m.get(7 * 31));
        assertEquals(99, m.size());
    }

    @Test
    void agreesWithHashMapUnderRandomOperations() {
        SplittableRandom r = new SplittableRandom(7);
        LongObjectMap<Long> m = new LongObjectMap<>();
        Map<Long, Long> ref = new HashMap<>();
        for (int op = 0; op < 200_000; op++) {
            long key = r.nextInt(300) * 1024L + (r.nextBoolean() ? 0 : Long.MIN_VALUE);
            switch (r.nextInt(3)) {
                case 0 -> {
                    m.put(key, (long) op);
                    ref.put(key, (long) op);
                }
                case 1 -> assertEquals(ref.remove(key), m.remove(key));
                default -> assertEquals(ref.get(key), m.get(key));
            }
            assertEquals(ref.size(), m.size());
        }
        for (Map.Entry<Long, Long> e : ref.entrySet()) {
            assertEquals(e.getValue(), m.get(e.getKey()));
        }
    }

    private static List<String> visited(LongObjectMap<String> m) {
        List<String> seen = new ArrayList<>();
        m.forEach(seen::add);
        return seen;
    }

    /** A reset map, small or grown, holds and visits the same entries in the same order as a new one. */
    @Test
    void aResetMapVisitsAsANewOne() {
        for (int before : new int[] {0, 3, 4, 5, 40}) {
            for (int n = 1; n <= 9; n++) {
                LongObjectMap<String> fresh = new LongObjectMap<>();
                LongObjectMap<String> again = new LongObjectMap<>();
                for (long k = 0; k < before; k++) {
                    again.put(k * 977 + 13, "old" + k);
                }
                again.remove(13);
                again.reset();
                assertEquals(0, again.size());
                assertNull(again.get(977 + 13));
                for (long k = 0; k < n; k++) {
                    // keys whose low bits collide, so the probe order shows in the visiting order
                    fresh.put(k << 20 | k * 3, "v" + k);
                    again.put(k << 20 | k * 3, "v" + k);
                }
                assertEquals(visited(fresh), visited(again), "after " + before + " entries, " + n + " new");
                assertEquals("v0", again.get(0));
            }
        }
    }
}
