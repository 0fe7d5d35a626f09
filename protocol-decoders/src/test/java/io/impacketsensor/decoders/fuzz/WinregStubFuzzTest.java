package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.RpcInterfaces;

/**
 * Fuzz target: the winreg (MS-RRP) stub decoders, requests and handle-naming responses;
 * input format in {@link Targets#stub}.
 * Seeds: see the corpus README.
 */
class WinregStubFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.stub(data, RpcInterfaces.WINREG);
    }
}
