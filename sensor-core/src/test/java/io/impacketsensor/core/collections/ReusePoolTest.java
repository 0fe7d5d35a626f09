package io.impacketsensor.core.collections;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class ReusePoolTest {
    @Test
    void givesBackTheLastGivenAndDropsWhatIsGivenBeyondItsBound() {
        ReusePool<Object> pool = new ReusePool<>(2);
        assertNull(pool.take());
        Object a = new Object();
        Object b = new Object();
        pool.give(a);
        pool.give(b);
        pool.give(new Object());
        assertEquals(2, pool.size());
        assertSame(b, pool.take());
        assertSame(a, pool.take());
        assertNull(pool.take(), "the third was dropped, not kept");
        assertEquals(0, pool.size());
        assertEquals(2, pool.capacity());
    }

    @Test
    void movesAllItKeepsToAnotherUpToItsBound() {
        ReusePool<Object> done = new ReusePool<>(3);
        ReusePool<Object> spare = new ReusePool<>(2);
        Object kept = new Object();
        spare.give(kept);
        done.give(new Object());
        done.give(new Object());
        done.moveTo(spare);
        assertEquals(0, done.size(), "none kept after the move");
        assertEquals(2, spare.size(), "one moved, the other dropped at the bound");
        spare.take();
        assertSame(kept, spare.take());
    }
}
