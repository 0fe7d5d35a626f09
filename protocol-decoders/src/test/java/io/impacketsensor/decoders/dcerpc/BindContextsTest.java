package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.DcerpcEvent.Context;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** synthetic: a recent context or list is handed out again only when equal in every component. */
class BindContextsTest {
    private static final UUID EPM = UUID.fromString("e1af8308-5d1f-11c9-91a4-08002b14a0fa");
    private static final UUID SAMR = UUID.fromString("12345778-1234-abcd-ef00-0123456789ac");
    private static final List<UUID> NDR = List.of(DcerpcParser.NDR);

    @Test
    void equalContextsAreShared() {
        BindContexts b = new BindContexts();
        Context c = b.context(0, EPM, 3, 0, NDR, 0, -1);
        assertSame(c, b.context(0, EPM, 3, 0, new ArrayList<>(NDR), 0, -1));
        assertEquals(new Context(0, EPM, 3, 0, NDR, 0, -1), c);
        assertNotSame(c, b.context(1, EPM, 3, 0, NDR, 0, -1));
        assertNotSame(c, b.context(0, SAMR, 3, 0, NDR, 0, -1));
        assertNotSame(c, b.context(0, EPM, 1, 0, NDR, 0, -1));
        assertNotSame(c, b.context(0, EPM, 3, 1, NDR, 0, -1));
        assertNotSame(c, b.context(0, EPM, 3, 0, List.of(DcerpcParser.NDR64), 0, -1));
        assertNotSame(c, b.context(0, EPM, 3, 0, NDR, 2, 1));
        assertNotSame(c, b.context(0, EPM, 3, 0, NDR, 0, 2));
        assertEquals(new Context(0, EPM, 3, 0, NDR, 2, 1), b.context(0, EPM, 3, 0, NDR, 2, 1));
    }

    @Test
    void equalListsAreSharedAndImmutable() {
        BindContexts b = new BindContexts();
        Context c = b.context(0, EPM, 3, 0, NDR, 0, -1);
        Context d = b.context(1, SAMR, 1, 0, NDR, 2, 1);
        List<Context> scratch = new ArrayList<>(List.of(c, d));
        List<Context> l = b.list(scratch);
        assertEquals(List.of(c, d), l);
        scratch.clear();
        assertEquals(List.of(c, d), l, "the list does not follow the scratch list");
        assertSame(l, b.list(new ArrayList<>(List.of(c, d))));
        assertNotSame(l, b.list(List.of(d, c)));
        assertEquals(List.of(c), b.list(List.of(c)));
        Context equalToC = new Context(0, EPM, 3, 0, NDR, 0, -1);
        assertEquals(List.of(c, d), b.list(List.of(equalToC, d)), "equal contexts, not the same: an equal list");
        assertThrows(UnsupportedOperationException.class, () -> l.add(c));
    }

    @Test
    void boundedRoundRobin() {
        BindContexts b = new BindContexts();
        Context first = b.context(0, EPM, 3, 0, NDR, 0, -1);
        for (int i = 1; i <= BindContexts.KEPT; i++) {
            b.context(i, EPM, 3, 0, NDR, 0, -1);
        }
        Context again = b.context(0, EPM, 3, 0, NDR, 0, -1);
        assertNotSame(first, again, "the oldest was dropped");
        assertEquals(first, again);
    }
}
