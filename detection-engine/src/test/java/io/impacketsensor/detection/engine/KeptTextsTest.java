package io.impacketsensor.detection.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Kept texts read as what was built, and a text built again is the String made before (synthetic texts). */
class KeptTextsTest {
    @Test
    void aTextBuiltAgainIsTheStringKeptAndANewOneIsMade() {
        KeptTexts k = new KeptTexts(2);
        StringBuilder b = new StringBuilder("within 3 ms");
        String three = k.of(b);
        assertEquals("within 3 ms", three);
        assertSame(three, k.of(new StringBuilder("within 3 ms")));
        String four = k.of("within 4 ms");
        assertEquals("within 4 ms", four);
        assertSame(three, k.of("within 3 ms"));
        assertSame(four, k.of("within 4 ms"));
        // A third text replaces the oldest: the first is made anew, equal but not the same.
        assertEquals("within 2 ms", k.of("within 2 ms"));
        String again = k.of("within 3 ms");
        assertEquals(three, again);
        assertNotSame(three, again);
        assertEquals("", k.of(new StringBuilder()));
    }
}
