package io.impacketsensor.decoders.gssapi;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.decoders.ntlmssp.NtlmsspLimits;

/**
 * The one shared {@link TokenDecoder}: SPNEGO, raw NTLMSSP and GSS-API Kerberos tokens, from SMB2
 * SESSION_SETUP, DCE/RPC auth trailers, LDAP binds. Kerberos messages go to the injected hook.
 */
public final class GssTokenDecoder implements TokenDecoder {
    private final KerberosTokenHook kerberos;
    private final GssapiLimits limits;
    private final NtlmsspLimits ntlmLimits;

    /** Defaults for every limit. */
    public GssTokenDecoder(KerberosTokenHook kerberos) {
        this(kerberos, GssapiLimits.DEFAULTS, NtlmsspLimits.DEFAULTS);
    }

    public GssTokenDecoder(KerberosTokenHook kerberos, GssapiLimits limits, NtlmsspLimits ntlmLimits) {
        this.kerberos = kerberos == null ? KerberosTokenHook.NONE : kerberos;
        this.limits = limits;
        this.ntlmLimits = ntlmLimits;
    }

    @Override
    public TokenSession newSession(FlowContext ctx, Carrier carrier) {
        return new GssapiAnalyzer(ctx, carrier, limits, ntlmLimits, kerberos);
    }
}
