package io.impacketsensor.decoders.text;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RecentBytesTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void findsWhatItKeptByExactBytesAndReplacesInTurn() {
        RecentBytes r = new RecentBytes(2, 8, 2);
        byte[] msg = b("xxkrbtgtEXAMPLE");
        assertEquals(-1, r.find(msg, 2, 6));
        int krbtgt = r.keep(msg, 2, 6);
        assertEquals(krbtgt, r.find(b("krbtgt"), 0, 6));
        assertEquals(-1, r.find(b("krbtgT"), 0, 6));
        assertEquals(-1, r.find(b("krbtg"), 0, 5));
        int second = r.keep(b("EXAMPLE"), 0, 7);
        assertEquals(second, r.find(msg, 8, 7));
        // A third string takes the oldest slot.
        assertEquals(krbtgt, r.keep(b("cifs"), 0, 4));
        assertEquals(-1, r.find(b("krbtgt"), 0, 6));
        assertEquals(second, r.find(b("EXAMPLE"), 0, 7));
    }

    @Test
    void longerThanTheLimitIsNotKept() {
        RecentBytes r = new RecentBytes(2, 4, 4);
        assertEquals(-1, r.keep(b("abcde"), 0, 5));
        assertEquals(-1, r.find(b("abcde"), 0, 5));
    }
}
