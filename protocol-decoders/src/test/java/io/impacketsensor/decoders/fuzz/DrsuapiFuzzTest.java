package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.Transport;

/**
 * Fuzz target: DCE/RPC carrying drsuapi (DRSBind, DRSGetNCChanges, sealed and in the clear):
 * the DCE/RPC analyzer on a {@link io.impacketsensor.core.fuzz.StreamInput} seeded with DCSync
 * connections, so the fuzzer starts from a bound drsuapi context.
 * Seeds: see the corpus README.
 */
class DrsuapiFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.drive(Targets.DCERPC.create(Targets.ctx(Transport.TCP, 49152)), data);
    }
}
