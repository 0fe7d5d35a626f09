package io.impacketsensor.decoders.smb;

import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.flow.FlowContext;

/** The events of the NBSS framing: its anomalies. The SMB1 and SMB2 analyzers build their own. */
final class SmbEvents {
    private SmbEvents() {
    }

    /** An anomaly record: the anomaly's event name and a detail naming what was seen. */
    static void anomaly(FlowContext ctx, SmbAnomaly a, String detail) {
        ctx.emit(new ProtocolAnomaly(ctx.header(), a.eventName(), detail));
    }
}
