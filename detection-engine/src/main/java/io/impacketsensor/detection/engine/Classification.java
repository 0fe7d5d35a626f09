package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.rules.EventKind;

/**
 * What one event is, decided once per event before any layer runs: its {@link EventKind}, for a
 * DCE/RPC request its interface and {@link RpcCall}, and the attack-chain {@link Step}s it is. The
 * signature and anomaly layers select their data rules with it and dispatch on it, the chain layer
 * advances on its steps; none of them re-derives it from the event. One instance per engine,
 * overwritten for every event (the engine is single-threaded): no allocation.
 */
final class Classification {
    EventKind kind = EventKind.OTHER;
    /** {@link RpcInterfaces} index of a DCE/RPC request's interface, else {@link RpcInterfaces#UNKNOWN}. */
    int iface = RpcInterfaces.UNKNOWN;
    /** What a DCE/RPC request does ({@link RpcCall#OTHER} for any other event). */
    RpcCall call = RpcCall.OTHER;
    /** The chain steps this event is, as a {@link Step} bit mask. */
    long steps;

    /** Classifies {@code ev}; {@code dcs} says which hosts are domain controllers (learnt before this). */
    void classify(SensorEvent ev, DomainControllers dcs) {
        kind = EventKind.of(ev);
        if (kind == EventKind.DCERPC_REQUEST) {
            DcerpcEvent.DcerpcRequest r = (DcerpcEvent.DcerpcRequest) ev;
            iface = RpcInterfaces.indexOf(r.interfaceUuid());
            call = RpcCall.of(iface, r.opnum());
        } else {
            iface = RpcInterfaces.UNKNOWN;
            call = RpcCall.OTHER;
        }
        steps = Step.classify(ev, this, dcs);
    }
}
