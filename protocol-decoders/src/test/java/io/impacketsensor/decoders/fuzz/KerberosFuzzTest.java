package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.Transport;

/**
 * Fuzz target: Kerberos over TCP (RFC 4120 section 7.2.2 record marking, AS/TGS
 * requests and replies, KRB-ERROR, PA-DATA) on a {@link io.impacketsensor.core.fuzz.StreamInput}
 * of Kerberos connections (port 88).
 * Seeds: see the corpus README.
 */
class KerberosFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.drive(Targets.KERBEROS.create(Targets.ctx(Transport.TCP, 88)), data);
    }
}
