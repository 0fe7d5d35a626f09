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
}
