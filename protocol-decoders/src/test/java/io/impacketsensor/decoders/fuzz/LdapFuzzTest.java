package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.Transport;

/**
 * Fuzz target: LDAP over TCP (BER framing, binds simple/SASL/Sicily with their tokens,
 * search filters rendered to RFC 4515 text, SASL-wrapped layers, results) on a
 * {@link io.impacketsensor.core.fuzz.StreamInput} of LDAP connections (port 389).
 * Seeds: see the corpus README.
 */
class LdapFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.drive(Targets.LDAP.create(Targets.ctx(Transport.TCP, 389)), data);
    }
}
