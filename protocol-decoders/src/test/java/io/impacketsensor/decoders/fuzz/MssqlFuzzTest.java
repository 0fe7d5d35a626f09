package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.Transport;

/**
 * Fuzz target: TDS over TCP (packet framing, messages over several packets, PRELOGIN and its
 * encryption outcome, LOGIN7, SSPI messages, the login response's tokens, SQL batch text) on a
 * {@link io.impacketsensor.core.fuzz.StreamInput} of SQL Server connections (port 1433). Seeds:
 * see the corpus README.
 */
class MssqlFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.drive(Targets.MSSQL.create(Targets.ctx(Transport.TCP, 1433)), data);
    }
}
