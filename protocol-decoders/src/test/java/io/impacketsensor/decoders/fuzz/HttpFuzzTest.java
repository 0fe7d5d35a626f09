package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.Transport;

/**
 * Fuzz target: HTTP/1.x over TCP (header sections split anywhere, Content-Length and chunked
 * framing, pipelined requests paired with responses, NTLM/Negotiate/Kerberos credentials handed
 * to the token decoder) on a {@link io.impacketsensor.core.fuzz.StreamInput} of HTTP connections
 * (port 80). Seeds: see the corpus README.
 */
class HttpFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Targets.drive(Targets.HTTP.create(Targets.ctx(Transport.TCP, 80)), data);
    }
}
