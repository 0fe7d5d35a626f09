package io.impacketsensor.decoders.kerberos;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.KerberosEvent.KerberosApRequest;
import io.impacketsensor.core.event.KerberosEvent.KerberosError;
import io.impacketsensor.core.event.KerberosEvent.KerberosReply;
import io.impacketsensor.core.event.KerberosEvent.KerberosRequest;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.flow.FlowContext;


/**
 * Builds the Kerberos events from the fields of the message {@link KerberosParser} just parsed,
 * and the anomaly records; the only place in this package where events are created.
 */
final class KerberosEvents {
    private KerberosEvents() {
    }

    /** The AS-REQ/TGS-REQ just parsed. */
    static KerberosRequest request(KerberosParser p, EventHeader h) {
        return new KerberosRequest(h, p.msgType, p.intLists.of(p.padataTypes), p.encTimestampEtype, p.pacRequest,
                p.forUserName, p.forUserRealm, p.forUserChecksumType, p.s4uX509User, p.pacOptions, p.fast,
                p.tgsTicket, p.kdcOptions, p.cname, p.realm, p.sname, p.from, p.till, p.rtime, p.nonce,
                p.intLists.of(p.etypes), p.addressesPresent, p.ticketLists.of(p.additionalTickets));
    }

    /** The AS-REP/TGS-REP just parsed, tied to {@code req} (may be null). */
    static KerberosReply reply(KerberosParser p, EventHeader h, KerberosRequest req) {
        return new KerberosReply(h, p.msgType, p.realm, p.cname, p.ticket, p.encPartEtype, req,
                p.intLists.of(p.padataTypes));
    }

    /** The KRB-ERROR just parsed, tied to {@code req} (may be null). */
    static KerberosError error(KerberosParser p, EventHeader h, KerberosRequest req) {
        return new KerberosError(h, p.errorCode, p.eText, p.realm, p.sname, p.cname, req);
    }

    /** The AP-REQ just parsed, found in a token carried by {@code carrier}. */
    static KerberosApRequest apRequest(KerberosParser p, EventHeader h, Carrier carrier) {
        return new KerberosApRequest(h, carrier, p.apOptions, p.ticket, p.encPartEtype);
    }

    /** An anomaly record: the anomaly's event name and a detail naming what was seen. */
    static void anomaly(FlowContext ctx, KerberosAnomaly a, String detail) {
        ctx.emit(new ProtocolAnomaly(ctx.header(), a.eventName(), detail));
    }
}
