package io.impacketsensor.decoders.limit;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** synthetic: the queue answers as an unbounded FIFO while under its limit, across growth and wrap-around. */
class BoundedFifoTest {

    @Test
    void sameOrderAsADequeAcrossGrowthAndWrap() {
        Random r = new Random(19);
        for (int limit : new int[] {1, 3, 4, 5, 16, 64}) {
            BoundedFifo<Integer> q = new BoundedFifo<>(limit);
            ArrayDeque<Integer> ref = new ArrayDeque<>();
            for (int i = 0; i < 5000; i++) {
                if (r.nextInt(3) != 0 && !q.full()) {
                    q.add(i);
                    ref.add(i);
                } else {
                    assertEquals(ref.poll(), q.poll());
                }
                assertEquals(ref.size(), q.size());
                assertEquals(ref.size() == limit, q.full());
            }
        }
    }

    @Test
    void fullAtTheLimitAndEmptyGivesNull() {
        BoundedFifo<String> q = new BoundedFifo<>(BoundedFifo.INITIAL + 1);
        assertNull(q.poll());
        for (int i = 0; i <= BoundedFifo.INITIAL; i++) {
            assertFalse(q.full());
            q.add("r" + i);
        }
        assertTrue(q.full());
        assertThrows(IllegalStateException.class, () -> q.add("over"));
        assertEquals("r0", q.poll());
        q.add("again");
        assertTrue(q.full());
    }

    @Test
    void clearEmptiesAndTheQueueGoesOnAsNew() {
        BoundedFifo<Integer> q = new BoundedFifo<>(8);
        for (int i = 0; i < 6; i++) {
            q.add(i);
        }
        q.poll();
        q.poll();
        q.add(6);
        q.clear();
        assertEquals(0, q.size());
        assertFalse(q.full());
        assertNull(q.poll());
        ArrayDeque<Integer> ref = new ArrayDeque<>();
        for (int i = 10; i < 18; i++) {
            q.add(i);
            ref.add(i);
        }
        assertTrue(q.full());
        while (!ref.isEmpty()) {
            assertEquals(ref.poll(), q.poll());
        }
        assertNull(q.poll());
    }
}
