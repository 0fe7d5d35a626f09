package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.RpcInterfaces;

/**
 * Fuzz target: the WMI (MS-WMI IWbemLevel1Login, IWbemServices) and IDispatch request
 * decoders (ORPCTHIS, the BSTR/LPWSTR strings of ExecMethod, ExecQuery, GetObject, Invoke);
 * mode bits 1-2 pick the interface; input format in {@link Targets#stub}.
 * Seeds: see the corpus README.
 */
class WmiStubFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.stub(data, RpcInterfaces.WBEM_LEVEL1_LOGIN, RpcInterfaces.WBEM_SERVICES, RpcInterfaces.IDISPATCH);
    }
}
