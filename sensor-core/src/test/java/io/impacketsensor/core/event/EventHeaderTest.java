package io.impacketsensor.core.event;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * A header holds its flow's parts in a shared {@link EventHeader.Ends}, and still compares, hashes
 * and prints as a record of its seven values, so events holding it do too.
 */
class EventHeaderTest {

    /** The record a header's values would be, for comparing equality, hash and text. */
    private record Seven(long timestampNanos, long flowId, InetAddress clientIp, int clientPort,
                         InetAddress serverIp, int serverPort, Transport transport) {
    }

    @Test
    void equalityHashAndTextAreThoseOfTheSevenValues() throws Exception {
        InetAddress c = InetAddress.getByName("10.0.0.2");
        InetAddress s = InetAddress.getByName("10.0.0.1");
        EventHeader.Ends ends = new EventHeader.Ends(42, c, 50000, s, 445, Transport.TCP);
        EventHeader shared = new EventHeader(1_700_000_000_123_456_789L, ends);
        EventHeader whole = new EventHeader(1_700_000_000_123_456_789L, 42, c, 50000, s, 445, Transport.TCP);
        Seven seven = new Seven(1_700_000_000_123_456_789L, 42, c, 50000, s, 445, Transport.TCP);
        assertEquals(whole, shared);
        assertEquals(shared, whole);
        assertEquals(seven.hashCode(), shared.hashCode());
        assertEquals(seven.hashCode(), whole.hashCode());
        assertEquals(seven.toString().replace("Seven[", "EventHeader["), shared.toString());
        assertEquals(42, shared.flowId());
        assertSame(c, shared.clientIp());
        assertEquals(50000, shared.clientPort());
        assertSame(s, shared.serverIp());
        assertEquals(445, shared.serverPort());
        assertEquals(Transport.TCP, shared.transport());
        assertSame(ends, shared.ends());

        assertNotEquals(shared, new EventHeader(1_700_000_000_123_456_790L, ends), "another time");
        assertNotEquals(shared, new EventHeader(1_700_000_000_123_456_789L, 43, c, 50000, s, 445, Transport.TCP));
        assertNotEquals(shared, new EventHeader(1_700_000_000_123_456_789L, 42, s, 445, c, 50000, Transport.TCP),
                "roles swapped");
        assertNotEquals(shared, new EventHeader(1_700_000_000_123_456_789L, 42, c, 50000, s, 445, Transport.UDP));
        Seven nulls = new Seven(0, 0, null, 0, null, 0, null);
        EventHeader withNulls = new EventHeader(0, 0, null, 0, null, 0, null);
        assertEquals(nulls.hashCode(), withNulls.hashCode());
        assertEquals(nulls.toString().replace("Seven[", "EventHeader["), withNulls.toString());
    }
}
