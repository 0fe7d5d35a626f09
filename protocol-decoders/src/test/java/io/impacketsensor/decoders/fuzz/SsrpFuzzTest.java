package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.Transport;

/**
 * Fuzz target: the SQL Server Browser analyzer ([MC-SQLR], one message per datagram), each
 * {@link io.impacketsensor.core.fuzz.StreamInput} record one datagram to or from UDP port 1434.
 * Seeds: see the corpus README.
 */
class SsrpFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.drive(Targets.SSRP.create(Targets.ctx(Transport.UDP, 1434)), data);
    }
}
