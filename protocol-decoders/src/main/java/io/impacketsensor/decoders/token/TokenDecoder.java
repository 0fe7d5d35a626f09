package io.impacketsensor.decoders.token;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.spi.CounterVisitor;

/**
 * The one shared security-token decoder of a decode worker (SPNEGO, raw NTLMSSP, GSS-API
 * Kerberos), used by SMB2 SESSION_SETUP, DCE/RPC auth trailers, LDAP binds and HTTP. It emits the
 * {@code Ntlm*} and {@code KerberosApRequest} events itself, through the carrier flow's context.
 */
public interface TokenDecoder {

    /** State for one authentication conversation (one SMB2 connection, RPC connection, LDAP connection). */
    TokenSession newSession(FlowContext ctx, Carrier carrier);

    /**
     * Reports the counters of the sessions this decoder created ({@code proto.gssapi.*},
     * {@code proto.ntlmssp.*}): plain fields written by the worker's thread, like a factory's.
     */
    void reportCounters(CounterVisitor visitor);
}
