package io.impacketsensor.detection.engine;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Address texts read as {@link InetAddress#getHostAddress()}, kept or not (synthetic addresses). */
class AddressTextsTest {
    @Test
    void textsReadAsTheAddressFormatsItselfAndRepeatsAreKept() throws Exception {
        AddressTexts t = new AddressTexts(4);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 10; i++) { // more addresses than the bound: older ones are formatted again
                InetAddress a = InetAddress.getByAddress(new byte[]{10, 0, (byte) round, (byte) (200 + i)});
                assertEquals(a.getHostAddress(), t.of(a));
            }
        }
        InetAddress a = InetAddress.getByName("192.168.7.15");
        String first = t.of(a);
        assertSame(first, t.of(InetAddress.getByName("192.168.7.15")));
        assertEquals("192.168.7.15", first);
    }

    @Test
    void ipv6AddressesAreFormattedEachTimeWithTheirScope() throws Exception {
        AddressTexts t = new AddressTexts(4);
        InetAddress plain = InetAddress.getByName("fe80::1");
        InetAddress scoped = java.net.Inet6Address.getByAddress(null, plain.getAddress(), 3);
        assertEquals(plain.getHostAddress(), t.of(plain));
        assertEquals(scoped.getHostAddress(), t.of(scoped));
        assertEquals("fe80:0:0:0:0:0:0:1%3", t.of(scoped));
    }
}
