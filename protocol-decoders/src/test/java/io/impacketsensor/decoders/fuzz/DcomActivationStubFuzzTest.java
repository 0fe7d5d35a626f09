package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.RpcInterfaces;

/**
 * Fuzz target: DCOM activation (MS-DCOM ISystemActivator RemoteCreateInstance /
 * RemoteGetClassObject activation blobs, IRemoteActivation RemoteActivation): CLSID and IIDs;
 * mode bits 1-2 pick the interface; input format in {@link Targets#stub}.
 * Seeds: see the corpus README.
 */
class DcomActivationStubFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.stub(data, RpcInterfaces.REMOTE_SCM_ACTIVATOR, RpcInterfaces.IACTIVATION);
    }
}
