package io.impacketsensor.fleet;

import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.testkit.Captures;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which hosts a sensor publishes as DCs ({@code dc_fact}, key {@code dc:<ip>}), on lab captures
 * decoded by the real analyzers. Impacket's kintercept.py on the attacker (10.99.0.2:88) passes dc1's
 * (10.99.0.1) answers on to svc_web on ws01: only dc1 answered Kerberos itself, so the relay must not
 * reach the fleet as a DC whose replication other sensors and the correlator would trust.
 */
class FleetEventsDcFactsTest {

    private static Set<String> dcFacts(String capture) throws Exception {
        SensorReplay s = new SensorReplay(null).replay(Captures.lab(capture));
        FleetEvents fleet = new FleetEvents("s1");
        Set<String> keys = new TreeSet<>();
        for (SensorEvent e : s.events) {
            fleet.of(e, (k, v) -> {
                if (k.startsWith("dc:")) {
                    keys.add(k);
                }
            });
        }
        return keys;
    }

    @Test
    void aKerberosRelayIsNoDcFact() throws Exception {
        assertEquals(Set.of("dc:10.99.0.1"), dcFacts("atk_kintercept.i014.pcap"));
        assertEquals(Set.of("dc:10.99.0.1"), dcFacts("atk_kintercept.i010.pcap"));
    }

    @Test
    void aKdcAnsweringItselfIsOne() throws Exception {
        assertEquals(Set.of("dc:10.99.0.1"), dcFacts("atk_getTGT_pth.pcap"));
    }
}
