package io.impacketsensor.core.collections;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** LongLruMap keeps, returns and evicts exactly what an LruMap of boxed keys does (random operations). */
class LongLruMapTest {
    /** Keys that collide in a small table, negative ones, the extremes and 0. */
    private static long key(Random r, int range) {
        int k = r.nextInt(range);
        return switch (k % 5) {
            case 0 -> k;
            case 1 -> -k;
            case 2 -> (long) k << 40;
            case 3 -> k == 3 ? Long.MIN_VALUE : Long.MAX_VALUE - k;
            default -> k * 0x1_0000_0001L;
        };
    }

    @Test
    void randomGetsAndPutsMatchAnLruMap() {
        for (int max : new int[]{1, 2, 3, 7, 16, 17, 100, 1000}) {
            for (int range : new int[]{max / 2 + 1, max + 1, max * 3 + 5}) {
                Random r = new Random(max * 31L + range);
                LruMap<Long, Integer> want = new LruMap<>(max);
                LongLruMap<Integer> got = new LongLruMap<>(max);
                for (int op = 0; op < 20_000; op++) {
                    long k = key(r, range);
                    String at = "max " + max + " range " + range + " op " + op;
                    if (r.nextInt(3) == 0) {
                        assertEquals(want.get(k), got.get(k), at);
                    } else {
                        assertEquals(want.put(k, op), got.put(k, op), at);
                    }
                    assertEquals(want.size(), got.size(), at);
                    assertEquals(want.evictions(), got.evictions(), at);
                }
                // Same entries (read in the LruMap's order, which keeps it), then evicted in that order.
                List<Long> order = new ArrayList<>(want.keySet());
                for (Map.Entry<Long, Integer> e : new ArrayList<>(want.entrySet())) {
                    assertEquals(e.getValue(), got.get(e.getKey()));
                }
                if (got.size() == max) {
                    for (int i = 0; i < order.size(); i++) {
                        got.put(Long.MIN_VALUE + 1 + i, -1);
                        assertNull(got.get(order.get(i)), "evicted in its order: " + i);
                    }
                }
            }
        }
    }

    @Test
    void aBoundBelowOneIsRefusedAndNullValuesToo() {
        assertThrows(IllegalArgumentException.class, () -> new LongLruMap<>(0));
        assertThrows(NullPointerException.class, () -> new LongLruMap<String>(4).put(1, null));
    }
}
