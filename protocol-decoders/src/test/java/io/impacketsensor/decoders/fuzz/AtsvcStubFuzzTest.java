package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.RpcInterfaces;

/**
 * Fuzz target: the ATSvc NetrJobAdd (MS-TSCH 3.2.5.2) request decoder, NDR 2.0 and NDR64;
 * input format in {@link Targets#stub}.
 * Seeds: see the corpus README.
 */
class AtsvcStubFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.stub(data, RpcInterfaces.ATSVC);
    }
}
