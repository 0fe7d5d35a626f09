package io.impacketsensor.decoders.text;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class RecentStringsTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theSameBytesGiveTheKeptStringOthersTheirOwn() {
        RecentStrings r = new RecentStrings(2, 16);
        byte[] msg = b("xxDC=lab,DC=testcn");
        String base = r.get(msg, 2, 14);
        assertEquals("DC=lab,DC=test", base);
        assertSame(base, r.get(b("DC=lab,DC=test"), 0, 14));
        assertEquals("cn", r.get(msg, 16, 2));
        assertEquals("DC=lab,DC=tesT", r.get(b("DC=lab,DC=tesT"), 0, 14));
        // the third string took the oldest slot: the base is made again
        String again = r.get(msg, 2, 14);
        assertEquals("DC=lab,DC=test", again);
        assertNotSame(base, again);
    }

    @Test
    void decodesAsTheJdkDoesMalformedBytesIncluded() {
        RecentStrings r = new RecentStrings(4, 16);
        byte[][] cases = {b("sAMAccountName"), b("Jürgen"), {(byte) 0xC3}, {'a', (byte) 0xFF, 'b'}, {}};
        for (byte[] c : cases) {
            String want = new String(c, StandardCharsets.UTF_8);
            assertEquals(want, r.get(c, 0, c.length));
            assertEquals(want, r.get(c.clone(), 0, c.length));
        }
    }

    @Test
    void longerThanTheLimitIsMadeEveryTime() {
        RecentStrings r = new RecentStrings(2, 4);
        String first = r.get(b("abcde"), 0, 5);
        assertEquals("abcde", first);
        assertNotSame(first, r.get(b("abcde"), 0, 5));
    }
}
