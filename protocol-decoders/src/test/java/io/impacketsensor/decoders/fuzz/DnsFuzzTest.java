package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.Transport;

/**
 * Fuzz target: the DNS analyzer over TCP (two-byte length prefix, RFC 1035 4.2.2), each
 * {@link io.impacketsensor.core.fuzz.StreamInput} record one delivery to or from port 53.
 * Seeds: see the corpus README.
 */
class DnsFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.drive(Targets.DNS.create(Targets.ctx(Transport.TCP, 53)), data);
    }
}
