package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.RpcInterfaces;

/**
 * Fuzz target: the srvsvc (MS-SRVS) request stub decoders; input format in
 * {@link Targets#stub}.
 * Seeds: see the corpus README.
 */
class SrvsvcStubFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.stub(data, RpcInterfaces.SRVSVC);
    }
}
