package io.impacketsensor.core.packet;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static io.impacketsensor.core.packet.Frames.ether;
import static io.impacketsensor.core.packet.Frames.ipv4;
import static io.impacketsensor.core.packet.Frames.ipv6;
import static io.impacketsensor.core.packet.Frames.tcp;
import static io.impacketsensor.core.packet.Frames.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker-selection hash: same value for both directions, spread across flows (synthetic frames). */
class SymmetricFlowHashTest {
    private final SymmetricFlowHash h = new SymmetricFlowHash();

    private int hash(byte[] frame) {
        int v = h.symmetricFlowHash(LinkTypes.ETHERNET, frame, frame.length);
        assertTrue(v >= 0, "non-negative, usable with % workers");
        return v;
    }

    @Test
    void bothDirectionsHashAlike() {
        byte[] fwd = ether(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(50000, 445, 1, 0, 2, null, new byte[0])));
        byte[] rev = ether(ipv4("10.0.0.2", "10.0.0.1", 6, tcp(445, 50000, 9, 2, 0x12, null, new byte[0])), 0x8100);
        assertEquals(hash(fwd), hash(rev));
        byte[] f6 = ether(ipv6("2001:db8::1", "2001:db8::2", 6, null, tcp(50000, 445, 1, 0, 2, null, new byte[0])));
        byte[] r6 = ether(ipv6("2001:db8::2", "2001:db8::1", 6, null, tcp(445, 50000, 1, 0, 2, null, new byte[0])));
        assertEquals(hash(f6), hash(r6));
    }

    @Test
    void udpAndFragmentsOfOneHostPairLandTogether() {
        byte[] whole = ether(ipv4("10.0.0.1", "10.0.0.2", 17, udp(50000, 88, new byte[4])));
        byte[] reply = ether(ipv4("10.0.0.2", "10.0.0.1", 17, udp(88, 50000, new byte[4])));
        byte[] laterFragment = ether(ipv4("10.0.0.1", "10.0.0.2", 17, 7, 3, null, new byte[16]));
        assertEquals(hash(whole), hash(reply));
        assertEquals(hash(whole), hash(laterFragment));
    }

    @Test
    void tcpFlowsSpreadOverWorkers() {
        Set<Integer> workers = new HashSet<>();
        for (int port = 40000; port < 40064; port++) {
            workers.add(hash(ether(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(port, 445, 1, 0, 2, null, new byte[0])))) % 4);
        }
        assertEquals(4, workers.size());
    }

    @Test
    void nonIpAndGarbageHashToZero() {
        assertEquals(0, hash(Frames.etherType(0x0806, new byte[28])));
        assertEquals(0, h.symmetricFlowHash(LinkTypes.ETHERNET, new byte[5], 5));
        assertEquals(0, h.symmetricFlowHash(999, new byte[60], 60));
    }
}
