package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.Transport;

/**
 * Fuzz target: connection-oriented DCE/RPC over TCP (PDU framing, fragment reassembly,
 * bind/alter-context, auth trailers to the token decoder, every stub decoder behind the context
 * table) on a {@link io.impacketsensor.core.fuzz.StreamInput} of DCE/RPC connections (port 135 and
 * dynamic ports, and the pipe streams of SMB captures).
 * Seeds: see the corpus README.
 */
class DcerpcFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.drive(Targets.DCERPC.create(Targets.ctx(Transport.TCP, 135)), data);
    }
}
