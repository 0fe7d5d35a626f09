package io.impacketsensor.core.collections;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class Ipv4LruTest {
    @Test
    void evictsLeastRecentlyUsed() {
        Ipv4Lru<String> m = new Ipv4Lru<>(3);
        m.putAbsent(1, "a");
        m.putAbsent(2, "b");
        m.putAbsent(3, "c");
        assertEquals("a", m.get(1)); // 2 is now the eldest
        m.putAbsent(4, "d");
        assertNull(m.get(2));
        assertEquals("a", m.get(1));
        assertEquals("c", m.get(3));
        assertEquals("d", m.get(4));
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

    private static void behavesLikeReference(int max, int keys, int ops) {
        Ipv4Lru<Integer> m = new Ipv4Lru<>(max);
        Map<Integer, Integer> ref = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Integer> e) {
                return size() > max;
            }
        };
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < ops; i++) {
            int key = r.nextInt(keys) * 65536; // many keys, low bits equal: exercises probing and deletion
            Integer got = m.get(key);
            assertEquals(ref.get(key), got, "op " + i);
            if (got == null) {
                m.putAbsent(key, i);
                ref.put(key, i);
            }
            assertEquals(ref.size(), m.size());
        }
    }
}
