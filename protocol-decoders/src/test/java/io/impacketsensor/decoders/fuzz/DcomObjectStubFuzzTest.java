package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.RpcInterfaces;

/**
 * Fuzz target: DCOM object tracking's stubs (MS-DCOM IRemUnknown2 RemQueryInterface / RemAddRef /
 * RemRelease requests and REMQIRESULT answers, IObjectExporter ResolveOxid2 / ServerAlive2 string
 * bindings; other opnums run the OBJREF scan of an ORPC answer); mode bits 1-2 pick the interface;
 * input format in {@link Targets#stub}. Seeds: see the corpus README.
 */
class DcomObjectStubFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.stub(data, RpcInterfaces.REM_UNKNOWN2, RpcInterfaces.OBJECT_EXPORTER);
    }
}
