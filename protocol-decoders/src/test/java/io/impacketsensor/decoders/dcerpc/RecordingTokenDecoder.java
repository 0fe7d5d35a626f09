package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.decoders.token.TokenDecoder;
import io.impacketsensor.decoders.token.TokenSession;

import java.util.ArrayList;
import java.util.List;

/** Records the tokens the DCE/RPC analyzer hands to the shared token decoder (test fake). */
final class RecordingTokenDecoder implements TokenDecoder {
    final List<String> tokens = new ArrayList<>();
    final List<Long> results = new ArrayList<>();
    int sessions;
    int closed;

    @Override
    public TokenSession newSession(FlowContext ctx, Carrier carrier) {
        sessions++;
        return new TokenSession() {
            private String last = "none";

            @Override
            public void onToken(Direction dir, byte[] buf, int off, int len) {
                boolean ntlm = len >= 12 && new String(buf, off, 7, java.nio.charset.StandardCharsets.US_ASCII).equals("NTLMSSP");
                int type = ntlm ? buf[off + 8] : -1;
                last = ntlm ? "ntlmssp" : "unknown";
                tokens.add(carrier + " " + dir + " " + (ntlm ? "NTLMSSP" + type : "other") + " " + len);
            }

            @Override
            public void onResult(long status) {
                results.add(status);
            }

            @Override
            public String lastMechanism() {
                return last;
            }

            @Override
            public void close() {
                closed++;
            }
        };
    }

    /** A fake decodes nothing, so it has nothing to count. */
    @Override
    public void reportCounters(CounterVisitor visitor) {
    }
}
