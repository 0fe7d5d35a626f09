package io.impacketsensor.decoders.smb;

import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.flow.BufferBudget;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.decoders.gssapi.GssTokenDecoder;
import io.impacketsensor.decoders.gssapi.KerberosTokenHook;
import io.impacketsensor.core.testkit.BudgetedContext;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.decoders.testutil.RecordingPipes;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.impacketsensor.decoders.testutil.Smb2Wire.Body;
import static io.impacketsensor.decoders.testutil.Smb2Wire.msg;
import static io.impacketsensor.decoders.testutil.Smb2Wire.nbss;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The NBSS framer's gathering buffer taken back by the worker's budget: the direction resynchronises. */
class SmbBudgetTest {

    @Test
    void evictedPartialPduResynchronisesAtTheNextPdu() {
        BufferBudget budget = new BufferBudget(150_000);
        SmbAnalyzerFactory factory = new SmbAnalyzerFactory(
                new GssTokenDecoder(KerberosTokenHook.NONE), new RecordingPipes());
        RecordingContext ra = new RecordingContext();
        RecordingContext rb = new RecordingContext();
        SmbAnalyzer a = (SmbAnalyzer) factory.create(new BudgetedContext(ra, budget));
        SmbAnalyzer b = (SmbAnalyzer) factory.create(new BudgetedContext(rb, budget));
        // Synthetic: a SESSION_SETUP request of 200,000 bytes (gathered whole, up to maxBufferedPdu),
        // of which 100,000 are sent.
        byte[] setup = nbss(msg(1, 0, false, 1, 0, 0, new byte[200_000 - 64]));
        byte[] part = Arrays.copyOf(setup, 100_000);
        assertTrue(a.onData(Direction.TO_SERVER, part, 0, part.length));
        assertEquals(100_000 - 4, budget.used()); // the PDU bytes after the 4-byte NBSS header
        assertTrue(b.onData(Direction.TO_SERVER, part, 0, part.length));
        assertEquals(1, budget.exceeded());
        assertEquals(100_000 - 4, budget.used()); // the PDU bytes after the 4-byte NBSS header
        // Flow a: the rest of the lost PDU is passed over, the next PDU is decoded.
        byte[] neg = new Body().u16(36).u16(2).u16(1).u16(0).u32(0x7f).zeros(16).u64(0).u16(0x202).u16(0x210).build();
        byte[] next = nbss(msg(0, 0, false, 2, 0, 0, neg));
        assertTrue(a.onData(Direction.TO_SERVER, setup, 100_000, setup.length - 100_000));
        assertTrue(a.onData(Direction.TO_SERVER, next, 0, next.length));
        a.onClose();
        assertEquals(List.of(0x202, 0x210), ra.of(SmbEvent.Smb2Negotiate.class).get(0).clientDialects());
    }
}
