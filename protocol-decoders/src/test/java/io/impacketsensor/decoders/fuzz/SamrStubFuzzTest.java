package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.RpcInterfaces;

/**
 * Fuzz target: the samr (MS-SAMR) request stub decoders, NDR 2.0 and NDR64; input format in
 * {@link Targets#stub}.
 * Seeds: see the corpus README.
 */
class SamrStubFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.stub(data, RpcInterfaces.SAMR);
    }
}
