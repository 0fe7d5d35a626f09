package io.impacketsensor.decoders.kerberos;

import io.impacketsensor.core.event.KerberosEvent.KerberosRequest;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.BufferBudget;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.wire.Hex;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.core.testkit.BudgetedContext;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Kerberos record buffer taken back by the worker's budget: the rest of the record is passed over
 * by its length and the next record decoded; an idle buffer is only freed.
 */
class KerberosBudgetTest {
    /** Synthetic: a record mark of 1 MiB, an AS-REQ tag and the DER length filling the record, 16 bytes of body. */
    private static final byte[] HUGE_START = Hex.decode("001000006a830ffffb" + "00".repeat(16));

    @Test
    void evictedPartialRecordIsPassedOverByLength() {
        BufferBudget budget = new BufferBudget((1 << 20) + (1 << 19));
        RecordingContext ra = new RecordingContext(Transport.TCP, 88);
        RecordingContext rb = new RecordingContext(Transport.TCP, 88);
        KerberosAnalyzer a = new KerberosAnalyzer(new BudgetedContext(ra, budget), KerberosLimits.DEFAULTS,
                new KerberosCounters());
        KerberosAnalyzer b = new KerberosAnalyzer(new BudgetedContext(rb, budget), KerberosLimits.DEFAULTS,
                new KerberosCounters());
        assertTrue(a.onData(Direction.TO_SERVER, HUGE_START, 0, HUGE_START.length));
        assertEquals(1 << 20, budget.used());
        // The second flow's 1 MiB record does not fit beside the first: the first is taken back.
        assertTrue(b.onData(Direction.TO_SERVER, HUGE_START, 0, HUGE_START.length));
        assertEquals(1, budget.exceeded());
        assertEquals(1 << 20, budget.used());
        // Flow a: the rest of its lost record is passed over by its length (the last part shares a
        // segment with the next record), and the next record is decoded.
        int rest = (1 << 20) - (HUGE_START.length - 4);
        byte[] chunk = new byte[1400];
        for (; rest > chunk.length; rest -= chunk.length) {
            assertTrue(a.onData(Direction.TO_SERVER, chunk, 0, chunk.length));
        }
        byte[] last = new byte[rest + KerberosAnalyzerTest.AS_REQ_RECORD.length];
        System.arraycopy(KerberosAnalyzerTest.AS_REQ_RECORD, 0, last, rest, KerberosAnalyzerTest.AS_REQ_RECORD.length);
        assertTrue(a.onData(Direction.TO_SERVER, last, 0, last.length));
        assertEquals(1, ra.of(KerberosRequest.class).size());
        assertEquals(1 << 20, budget.used(), "a passed its record over without buffering it");
        // Closing b gives its bytes back.
        b.onClose();
        assertEquals(0, budget.used());
    }

    @Test
    void anIdleBufferIsFreedWithoutLosingTheNextRecord() {
        BufferBudget budget = new BufferBudget((1 << 20) + 100);
        RecordingContext ra = new RecordingContext(Transport.TCP, 88);
        KerberosAnalyzer a = new KerberosAnalyzer(new BudgetedContext(ra, budget), KerberosLimits.DEFAULTS,
                new KerberosCounters());
        KerberosAnalyzer b = new KerberosAnalyzer(new BudgetedContext(new RecordingContext(Transport.TCP, 88), budget),
                KerberosLimits.DEFAULTS, new KerberosCounters());
        byte[] rec = KerberosAnalyzerTest.AS_REQ_RECORD;
        // A record split in two: decoded, its buffer kept for the next split record.
        assertTrue(a.onData(Direction.TO_SERVER, rec, 0, 50));
        assertTrue(a.onData(Direction.TO_SERVER, rec, 50, rec.length - 50));
        assertEquals(1, ra.of(KerberosRequest.class).size());
        assertEquals(rec.length - 4, budget.used());
        // Half the mark of a's next record; then flow b's large record needs the room: a's idle
        // buffer is freed, nothing is lost.
        assertTrue(a.onData(Direction.TO_SERVER, rec, 0, 2));
        assertTrue(b.onData(Direction.TO_SERVER, HUGE_START, 0, HUGE_START.length));
        assertEquals(1, budget.reclaimed());
        assertEquals(0, budget.exceeded());
        // The rest of a's record, in two parts, once b has closed.
        b.onClose();
        assertTrue(a.onData(Direction.TO_SERVER, rec, 2, 62));
        assertTrue(a.onData(Direction.TO_SERVER, rec, 64, rec.length - 64));
        assertEquals(2, ra.of(KerberosRequest.class).size());
    }
}
