package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.event.LdapEvent.LdapSearch;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.BufferBudget;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.wire.Hex;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.core.testkit.BudgetedContext;
import org.junit.jupiter.api.Test;

import static io.impacketsensor.decoders.ldap.LdapTestMessages.eq;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.message;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.search;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An LDAP message buffer taken back by the worker's budget, or refused: the rest of the message is
 * passed over by its length and the next message decoded.
 */
class LdapBudgetTest {
    /** Synthetic: an LDAPMessage of 1 MiB (messageID 1, SearchRequest), first 16 bytes of its body. */
    private static final byte[] HUGE_START = Hex.decode("30830ffffb020101" + "63830ffff3" + "00".repeat(16));
    private static final byte[] SEARCH = message(7, search("DC=lab,DC=test", eq("objectClass", "user")));

    private static LdapAnalyzer analyzer(RecordingContext ctx, BufferBudget budget) {
        return new LdapAnalyzer(new BudgetedContext(ctx, budget), LdapLimits.DEFAULTS,
                new LdapCounters(), null);
    }

    /** The rest of the 1 MiB message in 1400-byte segments, the last one also carrying SEARCH. */
    private static void restThenSearch(LdapAnalyzer a) {
        int rest = (1 << 20) - HUGE_START.length;
        byte[] chunk = new byte[1400];
        for (; rest > chunk.length; rest -= chunk.length) {
            assertTrue(a.onData(Direction.TO_SERVER, chunk, 0, chunk.length));
        }
        byte[] last = new byte[rest + SEARCH.length];
        System.arraycopy(SEARCH, 0, last, rest, SEARCH.length);
        assertTrue(a.onData(Direction.TO_SERVER, last, 0, last.length));
    }

    @Test
    void evictedPartialMessageIsPassedOverByLength() {
        BufferBudget budget = new BufferBudget((1 << 20) + 4096);
        RecordingContext ra = new RecordingContext(Transport.TCP, 389);
        RecordingContext rb = new RecordingContext(Transport.TCP, 389);
        LdapAnalyzer a = analyzer(ra, budget);
        LdapAnalyzer b = analyzer(rb, budget);
        assertTrue(a.onData(Direction.TO_SERVER, HUGE_START, 0, HUGE_START.length));
        assertTrue(b.onData(Direction.TO_SERVER, HUGE_START, 0, HUGE_START.length));
        assertEquals(1, budget.exceeded());
        restThenSearch(a);
        a.onClose();
        assertEquals(1, ra.of(LdapSearch.class).size());
    }

    @Test
    void aMessageLargerThanTheBudgetIsRefusedAndTheFlowGoesOn() {
        BufferBudget budget = new BufferBudget(64 * 1024);
        RecordingContext r = new RecordingContext(Transport.TCP, 389);
        LdapAnalyzer a = analyzer(r, budget);
        assertTrue(a.onData(Direction.TO_SERVER, HUGE_START, 0, HUGE_START.length));
        assertEquals(1, budget.refused());
        assertEquals(0, budget.used());
        restThenSearch(a);
        a.onClose();
        assertEquals(1, r.of(LdapSearch.class).size());
    }
}
