package io.impacketsensor.decoders.ssrp;

import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SsrpEvent.SsrpRequest;
import io.impacketsensor.core.event.SsrpEvent.SsrpResponse;
import io.impacketsensor.core.flow.FlowContext;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds the SQL Server Resolution Protocol events from the fields of the datagram {@link SsrpParser}
 * just parsed, and the anomaly records; the only place in this package where events are created.
 * Instance names are MBCS in the server's code page ([MC-SQLR] 2.2.3); they are read as Latin-1, which
 * keeps every byte.
 */
final class SsrpEvents {
    private SsrpEvents() {
    }

    /** The request just parsed. */
    static SsrpRequest request(SsrpParser p, EventHeader h) {
        String instance = p.nameLen == 0 ? "" : new String(p.buf, p.nameOff, p.nameLen, StandardCharsets.ISO_8859_1);
        return new SsrpRequest(h, p.opcode, instance, p.length);
    }

    /** The answer just parsed. */
    static SsrpResponse response(SsrpParser p, EventHeader h) {
        String[] names = new String[p.names];
        for (int i = 0; i < p.names; i++) {
            names[i] = new String(p.buf, p.nameOffs[i], p.nameLens[i], StandardCharsets.ISO_8859_1);
        }
        return new SsrpResponse(h, p.instanceCount, List.of(names), p.dacPort);
    }

    /** An anomaly record: the anomaly's event name and a detail naming what was seen. */
    static void anomaly(FlowContext ctx, SsrpAnomaly a, String detail) {
        ctx.emit(new ProtocolAnomaly(ctx.header(), a.eventName(), detail));
    }
}
