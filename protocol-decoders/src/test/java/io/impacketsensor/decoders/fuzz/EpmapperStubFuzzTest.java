package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.RpcInterfaces;

/**
 * Fuzz target: the endpoint mapper (C706 appendix O, MS-RPCE 2.2.1.2) ept_map request and
 * response (towers, the announced port); input format in {@link Targets#stub}.
 * Seeds: see the corpus README.
 */
class EpmapperStubFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.stub(data, RpcInterfaces.EPMAPPER);
    }
}
