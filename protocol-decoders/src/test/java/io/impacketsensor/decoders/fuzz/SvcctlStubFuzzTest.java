package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.RpcInterfaces;

/**
 * Fuzz target: the svcctl (MS-SCMR) stub decoders, requests and the responses that name handles;
 * input format in {@link Targets#stub}.
 * Seeds: see the corpus README.
 */
class SvcctlStubFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.stub(data, RpcInterfaces.SVCCTL);
    }
}
