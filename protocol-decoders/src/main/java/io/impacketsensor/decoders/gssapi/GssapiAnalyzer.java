package io.impacketsensor.decoders.gssapi;

import io.impacketsensor.core.collections.ReusePool;
import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.decoders.ntlmssp.NtlmsspAnalyzer;
import io.impacketsensor.decoders.ntlmssp.NtlmsspCounters;
import io.impacketsensor.decoders.ntlmssp.NtlmsspLimits;
import io.impacketsensor.decoders.ntlmssp.NtlmsspParser;
import io.impacketsensor.decoders.token.TokenSession;

/**
 * One authentication conversation's {@link TokenSession}: unwraps GSS/SPNEGO layers (at most
 * {@link GssapiLimits#maxDepth()}, iteratively) and routes the innermost token to NTLMSSP or to the
 * Kerberos hook. The NTLM state (server challenge, held AUTHENTICATE) lives in the
 * {@link NtlmsspAnalyzer} it owns, another {@link TokenSession} it drives as a carrier would.
 */
public final class GssapiAnalyzer implements TokenSession {
    private FlowContext ctx;
    private Carrier carrier;
    private final GssapiLimits limits;
    private final KerberosTokenHook kerberos;
    private final GssapiParser parser;
    private final GssapiCounters counters;
    private final NtlmsspParser ntlmParser;
    private final NtlmsspCounters ntlmCounters;
    /** The NTLM conversation, made at the first NTLMSSP token (a Kerberos conversation has none). */
    private NtlmsspAnalyzer ntlm;
    /** The NTLM conversation of this session's previous use, reset and taken at the first NTLMSSP token. */
    private NtlmsspAnalyzer spareNtlm;
    private String lastMechanism = "none";
    /** Where the session goes after its {@link #close} (null: nowhere). */
    private final ReusePool<GssapiAnalyzer> pool;
    /** Set by {@link #close}: a second close must not hand the session to the pool twice. */
    private boolean closed;

    public GssapiAnalyzer(FlowContext ctx, Carrier carrier, GssapiLimits limits, NtlmsspLimits ntlmLimits,
                          KerberosTokenHook kerberos, GssapiCounters counters, NtlmsspCounters ntlmCounters) {
        this(ctx, carrier, limits, kerberos, counters, ntlmCounters, new GssapiParser(limits),
                new NtlmsspParser(ntlmLimits));
    }

    /**
     * @param parser     the worker's parser, shared by its sessions: it holds nothing between tokens,
     *                   and a token is parsed to its end before anything it carries is handed on
     * @param ntlmParser the worker's NTLMSSP parser, lent likewise to the NTLM conversations
     */
    GssapiAnalyzer(FlowContext ctx, Carrier carrier, GssapiLimits limits, KerberosTokenHook kerberos,
                   GssapiCounters counters, NtlmsspCounters ntlmCounters, GssapiParser parser,
                   NtlmsspParser ntlmParser) {
        this(ctx, carrier, limits, kerberos, counters, ntlmCounters, parser, ntlmParser, null);
    }

    /** @param pool where the session goes after its close, for the worker's next conversation */
    GssapiAnalyzer(FlowContext ctx, Carrier carrier, GssapiLimits limits, KerberosTokenHook kerberos,
                   GssapiCounters counters, NtlmsspCounters ntlmCounters, GssapiParser parser,
                   NtlmsspParser ntlmParser, ReusePool<GssapiAnalyzer> pool) {
        this.pool = pool;
        this.ctx = ctx;
        this.carrier = carrier;
        this.limits = limits;
        this.kerberos = kerberos;
        this.parser = parser;
        this.counters = counters;
        this.ntlmParser = ntlmParser;
        this.ntlmCounters = ntlmCounters;
    }

    @Override
    public void onToken(Direction dir, byte[] buf, int off, int len) {
        counters.pdus++;
        String mech = "spnego";
        for (int depth = 0; ; depth++) {
            if (depth >= limits.maxDepth()) {
                anomaly(GssapiAnomaly.TOO_DEEP, "depth " + depth);
                mech = "unknown";
                break;
            }
            if (parser.parse(buf, off, len) != ParseStatus.OK) {
                anomaly(parser.error, len + " bytes");
                mech = "unknown";
                break;
            }
            int kind = parser.kind;
            if (kind == GssapiParser.NTLMSSP) {
                mech = "ntlmssp";
                counters.ntlmssp++;
                if (ntlm == null) {
                    ntlm = spareNtlm != null ? spareNtlm.reuse(ctx, carrier)
                            : new NtlmsspAnalyzer(ctx, carrier, ntlmCounters, ntlmParser);
                    spareNtlm = null;
                }
                ntlm.onToken(dir, buf, parser.innerOff, parser.innerLen);
                break;
            }
            if (kind == GssapiParser.KRB5) {
                mech = "kerberos";
                counters.kerberos++;
                if (parser.innerLen > 0) {
                    kerberos.onKerberosMessage(ctx, carrier, dir, buf, parser.innerOff, parser.innerLen);
                }
                break;
            }
            if (kind == GssapiParser.UNKNOWN) {
                mech = depth == 0 ? "unknown" : mechName(parser.firstMech, "unknown");
                break;
            }
            // SPNEGO: without an inner token only the negotiation is recorded.
            if (parser.innerLen == 0) {
                mech = "spnego";
                break;
            }
            off = parser.innerOff;
            len = parser.innerLen;
        }
        lastMechanism = mech;
    }

    @Override
    public void onResult(long status) {
        if (ntlm != null) {
            ntlm.onResult(status);
        }
    }

    @Override
    public String lastMechanism() {
        return lastMechanism;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ntlm != null) {
            ntlm.close();
        }
        if (pool != null) {
            // Its carrier reads nothing of a session after closing it: it serves the worker's next
            // conversation.
            pool.give(this);
        }
    }

    /**
     * For a new conversation of {@code carrier} on {@code ctx}, after this one's {@link #close}: as
     * the constructor leaves it (the NTLM conversation, already closed, is kept aside until an
     * NTLMSSP token needs one).
     */
    void reuse(FlowContext ctx, Carrier carrier) {
        this.ctx = ctx;
        this.carrier = carrier;
        lastMechanism = "none";
        closed = false;
        if (ntlm != null) {
            spareNtlm = ntlm;
            ntlm = null;
        }
    }

    private static String mechName(int mech, String dflt) {
        return switch (mech) {
            case GssapiParser.MECH_NTLMSSP -> "ntlmssp";
            case GssapiParser.MECH_KRB5, GssapiParser.MECH_MS_KRB5 -> "kerberos";
            default -> dflt;
        };
    }

    private void anomaly(GssapiAnomaly a, String detail) {
        counters.parserError++;
        GssapiEvents.anomaly(ctx, a, detail);
    }
}
