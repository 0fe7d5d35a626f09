package io.impacketsensor.decoders.gssapi;

import io.impacketsensor.core.collections.ReusePool;
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
    /** Enough for the conversations a worker ends between two that start; more only holds memory. */
    static final int POOLED = 32;
    /**
     * Sessions of ended conversations, for this worker's next ones: nearly every SMB, DCE/RPC,
     * LDAP and HTTP connection authenticates once, and a new session (and NTLM conversation) per
     * connection was about 1 % of the worker's allocation.
     */
    private final ReusePool<GssapiAnalyzer> pool = new ReusePool<>(POOLED);

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
        GssapiAnalyzer kept = pool.take();
        if (kept != null) {
            kept.reuse(ctx, carrier);
            return kept;
        }
        return new GssapiAnalyzer(ctx, carrier, limits, kerberos, counters, ntlmCounters, parser, ntlmParser, pool);
    }

    /** Sessions kept for the next conversations (tests). */
    int pooled() {
        return pool.size();
    }

    @Override
    public void reportCounters(CounterVisitor visitor) {
        counters.report(visitor);
        ntlmCounters.report(visitor);
    }
}
