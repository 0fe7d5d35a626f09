package io.impacketsensor.decoders.ntlmssp;

import io.impacketsensor.core.event.NtlmEvent;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** synthetic: a kept version is given back only when every field is the same. */
class RecentVersionsTest {

    @Test
    void givesBackAnEqualVersionOnlyForTheSameFields() {
        NtlmEvent.Version win10 = RecentVersions.of(10, 0, 19041, 15);
        assertEquals(new NtlmEvent.Version(10, 0, 19041, 15), win10);
        assertSame(win10, RecentVersions.of(10, 0, 19041, 15));
        int[][] others = {{6, 0, 19041, 15}, {10, 1, 19041, 15}, {10, 0, 17763, 15}, {10, 0, 19041, 10}};
        for (int[] o : others) {
            NtlmEvent.Version v = RecentVersions.of(o[0], o[1], o[2], o[3]);
            assertEquals(new NtlmEvent.Version(o[0], o[1], o[2], o[3]), v);
            assertNotSame(win10, v);
        }
    }

    @Test
    void keepsTheLastFewInTurn() {
        NtlmEvent.Version first = RecentVersions.of(5, 1, 2600, 15);
        for (int i = 1; i < RecentVersions.WAYS; i++) {
            RecentVersions.of(5, 1, 2600 + i, 15);
        }
        assertSame(first, RecentVersions.of(5, 1, 2600, 15), "still kept after WAYS - 1 others");
        for (int i = 0; i < RecentVersions.WAYS; i++) {
            RecentVersions.of(6, 1, 7600 + i, 15);
        }
        NtlmEvent.Version again = RecentVersions.of(5, 1, 2600, 15);
        assertNotSame(first, again, "replaced after WAYS others");
        assertEquals(first, again);
    }
}
