package io.impacketsensor.core.flow;

import io.impacketsensor.core.pipeline.ThreadAllocation;
import io.impacketsensor.core.testkit.BudgetedContext;
import io.impacketsensor.core.testkit.RecordingContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared partial-PDU buffer: gathering, passing over, growth, and what the budget takes back. */
class PduBufferTest {

    /** A flow context whose buffer accounts are charged to {@code budget} (no flow table). */
    private static FlowContext context(BufferBudget budget) {
        return new BudgetedContext(new RecordingContext(), budget);
    }

    private static byte[] seq(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    /**
     * Synthetic length-first framing: a 1-byte length, then that many body bytes. Records the
     * PDUs handed over as "len:first-byte" and, with {@code limit}, passes over longer ones.
     */
    private static final class OneByteLength implements PduBuffer.Framing {
        final PduBuffer pdu;
        final List<String> pdus = new ArrayList<>();
        final int limit;
        /** False while allocation is measured: PDUs are only counted. */
        boolean recording = true;
        int count;

        OneByteLength(PduBuffer pdu, int limit) {
            this.pdu = pdu;
            this.limit = limit;
        }

        @Override
        public int header(Direction dir, byte[] b, int off, int len) {
            int total = b[off] & 0xFF;
            if (total > limit) {
                pdu.passOver(total);
                return 1;
            }
            if (len - 1 >= total) {
                pdu(dir, b, off + 1, total);
                return 1 + total;
            }
            pdu.start(total, null, 0);
            return 1;
        }

        @Override
        public boolean pdu(Direction dir, byte[] b, int off, int len) {
            count++;
            if (recording) {
                pdus.add(len + ":" + b[off]);
            }
            return true;
        }

        void feed(byte[] b, int off, int len) {
            assertTrue(pdu.frame(Direction.TO_SERVER, b, off, len, this));
        }
    }

    /** Synthetic stream: PDUs of 3, 10 and 200 bytes, each body starting with its length. */
    private static byte[] stream() {
        byte[] s = new byte[1 + 3 + 1 + 10 + 1 + 200];
        int at = 0;
        for (int n : new int[] {3, 10, 200}) {
            s[at] = (byte) n;
            s[at + 1] = (byte) n;
            at += 1 + n;
        }
        return s;
    }

    @Test
    void framesWholePdusInPlaceAndGathersSplitOnes() {
        BufferBudget budget = new BufferBudget(1000);
        OneByteLength f = new OneByteLength(new PduBuffer(context(budget), "test", null), 255);
        byte[] s = stream();
        f.feed(s, 0, 7); // the 3-byte PDU whole, 2 bytes of the 10-byte one
        assertEquals(10, budget.used(), "exactly the announced length is reserved");
        f.feed(s, 7, 20); // its rest, then 10 bytes of the 200-byte one
        f.feed(s, 27, s.length - 27);
        assertEquals(List.of("3:3", "10:10", "200:-56"), f.pdus);
        assertEquals(200, budget.used(), "the buffer grew once more and is kept for reuse");
    }

    @Test
    void everySplitOfTheStreamGivesTheSamePdus() {
        byte[] s = stream();
        for (int cut = 1; cut < s.length; cut++) {
            OneByteLength f = new OneByteLength(new PduBuffer(context(BufferBudget.unlimited()), "test", null), 255);
            f.feed(s, 0, cut);
            f.feed(s, cut, s.length - cut);
            assertEquals(List.of("3:3", "10:10", "200:-56"), f.pdus, "cut at " + cut);
        }
    }

    @Test
    void aPduOverTheLimitIsPassedOverAcrossDeliveries() {
        OneByteLength f = new OneByteLength(new PduBuffer(context(BufferBudget.unlimited()), "test", null), 100);
        byte[] s = stream();
        for (int i = 0; i < s.length; i += 7) {
            f.feed(s, i, Math.min(7, s.length - i));
        }
        f.feed(new byte[] {1, 42}, 0, 2);
        assertEquals(List.of("3:3", "10:10", "1:42"), f.pdus);
        assertEquals(0, f.pdu.skipping());
    }

    @Test
    void aPduTakenBackIsPassedOverByItsLength() {
        BufferBudget budget = new BufferBudget(300);
        OneByteLength a = new OneByteLength(new PduBuffer(context(budget), "test", null), 255);
        OneByteLength other = new OneByteLength(new PduBuffer(context(budget), "test", null), 255);
        byte[] s = stream();
        a.feed(s, 15, 50); // the length and 49 bytes of the 200-byte PDU
        // Another flow's 200 bytes do not fit beside a's: a's PDU is lost, 151 of its bytes are still to come.
        other.feed(s, 15, 2);
        assertEquals(1, budget.exceeded());
        assertEquals(151, a.pdu.skipping());
        assertEquals(0, a.pdu.array().length);
        a.feed(s, 65, s.length - 65);
        a.feed(s, 0, 4);
        assertEquals(List.of("3:3"), a.pdus, "the rest was passed over, the next PDU read");
    }

    @Test
    void aStartedPduWithNoBytesYetIsNotLostWhenTakenBack() {
        BufferBudget budget = new BufferBudget(300);
        OneByteLength a = new OneByteLength(new PduBuffer(context(budget), "test", null), 255);
        OneByteLength other = new OneByteLength(new PduBuffer(context(budget), "test", null), 255);
        byte[] s = stream();
        a.feed(s, 15, 1); // the length only: 200 bytes reserved, none arrived
        other.feed(s, 15, 2);
        assertEquals(0, budget.exceeded());
        assertEquals(1, budget.reclaimed());
        // The body, whole: decoded in place without reserving again.
        a.feed(s, 16, 200);
        assertEquals(List.of("200:-56"), a.pdus);
        assertEquals(200, budget.used(), "only the other flow's buffer");
    }

    @Test
    void aRefusedStartPassesOverWhatIsLeftOfThePdu() {
        BufferBudget budget = new BufferBudget(50);
        PduBuffer b = new PduBuffer(context(budget), "test", null);
        byte[] prefix = new byte[10];
        assertFalse(b.start(100, prefix, 10));
        assertEquals(1, budget.refused());
        assertEquals(1, budget.exceeded());
        assertEquals(90, b.skipping(), "the 10 prefix bytes were consumed already");
    }

    @Test
    void appendDoublesWithinItsBounds() {
        BufferBudget budget = new BufferBudget(1 << 20);
        PduBuffer b = new PduBuffer(context(budget), "test", null);
        byte[] data = seq(100);
        assertTrue(b.append(data, 0, 10, 64, 200));
        assertEquals(64, b.array().length, "at least minCapacity");
        assertTrue(b.append(data, 10, 60, 64, 200));
        assertEquals(128, b.array().length, "doubled");
        assertTrue(b.append(data, 70, 30, 64, 200));
        assertEquals(128, b.array().length, "no growth while it fits");
        assertTrue(b.append(data, 0, 100, 64, 200));
        assertEquals(200, b.array().length, "doubling capped at maxCapacity");
        assertTrue(b.append(data, 0, 50, 64, 200));
        assertEquals(250, b.array().length, "never less than what must be held");
        assertEquals(250, budget.used());
        byte[] expect = new byte[250];
        System.arraycopy(data, 0, expect, 0, 100);
        System.arraycopy(data, 0, expect, 100, 100);
        System.arraycopy(data, 0, expect, 200, 50);
        assertArrayEquals(expect, Arrays.copyOf(b.array(), b.length()));
        b.release();
        assertEquals(0, budget.used());
    }

    @Test
    void anIdleBufferIsReclaimedAndTheOwnerToldNothingWasLost() {
        BufferBudget budget = new BufferBudget(150);
        boolean[] told = new boolean[2];
        PduBuffer idle = new PduBuffer(context(budget), "test", held -> {
            told[0] = true;
            told[1] = held;
            return held;
        });
        PduBuffer other = new PduBuffer(context(budget), "test", null);
        byte[] data = seq(100);
        assertTrue(idle.append(data, 0, 100, 100, 100));
        idle.take();
        assertTrue(other.append(data, 0, 100, 100, 100));
        assertTrue(told[0]);
        assertFalse(told[1]);
        assertEquals(1, budget.reclaimed());
        assertEquals(0, budget.exceeded());
    }

    @Test
    void theDropHandlerDecidesWhatWasLost() {
        BufferBudget budget = new BufferBudget(100);
        PduBuffer b = new PduBuffer(context(budget), "test", held -> true);
        // Nothing held, but the owner says a PDU was lost (a call whose stub had no bytes yet).
        assertTrue(b.append(seq(10), 0, 10, 10, 10));
        b.clear();
        assertFalse(b.append(seq(100), 0, 100, 200, 200));
        assertEquals(1, budget.exceeded());
        assertEquals(0, b.length());
    }

    @Test
    void gatheringWithoutGrowthAllocatesNothing() {
        Assumptions.assumeTrue(ThreadAllocation.current() >= 0, "the JVM does not report thread allocation");
        OneByteLength f = new OneByteLength(new PduBuffer(context(new BufferBudget(1 << 20)), "test", null), 255);
        f.recording = false;
        byte[] s = stream();
        for (int i = 0; i < 1000; i++) { // warm-up: the array is grown once, the methods compiled
            round(f, s);
        }
        long before = ThreadAllocation.current();
        for (int i = 0; i < 10_000; i++) {
            round(f, s);
        }
        long allocated = ThreadAllocation.current() - before;
        assertEquals(33_000, f.count);
        // One object per PDU would be at least 16 bytes each (160,000 bytes); what remains is the
        // measurement's own constant cost (the JIT, the MXBean call).
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes in 10,000 PDUs");
    }

    @Test
    void aReleasedBuffersArrayIsGrownIntoByTheWorkersNextBuffer() {
        BufferBudget budget = new BufferBudget(1 << 20);
        PduBuffer first = new PduBuffer(context(budget), "test", null);
        assertTrue(first.start(5000, null, 0));
        byte[] kept = first.array();
        first.release();
        assertEquals(0, budget.used());
        assertEquals(0, first.array().length);

        // A length-first PDU up to twice smaller takes it, charged whole.
        PduBuffer second = new PduBuffer(context(budget), "test", null);
        assertTrue(second.start(3000, null, 0));
        assertSame(kept, second.array());
        assertEquals(5000, budget.used());
        second.release();

        // Growing by appending takes it too, and keeps the bytes appended before.
        PduBuffer third = new PduBuffer(context(budget), "test", null);
        byte[] s = seq(200);
        assertTrue(third.append(s, 0, 100, 64, 8192));
        assertTrue(third.append(s, 100, 100, 64, 8192));
        assertTrue(third.append(new byte[2000], 0, 2000, 64, 8192));
        assertSame(kept, third.array());
        assertArrayEquals(s, Arrays.copyOf(third.array(), 200));
        assertEquals(5000, budget.used());
    }

    @Test
    void keptArraysAreBoundedAndNotTakenForAMuchSmallerPdu() {
        BufferBudget budget = new BufferBudget(1 << 20);
        PduBuffer big = new PduBuffer(context(budget), "test", null);
        assertTrue(big.start(10_000, null, 0));
        byte[] kept = big.array();
        big.release();
        PduBuffer small = new PduBuffer(context(budget), "test", null);
        assertTrue(small.start(4000, null, 0));
        assertEquals(4000, small.array().length);
        assertTrue(small.start(6000, null, 0));
        assertSame(kept, small.array());

        // A budget of 64 KiB keeps no array over a sixteenth of it.
        BufferBudget tight = new BufferBudget(64 << 10);
        PduBuffer a = new PduBuffer(context(tight), "test", null);
        assertTrue(a.start(5000, null, 0));
        byte[] notKept = a.array();
        a.release();
        PduBuffer b = new PduBuffer(context(tight), "test", null);
        assertTrue(b.start(5000, null, 0));
        assertEquals(5000, b.array().length);
        assertTrue(b.array() != notKept, "an array over a sixteenth of the budget was kept");
    }

    private static void round(OneByteLength f, byte[] s) {
        f.feed(s, 0, 20);
        f.feed(s, 20, s.length - 20);
        PduBuffer b = f.pdu;
        b.append(s, 0, 150, 64, 256);
        b.append(s, 150, 50, 64, 256);
        b.clear();
    }
}
