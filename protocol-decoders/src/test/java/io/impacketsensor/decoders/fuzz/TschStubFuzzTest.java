package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.RpcInterfaces;

/**
 * Fuzz target: the Task Scheduler (MS-TSCH ITaskSchedulerService) request stub decoders;
 * input format in {@link Targets#stub}.
 * Seeds: see the corpus README.
 */
class TschStubFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.stub(data, RpcInterfaces.TSCH);
    }
}
