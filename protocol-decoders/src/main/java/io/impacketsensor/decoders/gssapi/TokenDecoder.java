package io.impacketsensor.decoders.gssapi;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.flow.FlowContext;

/**
 * The one shared security-token decoder (SPNEGO, raw NTLMSSP, GSS-API Kerberos), used by SMB2
 * SESSION_SETUP, DCE/RPC auth trailers, LDAP binds and HTTP. It emits the {@code Ntlm*} and
 * {@code KerberosApRequest} events itself, through the carrier flow's context.
 */
public interface TokenDecoder {

    /** State for one authentication conversation (one SMB2 connection, RPC connection, LDAP connection). */
    TokenSession newSession(FlowContext ctx, Carrier carrier);
}
