package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.LdapEvent.BindType;
import io.impacketsensor.core.event.LdapEvent.LdapAdd;
import io.impacketsensor.core.event.LdapEvent.LdapBind;
import io.impacketsensor.core.event.LdapEvent.LdapModify;
import io.impacketsensor.core.event.LdapEvent.LdapOperation;
import io.impacketsensor.core.event.LdapEvent.LdapSealed;
import io.impacketsensor.core.event.LdapEvent.LdapSearch;
import io.impacketsensor.core.event.LdapEvent.LdapStartTls;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.flow.FlowContext;

/**
 * Builds and emits the {@link LdapEvent} records of one flow from its paired requests
 * ({@link LdapPending}) and its anomaly records; the only place in this package where events are
 * created.
 */
final class LdapEvents {
    private LdapEvents() {
    }

    /**
     * A request paired with its result ({@code resultCode} -1: the flow ended first); {@code matchedDn}
     * and {@code diagnostic} are the result's, null without one.
     */
    static void request(FlowContext ctx, LdapPending.Request r, int resultCode, String diagnostic, String matchedDn,
                        boolean cldap) {
        switch (r.op) {
            case LdapParser.BIND_REQUEST:
                ctx.emit(new LdapBind(ctx.header(), r.messageId, r.version, r.name, bindType(r.authTag),
                        r.mechanism, r.password, resultCode, diagnostic));
                break;
            case LdapParser.SEARCH_REQUEST:
                ctx.emit(new LdapSearch(ctx.header(), r.messageId, r.base, r.scope, r.deref, r.sizeLimit,
                        r.timeLimit, r.typesOnly, r.filter, r.attributes, r.controls, r.pagedSize, resultCode,
                        r.entries, cldap, r.kept == null ? java.util.List.of() : java.util.List.copyOf(r.kept),
                        matchedDn, diagnostic));
                break;
            case LdapParser.ADD_REQUEST:
                ctx.emit(new LdapAdd(ctx.header(), r.messageId, r.name, r.addAttributes, resultCode));
                break;
            case LdapParser.MODIFY_REQUEST:
                ctx.emit(new LdapModify(ctx.header(), r.messageId, r.name, r.modifications, resultCode));
                break;
            default:
                ctx.emit(new LdapOperation(ctx.header(), r.messageId, r.op, r.name == null ? "" : r.name,
                        resultCode));
                break;
        }
    }

    /** An answer whose request the flow did not carry ({@link LdapReplies}). */
    static void reply(FlowContext ctx, int messageId, int protocolOp, int resultCode, int previousBindId,
                      LdapEvent.ReplyShape shape, java.util.List<LdapEvent.SearchEntry> entries, String matchedDn,
                      String diagnostic) {
        ctx.emit(new LdapEvent.LdapReply(ctx.header(), messageId, protocolOp, resultCode, previousBindId, shape, entries,
                matchedDn, diagnostic));
    }

    /** An UnbindRequest (it has no response). */
    static void unbind(FlowContext ctx, int messageId) {
        ctx.emit(new LdapOperation(ctx.header(), messageId, LdapParser.UNBIND_REQUEST, "", -1));
    }

    /** The SASL security layer seals the rest of the flow. */
    static void sealed(FlowContext ctx, String mechanism) {
        ctx.emit(new LdapSealed(ctx.header(), mechanism));
    }

    /** StartTLS succeeded: the rest of the flow is TLS. */
    static void startTls(FlowContext ctx) {
        ctx.emit(new LdapStartTls(ctx.header()));
    }

    /** An anomaly record: the anomaly's event name and a detail naming what was seen. */
    static void anomaly(FlowContext ctx, LdapAnomaly a, String detail) {
        ctx.emit(new ProtocolAnomaly(ctx.header(), a.eventName(), detail));
    }

    /** AuthenticationChoice tag to the event's kind (RFC 4511 4.2; MS-ADTS 5.1.1.1.3 for 9-11). */
    static BindType bindType(int authTag) {
        switch (authTag) {
            case 0:
                return BindType.SIMPLE;
            case 9:
                return BindType.SICILY_DISCOVERY;
            case 10:
                return BindType.SICILY_NEGOTIATE;
            case 11:
                return BindType.SICILY_RESPONSE;
            default:
                return BindType.SASL;
        }
    }
}
