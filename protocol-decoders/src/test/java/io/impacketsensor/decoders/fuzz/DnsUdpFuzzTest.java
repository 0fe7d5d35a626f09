package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.Transport;

/**
 * Fuzz target: the DNS analyzer over UDP (one message per datagram), each
 * {@link io.impacketsensor.core.fuzz.StreamInput} record one datagram to or from port 53.
 * Seeds: see the corpus README.
 */
class DnsUdpFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.drive(Targets.DNS.create(Targets.ctx(Transport.UDP, 53)), data);
    }
}
