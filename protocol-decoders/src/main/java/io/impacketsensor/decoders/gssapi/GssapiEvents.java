package io.impacketsensor.decoders.gssapi;

import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.flow.FlowContext;

/**
 * Builds the records of this package: only anomalies, since a GSS-API/SPNEGO token becomes the
 * NTLM or Kerberos events of the mechanism it carries. The only place here where events are created.
 */
final class GssapiEvents {
    private GssapiEvents() {
    }

    /** An anomaly record: the anomaly's event name and a detail naming what was seen. */
    static void anomaly(FlowContext ctx, GssapiAnomaly a, String detail) {
        ctx.emit(new ProtocolAnomaly(ctx.header(), a.eventName(), detail));
    }
}
