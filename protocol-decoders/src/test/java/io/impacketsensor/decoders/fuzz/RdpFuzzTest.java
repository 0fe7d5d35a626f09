package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.Transport;

/**
 * Fuzz target: the RDP analyzer (TPKT and X.224 connection start, then TLS records), each
 * {@link io.impacketsensor.core.fuzz.StreamInput} record one delivery to or from port 3389.
 * Seeds: see the corpus README.
 */
class RdpFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.drive(Targets.RDP.create(Targets.ctx(Transport.TCP, 3389)), data);
    }
}
