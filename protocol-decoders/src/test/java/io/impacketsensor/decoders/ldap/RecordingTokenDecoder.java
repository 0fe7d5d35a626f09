package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.wire.Hex;
import io.impacketsensor.decoders.token.TokenDecoder;
import io.impacketsensor.decoders.token.TokenSession;

import java.util.ArrayList;
import java.util.List;

/** A fake of the shared token decoder (branch smb2) that records what the LDAP analyzer hands it. */
final class RecordingTokenDecoder implements TokenDecoder {
    final List<String> calls = new ArrayList<>();
    int sessions;

    @Override
    public TokenSession newSession(FlowContext ctx, Carrier carrier) {
        sessions++;
        calls.add("session " + carrier);
        return new TokenSession() {
            @Override
            public void onToken(Direction dir, byte[] buf, int off, int len) {
                calls.add("token " + dir + " " + Hex.encode(buf, off, Math.min(len, 8)));
            }

            @Override
            public void onResult(long status) {
                calls.add("result " + status);
            }

            @Override
            public String lastMechanism() {
                return "none";
            }

            @Override
            public void close() {
                calls.add("close");
            }
        };
    }

    /** A fake decodes nothing, so it has nothing to count. */
    @Override
    public void reportCounters(CounterVisitor visitor) {
    }
}
