package io.impacketsensor.decoders.gssapi;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.decoders.ntlmssp.NtlmsspCounters;
import io.impacketsensor.decoders.ntlmssp.NtlmsspLimits;
import io.impacketsensor.decoders.ntlmssp.NtlmsspParser;
import io.impacketsensor.decoders.token.TokenDecoder;
import io.impacketsensor.decoders.token.TokenSession;

/**
 * The one shared {@link TokenDecoder}: SPNEGO, raw NTLMSSP and GSS-API Kerberos tokens, from SMB2
 * SESSION_SETUP, DCE/RPC auth trailers, LDAP binds. Kerberos messages go to the injected hook.
 * One instance per decode worker: it holds that worker's {@link GssapiCounters} and
 * {@link NtlmsspCounters}.
 */
public final class GssTokenDecoder implements TokenDecoder {
    private final KerberosTokenHook kerberos;
    private final GssapiLimits limits;
    private final NtlmsspLimits ntlmLimits;
    private final GssapiCounters counters = new GssapiCounters();
    private final NtlmsspCounters ntlmCounters = new NtlmsspCounters();
    /** The worker's one parser, lent to every session (a worker decodes one token at a time). */
    private final GssapiParser parser;
    private final NtlmsspParser ntlmParser;

    /** Defaults for every limit. */
    public GssTokenDecoder(KerberosTokenHook kerberos) {
        this(kerberos, GssapiLimits.DEFAULTS, NtlmsspLimits.DEFAULTS);
    }

    public GssTokenDecoder(KerberosTokenHook kerberos, GssapiLimits limits, NtlmsspLimits ntlmLimits) {
        this.kerberos = kerberos == null ? KerberosTokenHook.NONE : kerberos;
        this.limits = limits;
        this.ntlmLimits = ntlmLimits;
        this.parser = new GssapiParser(limits);
        this.ntlmParser = new NtlmsspParser(ntlmLimits);
    }

    @Override
    public TokenSession newSession(FlowContext ctx, Carrier carrier) {
        return new GssapiAnalyzer(ctx, carrier, limits, kerberos, counters, ntlmCounters, parser, ntlmParser);
    }

    @Override
    public void reportCounters(CounterVisitor visitor) {
        counters.report(visitor);
        ntlmCounters.report(visitor);
    }
}
