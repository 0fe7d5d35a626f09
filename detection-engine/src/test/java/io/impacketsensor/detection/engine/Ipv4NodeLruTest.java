package io.impacketsensor.detection.engine;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class Ipv4NodeLruTest {
    private static final class Entry extends Ipv4NodeLru.Node {
        final int value;

        Entry(int value) {
            this.value = value;
        }
    }

    private static Integer value(Entry e) {
        return e == null ? null : e.value;
    }

    @Test
    void evictsLeastRecentlyUsed() {
        Ipv4NodeLru<Entry> m = new Ipv4NodeLru<>(3);
        Entry a = new Entry(1);
        Entry b = new Entry(2);
        assertNull(m.putAbsent(1, a));
        assertNull(m.putAbsent(2, b));
        assertNull(m.putAbsent(3, new Entry(3)));
        assertSame(a, m.get(1)); // 2 is now the eldest
        assertSame(b, m.putAbsent(4, new Entry(4)));
        assertNull(m.get(2));
        assertEquals(1, value(m.get(1)));
        assertEquals(3, value(m.get(3)));
        assertEquals(4, value(m.get(4)));
        assertEquals(3, m.size());
        assertEquals(1, m.evictions());
    }

    /** Random operations against LinkedHashMap(accessOrder) as the reference, with colliding keys. */
    @Test
    void behavesLikeAnAccessOrderedLinkedHashMap() {
        behavesLikeReference(64, 200, 200_000);
    }

    /** The slot table grows from its first size through several doublings, then evicts at the bound. */
    @Test
    void growsThroughSeveralDoublingsLikeTheReference() {
        behavesLikeReference(5_000, 8_000, 400_000);
    }

    /**
     * Few keys used over and over: the use log fills with stale records of the same entries and is
     * compacted many times between evictions.
     */
    @Test
    void compactsTheUseLogWithoutChangingTheOrder() {
        behavesLikeReference(300, 320, 300_000);
    }

    /** A bound of one: every new key evicts the only entry. */
    @Test
    void boundOfOne() {
        behavesLikeReference(1, 5, 10_000);
    }

    private static void behavesLikeReference(int max, int keys, int ops) {
        Ipv4NodeLru<Entry> m = new Ipv4NodeLru<>(max);
        Map<Integer, Integer> ref = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Integer> e) {
                return size() > max;
            }
        };
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < ops; i++) {
            int key = r.nextInt(keys) * 65536; // many keys, low bits equal: exercises probing and deletion
            Integer got = value(m.get(key));
            assertEquals(ref.get(key), got, "op " + i);
            if (got == null) {
                Integer eldest = ref.size() == max ? ref.keySet().iterator().next() : null;
                Entry evicted = m.putAbsent(key, new Entry(i));
                assertEquals(eldest, evicted == null ? null : evicted.key, "op " + i);
                ref.put(key, i);
            }
            assertEquals(ref.size(), m.size());
        }
    }
}
