package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.DcerpcEvent.Context;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.flow.FlowContext;

import java.util.List;
import java.util.UUID;

/**
 * Builds and emits the {@link DcerpcEvent} records of one connection or pipe, and its anomaly
 * records; the only place in this package where events are created.
 */
final class DcerpcEvents {
    private DcerpcEvents() {
    }

    /** A BIND or ALTER_CONTEXT with the results of its ack, or {@code nak}. */
    static void bind(FlowContext ctx, String namedPipe, boolean alter, int callId, int maxXmit, int maxRecv,
                     List<Context> contexts, int authType, int authLevel, long authContextId, boolean nak,
                     int versionMinor) {
        ctx.emit(new DcerpcEvent.DcerpcBind(ctx.header(), namedPipe, alter, callId, maxXmit, maxRecv,
                List.copyOf(contexts), authType, authLevel, authContextId, nak, versionMinor));
    }

    /**
     * A BIND_ACK or ALTER_CONTEXT_RESP whose request was not captured (Suricata's REQUEST_LOST
     * transaction): the server's fragment sizes, no contexts.
     */
    static void ackWithoutRequest(FlowContext ctx, String namedPipe, boolean alter, int callId, int maxXmit,
                                  int maxRecv, int versionMinor) {
        ctx.emit(new DcerpcEvent.DcerpcBind(ctx.header(), namedPipe, alter, callId, maxXmit, maxRecv, List.of(), 0, 0,
                -1, false, versionMinor, true));
    }

    /** A whole REQUEST (all its fragments), with its decoded arguments or null. */
    static void request(FlowContext ctx, String namedPipe, CallAssembly a, RpcArgs args, int versionMinor) {
        ctx.emit(new DcerpcEvent.DcerpcRequest(ctx.header(), namedPipe, a.callId, a.contextId, a.uuid, a.opnum,
                a.objectUuid, a.sealed, (int) Math.min(Integer.MAX_VALUE, a.total), a.fragments, a.authType,
                a.authLevel, args, a.uuid == null ? null : a.source, a.clsid, versionMinor,
                (int) Math.min(Integer.MAX_VALUE, a.body)));
    }

    /** A whole RESPONSE, with its decoded result or null. */
    static void response(FlowContext ctx, String namedPipe, CallAssembly a, RpcArgs result, int versionMinor) {
        ctx.emit(new DcerpcEvent.DcerpcResponse(ctx.header(), namedPipe, a.callId, a.uuid, a.opnum, a.sealed,
                (int) Math.min(Integer.MAX_VALUE, a.total), result, a.fragments, versionMinor,
                (int) Math.min(Integer.MAX_VALUE, a.body)));
    }

    /** A FAULT, tied to its request's interface and opnum when known. */
    static void fault(FlowContext ctx, String namedPipe, int callId, UUID uuid, int opnum, long status,
                      int versionMinor) {
        ctx.emit(new DcerpcEvent.DcerpcFault(ctx.header(), namedPipe, callId, uuid, opnum, status, versionMinor));
    }

    /** An anomaly record: the anomaly's event name and a detail naming what was seen where. */
    static void anomaly(FlowContext ctx, DcerpcAnomaly a, String detail) {
        ctx.emit(new ProtocolAnomaly(ctx.header(), a.eventName(), detail));
    }
}
