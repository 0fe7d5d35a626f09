package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.decoders.ntlmssp.NtlmsspLimits;
import io.impacketsensor.decoders.ntlmssp.NtlmsspParser;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz target: the NTLMSSP message parser (MS-NLMP 2.2.1) on one raw message, and the NTLMv2
 * response parser on the NT response it points at. Every offset/length pair the parser accepts
 * must lie inside the message. Seeds: the NTLMSSP messages of the shared captures (corpus README).
 */
class NtlmsspFuzzTest {
    private final NtlmsspParser parser = new NtlmsspParser(NtlmsspLimits.DEFAULTS);

    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        if (parser.parse(data, 0, data.length) != ParseStatus.OK) {
            return;
        }
        int[][] fields = {{parser.domainOff, parser.domainLen}, {parser.userOff, parser.userLen},
            {parser.workstationOff, parser.workstationLen}, {parser.lmOff, parser.lmLen}, {parser.ntOff, parser.ntLen},
            {parser.targetNameOff, parser.targetNameLen}, {parser.targetInfoOff, parser.targetInfoLen}};
        for (int[] f : fields) {
            assertTrue(f[1] == 0 || (f[0] >= 0 && f[1] > 0 && f[0] + f[1] <= data.length), "field inside the message");
        }
        if (parser.messageType == NtlmsspParser.AUTHENTICATE && parser.ntLen > 0) {
            parser.ntResponse(data, parser.ntOff, parser.ntLen);
        }
    }
}
