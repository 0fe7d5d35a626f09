package io.impacketsensor.decoders.text;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** synthetic: an equal list is given back, a different one copied; copies are immutable and bounded in number. */
class RecentListsTest {

    @Test
    void equalListsAreGivenBackOthersCopied() {
        RecentLists<String> r = new RecentLists<>(2);
        List<String> scratch = new ArrayList<>(List.of("krbtgt", "LAB.TEST"));
        List<String> first = r.of(scratch);
        assertEquals(scratch, first);
        scratch.set(1, new String("LAB.TEST".toCharArray()));
        assertSame(first, r.of(scratch), "equal, not the same strings");
        scratch.set(1, "OTHER");
        List<String> other = r.of(scratch);
        assertEquals(List.of("krbtgt", "OTHER"), other);
        assertEquals(List.of("krbtgt", "LAB.TEST"), first, "a copy does not follow the scratch list");
        scratch.clear();
        assertEquals(List.of(), r.of(scratch));
        assertNotSame(first, r.of(new ArrayList<>(List.of("krbtgt", "LAB.TEST"))), "two slots: the first was replaced");
        assertThrows(UnsupportedOperationException.class, () -> other.add("x"));
    }

    @Test
    void lengthAndOrderCount() {
        RecentLists<Integer> r = new RecentLists<>(4);
        List<Integer> a = r.of(List.of(18, 17));
        assertNotSame(a, r.of(List.of(17, 18)));
        assertNotSame(a, r.of(List.of(18)));
        assertNotSame(a, r.of(List.of(18, 17, 23)));
        assertSame(a, r.of(new ArrayList<>(List.of(18, 17))));
    }
}
