package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.Transport;

/**
 * Fuzz target: CLDAP (LDAP over UDP, one message per datagram, RFC 1798 / MS-ADTS
 * 6.3.3 netlogon pings): each {@link io.impacketsensor.core.fuzz.StreamInput} record is one
 * datagram to or from port 389.
 * Seeds: see the corpus README.
 */
class CldapFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.drive(Targets.LDAP.create(Targets.ctx(Transport.UDP, 389)), data);
    }
}
