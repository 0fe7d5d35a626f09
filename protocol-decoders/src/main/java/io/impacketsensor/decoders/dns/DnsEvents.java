package io.impacketsensor.decoders.dns;

import io.impacketsensor.core.event.DnsEvent.DcLocatorAnswer;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.flow.FlowContext;

import java.util.List;

/**
 * Builds the DNS events from the fields of the message {@link DnsParser} just parsed, and the
 * anomaly records; the only place in this package where events are created.
 */
final class DnsEvents {
    private DnsEvents() {
    }

    /** The DC locator answer just parsed. */
    static DcLocatorAnswer dcLocator(DnsParser p, EventHeader h) {
        return new DcLocatorAnswer(h, p.id, p.query, List.copyOf(p.targets), List.copyOf(p.addresses));
    }

    /** An anomaly record: the anomaly's event name and a detail naming what was seen. */
    static void anomaly(FlowContext ctx, DnsAnomaly a, String detail) {
        ctx.emit(new ProtocolAnomaly(ctx.header(), a.eventName(), detail));
    }
}
