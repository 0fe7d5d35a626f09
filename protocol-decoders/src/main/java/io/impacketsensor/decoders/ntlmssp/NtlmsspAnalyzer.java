package io.impacketsensor.decoders.ntlmssp;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.core.wire.Utf16;
import io.impacketsensor.decoders.token.TokenSession;

import java.util.Arrays;

/**
 * One NTLM conversation (one SMB2, SMB1, RPC or LDAP connection): emits NEGOTIATE and CHALLENGE at
 * once, remembers the server challenge, and holds the AUTHENTICATE until the carrier reports the
 * authentication's result ({@link #onResult}) or the conversation ends ({@link #close}). Besides
 * NTLMSSP messages it takes the bare challenge and responses of SMB1 logins without extended
 * security ({@link #onChallenge}, {@link #onResponses}), which become the same events
 * ({@link NtlmsspEvents} builds them). A {@link TokenSession}, driven like every token session:
 * the GSS-API session hands it the NTLMSSP mechanism tokens it unwraps.
 */
public final class NtlmsspAnalyzer implements TokenSession {
    private FlowContext ctx;
    private Carrier carrier;
    private final NtlmsspParser parser;
    private final NtlmsspCounters counters;
    /** The last CHALLENGE's server challenge: a new array per CHALLENGE, never written, shared with the events. */
    private byte[] serverChallenge;
    private NtlmEvent.NtlmAuthenticate held;
    private boolean seen;

    /**
     * @param counters the worker's counters of NTLMSSP messages; a conversation of logins without
     *                 extended security ({@link #onChallenge}, {@link #onResponses}) sends none
     */
    public NtlmsspAnalyzer(FlowContext ctx, Carrier carrier, NtlmsspLimits limits, NtlmsspCounters counters) {
        this(ctx, carrier, counters, new NtlmsspParser(limits));
    }

    /**
     * @param parser a parser lent by the decode worker to its conversations: it holds nothing
     *               between messages, and each message's events are built before the next is parsed
     */
    public NtlmsspAnalyzer(FlowContext ctx, Carrier carrier, NtlmsspCounters counters, NtlmsspParser parser) {
        this.ctx = ctx;
        this.carrier = carrier;
        this.parser = parser;
        this.counters = counters;
    }

    /**
     * This conversation, after its {@link #close}, as a new one of {@code carrier} on {@code ctx}
     * (for a token decoder that keeps the sessions of ended conversations).
     *
     * @return this
     */
    public NtlmsspAnalyzer reuse(FlowContext ctx, Carrier carrier) {
        this.ctx = ctx;
        this.carrier = carrier;
        serverChallenge = null;
        held = null;
        seen = false;
        return this;
    }

    /** One whole NTLMSSP message (the token decoder found the signature). */
    @Override
    public void onToken(Direction dir, byte[] buf, int off, int len) {
        seen = true;
        if (parser.parse(buf, off, len) != ParseStatus.OK) {
            counters.parserError++;
            NtlmsspEvents.anomaly(ctx, parser.error, "type " + parser.messageType + ", " + len + " bytes");
            return;
        }
        counters.pdus++;
        switch (parser.messageType) {
            case NtlmsspParser.NEGOTIATE -> ctx.emit(NtlmsspEvents.negotiate(ctx, carrier, parser, buf));
            case NtlmsspParser.CHALLENGE -> {
                serverChallenge = Arrays.copyOfRange(buf, parser.challengeOff, parser.challengeOff + 8);
                ctx.emit(NtlmsspEvents.challenge(ctx, carrier, parser, buf, serverChallenge));
            }
            default -> {
                counters.authenticate++;
                flush(SensorEvent.NO_STATUS);
                held = NtlmsspEvents.authenticate(ctx, carrier, parser, buf, serverChallenge, SensorEvent.NO_STATUS);
            }
        }
    }

