package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.Transport;

/**
 * Fuzz target: the SMB analyzer's entry point, NBSS framing and the hand-over by protocol id to
 * SMB2/3 and SMB1, with named-pipe data going to the
 * DCE/RPC analyzer and SESSION_SETUP tokens to the shared SPNEGO/NTLMSSP/Kerberos decoder, on a
 * {@link io.impacketsensor.core.fuzz.StreamInput} of an SMB connection (port 445).
 * Seeds: see the corpus README.
 */
class SmbFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.drive(Targets.SMB.create(Targets.ctx(Transport.TCP, 445)), data);
    }
}
