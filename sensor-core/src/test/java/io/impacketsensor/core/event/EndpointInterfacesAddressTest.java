package io.impacketsensor.core.event;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ept_map answer's dotted quad reads as InetAddress.getByName reads it (literals only: no lookup). */
class EndpointInterfacesAddressTest {
    @Test
    void dottedQuadsAreTheAddressesGetByNameGives() throws Exception {
        Random r = new Random(135);
        for (int i = 0; i < 10_000; i++) {
            String ip = r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
            InetAddress a = EndpointInterfaces.dottedQuad(ip);
            assertEquals(InetAddress.getByName(ip), a, ip);
            assertEquals(ip, a.getHostAddress());
        }
        for (String ip : new String[] {"0.0.0.1", "255.255.255.255", "10.0.0.0", "1.2.3", "1.2.65535"}) {
            // the last two are literals getByName also reads (BSD forms): taken through it
            assertEquals(InetAddress.getByName(ip), EndpointInterfaces.dottedQuad(ip), ip);
        }
    }
}
