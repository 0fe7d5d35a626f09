package io.impacketsensor.decoders.kerberos;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.decoders.gssapi.KerberosTokenHook;

/**
 * Decodes the Kerberos messages the shared token decoder finds inside GSS tokens (RFC 4121 4.1:
 * AP-REQ, AP-REP, KRB-ERROR after the KRB5 OID and TOK_ID) in SMB2 SESSION_SETUP, DCE/RPC auth
 * trailers and LDAP SASL binds. An AP-REQ becomes a {@code KerberosApRequest} naming its carrier;
 * a KRB-ERROR becomes a {@code KerberosError}; an AP-REP says nothing the events need. A malformed
 * message is an anomaly; the carrier's flow goes on (the carrier owns it).
 */
public final class KerberosTokenHandler implements KerberosTokenHook {
    private final KerberosParser parser;
    private final KerberosCounters counters;

    KerberosTokenHandler(KerberosLimits limits, KerberosCounters counters) {
        this.parser = new KerberosParser(limits);
        this.counters = counters;
    }

    /** A handler with default limits and its own counters (for wiring and tests). */
    public KerberosTokenHandler() {
        this(KerberosLimits.DEFAULTS, new KerberosCounters());
    }

    @Override
    public void onKerberosMessage(FlowContext ctx, Carrier carrier, Direction dir, byte[] buf, int off, int len) {
        if (parser.parse(buf, off, len) != ParseStatus.OK) {
            counters.parserError++;
            KerberosEvents.anomaly(ctx, parser.anomaly(),
                    "kerberos token of " + len + " bytes in " + carrier.name().toLowerCase(java.util.Locale.ROOT));
            return;
        }
        counters.pdus++;
        if (parser.msgType == 14) {
            ctx.emit(KerberosEvents.apRequest(parser, ctx.header(), carrier));
        } else if (parser.msgType == 30) {
            ctx.emit(KerberosEvents.error(parser, ctx.header(), null));
        }
    }
}
