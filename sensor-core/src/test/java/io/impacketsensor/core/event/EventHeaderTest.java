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

    /** The flow's parts compare, hash and print as the record of the six values they were. */
    private record Six(long flowId, InetAddress clientIp, int clientPort, InetAddress serverIp, int serverPort,
                       Transport transport) {
    }

    @Test
    void endsCompareHashAndPrintAsTheSixValues() throws Exception {
        InetAddress c = InetAddress.getByName("10.0.0.2");
        InetAddress s = InetAddress.getByName("fe80::1");
        EventHeader.Ends ends = new EventHeader.Ends(7, c, 50000, s, 445, Transport.TCP);
        Six six = new Six(7, c, 50000, s, 445, Transport.TCP);
        assertEquals(six.hashCode(), ends.hashCode());
        assertEquals(six.toString().replace("Six[", "Ends["), ends.toString());
        assertEquals(ends, new EventHeader.Ends(7, InetAddress.getByName("10.0.0.2"), 50000,
                InetAddress.getByName("fe80::1"), 445, Transport.TCP));
        assertNotEquals(ends, new EventHeader.Ends(7, c, 50000, s, 445, Transport.UDP));
        assertNotEquals(ends, new EventHeader.Ends(7, c, 50001, s, 445, Transport.TCP));
        assertNotEquals(ends, new EventHeader.Ends(8, c, 50000, s, 445, Transport.TCP));
        Six nulls = new Six(0, null, 0, null, 0, null);
        EventHeader.Ends none = new EventHeader.Ends(0, null, 0, null, 0, null);
        assertEquals(nulls.hashCode(), none.hashCode());
        assertEquals(nulls.toString().replace("Six[", "Ends["), none.toString());
    }

    @Test
    void ipv4AddressesAreNumbersAndOthersMinusOne() throws Exception {
        EventHeader h = new EventHeader(1, 1, InetAddress.getByName("10.0.0.1"), 1,
                InetAddress.getByName("255.255.255.254"), 2, Transport.UDP);
        assertEquals(0x0A000001L, h.clientIpv4());
        assertEquals(0xFFFFFFFEL, h.serverIpv4(), "unsigned: the high bit set gives no negative number");
        assertEquals(0L, EventHeader.Ends.ipv4(InetAddress.getByName("0.0.0.0")));
        assertEquals(-1L, EventHeader.Ends.ipv4(InetAddress.getByName("2001:db8::a00:1")), "an IPv6 address");
        assertEquals(-1L, EventHeader.Ends.ipv4(null));
        EventHeader v6 = new EventHeader(1, 1, InetAddress.getByName("2001:db8::1"), 1, null, 2, Transport.TCP);
        assertEquals(-1L, v6.clientIpv4());
        assertEquals(-1L, v6.serverIpv4());
    }
}
