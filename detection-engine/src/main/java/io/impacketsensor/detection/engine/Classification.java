package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.rules.EventKind;
import io.impacketsensor.detection.rules.EventValues;

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
    /** A DCE/RPC request's opnum, else -1. */
    int opnum = -1;
    /** The chain steps this event is, as a {@link Step} bit mask. */
    long steps;
    /** The event's single-valued fields, each read once for every rule and step that tests it. */
    final EventValues values = new EventValues();

    /**
     * Classifies {@code ev}: its kind first, which {@code learning} dispatches on when it learns DCs
     * from the event; then its chain steps, for which {@code dcs} says which hosts are domain
     * controllers (this event's lesson included).
     */
    void classify(SensorEvent ev, DcLearning learning, DomainControllers dcs) {
        values.reset(ev);
        kind = EventKind.of(ev);
        if (kind == EventKind.DCERPC_REQUEST) {
            DcerpcEvent.DcerpcRequest r = (DcerpcEvent.DcerpcRequest) ev;
            iface = RpcInterfaces.indexOf(r.interfaceUuid());
            opnum = r.opnum();
            call = RpcCall.of(iface, opnum);
        } else {
            iface = RpcInterfaces.UNKNOWN;
            opnum = -1;
            call = RpcCall.OTHER;
        }
        learning.observe(ev, kind);
        steps = Step.classify(ev, this, dcs);
    }
}
