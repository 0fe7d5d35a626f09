package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.EventHeader;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The chain layer's (source, target) key compares IPv4 addresses by their numbers and the others as
 * addresses: it must find exactly the pairs the addresses themselves would, with their hash.
 */
class ChainPairKeyTest {

    private static ChainLayer.PairKey key(String source, String target) throws Exception {
        InetAddress s = InetAddress.getByName(source);
        InetAddress t = target == null ? null : InetAddress.getByName(target);
        return new ChainLayer.PairKey(s, EventHeader.Ends.ipv4(s), t, EventHeader.Ends.ipv4(t));
    }

    @Test
    void sameAddressesSameKeyAndTheAddressesHash() throws Exception {
        String[][] pairs = {{"10.0.0.5", "10.0.0.1"}, {"10.0.0.5", null}, {"2001:db8::5", "2001:db8::1"},
                {"2001:db8::5", "10.0.0.1"}, {"10.0.0.5", "2001:db8::1"}, {"2001:db8::5", null}, {"200.1.2.3", "0.0.0.0"}};
        for (String[] p : pairs) {
            ChainLayer.PairKey a = key(p[0], p[1]);
            ChainLayer.PairKey b = key(p[0], p[1]); // other InetAddress objects, same addresses
            assertEquals(a, b, String.join(" ", p));
            assertEquals(a.hashCode(), b.hashCode());
            InetAddress s = InetAddress.getByName(p[0]);
            InetAddress t = p[1] == null ? null : InetAddress.getByName(p[1]);
            assertEquals(s.hashCode() * 31 + Objects.hashCode(t), a.hashCode(), "the addresses' own hash");
        }
    }

    @Test
    void otherAddressesOrRolesAnotherKey() throws Exception {
        ChainLayer.PairKey k = key("10.0.0.5", "10.0.0.1");
        assertNotEquals(k, key("10.0.0.1", "10.0.0.5"), "roles swapped");
        assertNotEquals(k, key("10.0.0.5", "10.0.0.2"));
        assertNotEquals(k, key("10.0.0.5", null));
        assertNotEquals(key("10.0.0.5", null), k);
        // An IPv6 address whose low 32 bits are an IPv4 address's is another host.
        assertNotEquals(key("10.0.0.5", "10.0.0.1"), key("::a00:5", "10.0.0.1"));
        assertNotEquals(key("::a00:5", "10.0.0.1"), key("10.0.0.5", "10.0.0.1"));
        assertNotEquals(key("2001:db8::5", "2001:db8::1"), key("2001:db8::5", "2001:db8::2"));
        assertNotEquals(key("2001:db8::5", "2001:db8::1"), key("2001:db8::5", null));
    }

    @Test
    void theProbeFindsAStoredPairAfterBeingSetAgain() throws Exception {
        ChainLayer.PairKey probe = new ChainLayer.PairKey(null, -1, null, -1);
        InetAddress s = InetAddress.getByName("10.0.0.5");
        InetAddress t = InetAddress.getByName("10.0.0.1");
        java.util.Map<ChainLayer.PairKey, String> m = new java.util.HashMap<>();
        m.put(new ChainLayer.PairKey(s, EventHeader.Ends.ipv4(s), t, EventHeader.Ends.ipv4(t)), "pair");
        probe.set(t, EventHeader.Ends.ipv4(t), s, EventHeader.Ends.ipv4(s));
        assertEquals(null, m.get(probe));
        probe.set(s, EventHeader.Ends.ipv4(s), t, EventHeader.Ends.ipv4(t));
        assertEquals("pair", m.get(probe));
    }
}
