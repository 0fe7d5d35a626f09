package io.impacketsensor.detection.engine;

import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The relay indicator's gap in milliseconds reads as the formatter's {@code %.1f} of it. */
class RelayLegsMillisTest {
    private static String formatted(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    @Test
    void everyRoundingBoundaryAndRandomGapsMatchTheFormatter() {
        // Each half-tenth of a millisecond up to the longest gap a pair may have, and either side of it.
        for (long k = 0; k * 50_000 <= RelayLegs.NEGOTIATE_GAP_NANOS; k++) {
            for (long d = -1; d <= 1; d++) {
                long nanos = Math.max(0, k * 50_000 + d);
                assertEquals(formatted(nanos), RelayLegs.millis(nanos), "at " + nanos);
            }
        }
        Random r = new Random(171);
        for (int i = 0; i < 200_000; i++) {
            long nanos = (long) (r.nextDouble() * RelayLegs.NEGOTIATE_GAP_NANOS);
            assertEquals(formatted(nanos), RelayLegs.millis(nanos), "at " + nanos);
        }
    }
}
