package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.fuzz.StreamInput;
import io.impacketsensor.decoders.token.TokenSession;

/**
 * Fuzz target: the shared security-token decoder (GSS-API framing, SPNEGO NegTokenInit/Resp,
 * raw and wrapped NTLMSSP NEGOTIATE/CHALLENGE/AUTHENTICATE, GSS-API Kerberos AP-REQ handed to the
 * Kerberos decoder) over one authentication conversation. Each
 * {@link StreamInput} data record is one token as a carrier found it; a gap record is the
 * carrier's result (even length: success, odd: STATUS_LOGON_FAILURE). Seeds: the tokens of the
 * SMB, DCE/RPC and LDAP authentications in the shared captures (corpus README).
 */
class GssTokenFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        TokenSession s = Targets.TOKENS.newSession(Targets.ctx(Transport.TCP, 445), Carrier.SMB2);
        StreamInput.replay(data, new StreamInput.Sink() {
            @Override
            public boolean data(int dir, byte[] buf, int off, int len) {
                s.onToken(dir == 0 ? Direction.TO_SERVER : Direction.TO_CLIENT, buf, off, len);
                return true;
            }

            @Override
            public boolean gap(int dir, int len) {
                s.onResult((len & 1) == 0 ? 0 : 0xC000006DL);
                return true;
            }
        });
        s.lastMechanism();
        s.close();
    }
}
