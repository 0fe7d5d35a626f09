package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.MssqlEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.rules.EventKind;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.detection.config.EngineConfig;

/**
 * Says which of the relay-side layers an event feeds: NTLM messages go to the same-challenge and
 * same-proof correlation ({@link RelayLayer}), the relay timing across carriers ({@link RelayLegs})
 * and the coerced server's authentication ({@link CoercionLayer}); a Kerberos AP-REQ is such an
 * authentication too; DCE/RPC requests and SQL batches may be coercion calls that name a listener; SMB2 NEGOTIATEs
 * give a relay leg's signing posture; everything else may be what a relayed session does on its
 * target. Allocates nothing per event.
 */
final class RelayRouting {
    private final RelayLayer relay;
    private final CoercionLayer coercion;
    private final RelayLegs legs;

    RelayRouting(EngineConfig.Relay cfg) {
        this.relay = new RelayLayer(cfg);
        this.coercion = new CoercionLayer(cfg);
        this.legs = new RelayLegs(cfg, coercion);
    }

    /** Routes {@code ev}, of kind {@code kind} (its family decides, not the family interfaces: EventKind.of says why). */
    void route(SensorEvent ev, EventKind kind, Evidence e) {
        if (kind.ntlm()) {
            NtlmEvent n = (NtlmEvent) ev;
            relay.analyse(n, e);
            legs.ntlm(n, e);
            coercion.authentication(ev, e);
            return;
        }
        if (ev instanceof DcerpcEvent.DcerpcRequest r) {
            coercion.request(r);
        } else if (ev instanceof KerberosEvent.KerberosApRequest) {
            coercion.authentication(ev, e);
        } else if (ev instanceof MssqlEvent.MssqlBatch b) {
            coercion.batch(b);
        } else if (ev instanceof SmbEvent.Smb2Negotiate sn) {
            legs.smbNegotiate(sn);
        }
        legs.followUp(ev, e);
    }
}
