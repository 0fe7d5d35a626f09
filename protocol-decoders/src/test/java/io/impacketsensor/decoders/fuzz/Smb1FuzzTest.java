package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.Transport;

/**
 * Fuzz target: the SMB1 dialect behind NBSS (negotiate, SESSION_SETUP_ANDX, TREE_CONNECT,
 * NT_CREATE, transactions and pipe I/O), entered through the SMB analyzer as in production, on a
 * {@link io.impacketsensor.core.fuzz.StreamInput} of SMB1 connections (port 139/445).
 * Seeds: see the corpus README.
 */
class Smb1FuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.drive(Targets.SMB.create(Targets.ctx(Transport.TCP, 139)), data);
    }
}
