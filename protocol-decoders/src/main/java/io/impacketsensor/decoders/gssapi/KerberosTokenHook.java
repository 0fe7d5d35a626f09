package io.impacketsensor.decoders.gssapi;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowContext;

/**
 * Where the token decoder hands Kerberos messages found inside GSS tokens (RFC 4121 4.1: after the
 * KRB5 OID and the 2-byte TOK_ID, an AP-REQ or AP-REP). The Kerberos package implements it.
 */
@FunctionalInterface
public interface KerberosTokenHook {

    /** Does nothing: the mechanism is recorded, the message not decoded. */
    KerberosTokenHook NONE = (ctx, carrier, dir, buf, off, len) -> { };

    /** A DER-encoded Kerberos message (AP-REQ [APPLICATION 14], AP-REP [15], KRB-ERROR [30]). */
    void onKerberosMessage(FlowContext ctx, Carrier carrier, Direction dir, byte[] buf, int off, int len);
}
