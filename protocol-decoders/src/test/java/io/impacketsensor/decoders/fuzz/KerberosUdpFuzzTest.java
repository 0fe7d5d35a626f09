package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.Transport;

/**
 * Fuzz target: Kerberos over UDP (one message per datagram): each
 * {@link io.impacketsensor.core.fuzz.StreamInput} record is one datagram to or from port 88.
 * Seeds: see the corpus README.
 */
class KerberosUdpFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.drive(Targets.KERBEROS.create(Targets.ctx(Transport.UDP, 88)), data);
    }
}