    /**
     * The server challenge of a login that carries no NTLMSSP message (SMB1 NEGOTIATE response
     * without extended security, MS-CIFS 2.2.4.52.2 Challenge): emitted as a CHALLENGE with flags 0
     * (nothing was negotiated), the server's domain as TargetName and NetBIOS domain and its name as
     * NetBIOS computer, and remembered for the AUTHENTICATE as {@link #onMessage} does.
     */
    public void onChallenge(byte[] buf, int off, String domain, String server) {
        serverChallenge = Arrays.copyOfRange(buf, off, off + 8);
        ctx.emit(NtlmsspEvents.bareChallenge(ctx, carrier, serverChallenge, domain, server));
    }

    /**
     * The responses of a login that carries no NTLMSSP message (SMB1 SESSION_SETUP_ANDX without
     * extended security, MS-CIFS 2.2.4.53.1): {@code lmLen} bytes of OEMPassword (LM or LMv2
     * response), the UnicodePassword at {@code buf[ntOff, ntOff+ntLen)} (NTLM or NTLMv2 response).
     * Held like an AUTHENTICATE until {@link #onResult}, with flags 0, no VERSION, no MIC, no
     * session key and no workstation (the login has none of them). A 24-byte NT response is NTLMv1,
     * a longer one NTLMv2 (MS-NLMP 3.3.1, 3.3.2), an LM response alone counts as v1; with
     * {@code plaintext} (clear-text passwords, MS-CIFS 3.2.4.2.4) or no response the version is 0.
     */
    public void onResponses(byte[] buf, int lmLen, int ntOff, int ntLen, String domain, String user,
                            boolean plaintext) {
        boolean empty = ntLen == 0 && lmLen <= 1;
        int v = plaintext ? 0 : responseVersion(lmLen, ntLen, true);
        int avFlags = -1;
        String avTarget = "";
        byte[] proof = null;
        if (v == 2) {
            if (parser.ntResponse(buf, ntOff, ntLen) != ParseStatus.OK) {
                NtlmsspEvents.anomaly(ctx, parser.error, "NTLMv2 response, " + ntLen + " bytes");
            } else {
                avFlags = parser.avFlags;
                avTarget = Utf16.decode(buf, parser.avTargetNameOff, parser.avTargetNameLen);
            }
            proof = ntLen >= 16 ? Arrays.copyOfRange(buf, ntOff, ntOff + 16) : null;
        }
        flush(SensorEvent.NO_STATUS);
        held = NtlmsspEvents.bareResponses(ctx, carrier, lmLen, ntLen, v, domain, user, avFlags, avTarget, proof,
                serverChallenge, empty && user.isEmpty());
    }

    /**
     * The NTLM version of a login's responses (MS-NLMP 3.3.1/3.3.2): a 24-byte NtChallengeResponse is
     * NTLMv1 (or the NTLM2 session response), a longer one NTLMv2 (NTProofStr + blob); with none, a
     * 24-byte LmChallengeResponse sent alone for an account is an LM login, weaker still, counted as
     * v1; nothing at all is 0 (anonymous).
     */
    static int responseVersion(int lmLen, int ntLen, boolean account) {
        if (ntLen > 24) {
            return 2;
        }
        if (ntLen == 24) {
            return 1;
        }
        return ntLen == 0 && lmLen == 24 && account ? 1 : 0;
    }

    /** The carrier saw the result of the authentication: emit the held AUTHENTICATE with it. */
    @Override
    public void onResult(long status) {
        flush(status);
    }

    /** {@code ntlmssp} once a message was seen, {@code none} before. */
    @Override
    public String lastMechanism() {
        return seen ? "ntlmssp" : "none";
    }

    /** Emits a held AUTHENTICATE with NO_STATUS. */
    @Override
    public void close() {
        flush(SensorEvent.NO_STATUS);
    }

    private void flush(long status) {
        NtlmEvent.NtlmAuthenticate a = held;
        if (a == null) {
            return;
        }
        held = null;
        // Held with NO_STATUS: without a result (closed, or followed by another AUTHENTICATE) it is
        // emitted as it is.
        ctx.emit(a.status() == status ? a : NtlmsspEvents.withStatus(a, status));
    }
}
