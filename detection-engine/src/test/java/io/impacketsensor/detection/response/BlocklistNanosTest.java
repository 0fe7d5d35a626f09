package io.impacketsensor.detection.response;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Asking with the event's nanoseconds answers as asking with its Instant, on both sides of an expiry. */
class BlocklistNanosTest {

    @Test
    void nanosAnswerAsTheInstant() {
        Instant t0 = Instant.parse("2026-11-27T10:00:00.250Z");
        Blocklist b = new Blocklist(new BlocklistCapTest.RecordingStore(), 3600, 10);
        b.block("10.0.0.1", "r", "psexec", 0.9, t0);
        Blocklist forever = new Blocklist(new BlocklistCapTest.RecordingStore(), 0, 10);
        forever.block("10.0.0.1", "r", "psexec", 0.9, t0);
        long expiry = t0.plusSeconds(3600).getEpochSecond() * 1_000_000_000L + t0.getNano();
        Random r = new Random(19);
        long[] around = {expiry - 1, expiry, expiry + 1, expiry - 1_000_000_000L, expiry + 999_999_999L, 0, -1,
                Long.MIN_VALUE, Long.MAX_VALUE};
        for (int i = 0; i < 10_000 + around.length; i++) {
            long at = i < around.length ? around[i] : expiry + (r.nextLong() % 5_000_000_000L);
            Instant instant = Instant.ofEpochSecond(0, at);
            for (Blocklist l : new Blocklist[] {b, forever}) {
                assertEquals(l.isBlocked("10.0.0.1", instant), l.isBlocked("10.0.0.1", at), () -> at + "");
                assertFalse(l.isBlocked("10.0.0.2", at));
            }
        }
        assertTrue(b.isBlocked("10.0.0.1", expiry - 1));
        assertFalse(b.isBlocked("10.0.0.1", expiry));
    }
}
