package io.impacketsensor.core.wire;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Utf16#decode} gives what the JDK's UTF-16LE decoder gives, on its fast path and off it. */
class Utf16DecodeTest {
    @Test
    void latin1AndOtherTextDecodeAsTheCharsetDoes() {
        for (String s : new String[] {"\\\\DC01\\IPC$", "svcctl", "Administrator", "caf\u00e9", "\u0416\u0443\u043a",
                "a\ud83d\ude00b", "\u00ff\u0100"}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_16LE);
            assertEquals(s, Utf16.decode(b, 0, b.length));
        }
    }

    @Test
    void randomUnitsIncludingLoneSurrogatesMatchTheDecoder() {
        // synthetic: random code units, half of them Latin-1 only, with odd lengths and NUL tails
        Random r = new Random(19);
        for (int i = 0; i < 5000; i++) {
            byte[] b = randomUnits(r, i % 2 == 0);
            int n = b.length & ~1;
            while (n >= 2 && b[n - 2] == 0 && b[n - 1] == 0) {
                n -= 2;
            }
            assertEquals(new String(b, 0, n, StandardCharsets.UTF_16LE), Utf16.decode(b, 0, b.length));
        }
    }

    @Test
    void aScratchArrayGivesTheSameStringsAndIsNotKept() {
        // synthetic: the same random units through a scratch array long enough, too short, and none
        Random r = new Random(7);
        byte[] longEnough = new byte[32];
        byte[] tooShort = new byte[3];
        for (int i = 0; i < 5000; i++) {
            byte[] b = randomUnits(r, i % 2 == 0);
            String plain = Utf16.decode(b, 0, b.length);
            assertEquals(plain, Utf16.decode(b, 0, b.length, longEnough));
            assertEquals(plain, Utf16.decode(b, 0, b.length, tooShort));
            assertEquals(plain, Utf16.decode(b, 0, b.length, null));
        }
        byte[] scratch = new byte[16];
        byte[] svcctl = "svcctl".getBytes(StandardCharsets.UTF_16LE);
        String s = Utf16.decode(svcctl, 0, svcctl.length, scratch);
        java.util.Arrays.fill(scratch, (byte) 'x');
        assertEquals("svcctl", s, "the String does not share the scratch array");
    }

    /** Up to 39 random bytes; Latin-1 only (every high byte 0) when asked. */
    private static byte[] randomUnits(Random r, boolean latin1) {
        byte[] b = new byte[r.nextInt(40)];
        r.nextBytes(b);
        if (latin1) {
            for (int k = 1; k < b.length; k += 2) {
                b[k] = 0;
            }
        }
        return b;
    }
}
