package io.impacketsensor.decoders.ntlmssp;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.FileTime;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.core.wire.Utf16;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One NTLM conversation (one SMB2, SMB1, RPC or LDAP connection): emits NEGOTIATE and CHALLENGE at
 * once, remembers the server challenge, and holds the AUTHENTICATE until the carrier reports the
 * authentication's result ({@link #onResult}) or the conversation ends ({@link #close}). Besides
 * NTLMSSP messages it takes the bare challenge and responses of SMB1 logins without extended
 * security ({@link #onChallenge}, {@link #onResponses}), which become the same events.
 * Not a {@code FlowAnalyzer}: the token decoder drives it.
 */
public final class NtlmsspAnalyzer {
    private final FlowContext ctx;
    private final Carrier carrier;
    private final NtlmsspParser parser;
    private byte[] serverChallenge;
    private NtlmEvent.NtlmAuthenticate held;
    private long messages;
    private long errors;

    public NtlmsspAnalyzer(FlowContext ctx, Carrier carrier, NtlmsspLimits limits) {
        this.ctx = ctx;
        this.carrier = carrier;
        this.parser = new NtlmsspParser(limits);
    }

    /** One whole NTLMSSP message (the token decoder found the signature). */
    public void onMessage(byte[] buf, int off, int len) {
        if (parser.parse(buf, off, len) != ParseStatus.OK) {
            errors++;
            ctx.emit(new ProtocolAnomaly(ctx.header(), parser.error.eventName(),
                    "type " + parser.messageType + ", " + len + " bytes"));
            return;
        }
        messages++;
        switch (parser.messageType) {
            case NtlmsspParser.NEGOTIATE -> ctx.emit(negotiate(buf));
            case NtlmsspParser.CHALLENGE -> {
                serverChallenge = Arrays.copyOfRange(buf, parser.challengeOff, parser.challengeOff + 8);
                ctx.emit(challenge(buf));
            }
            default -> {
                flush(SensorEvent.NO_STATUS);
                held = authenticate(buf, SensorEvent.NO_STATUS);
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
        ctx.emit(new NtlmEvent.NtlmChallenge(ctx.header(), carrier, 0, serverChallenge.clone(), domain, domain, server,
                "", "", 0, null, null));
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
                errors++;
                ctx.emit(new ProtocolAnomaly(ctx.header(), parser.error.eventName(), "NTLMv2 response, " + ntLen + " bytes"));
            } else {
                avFlags = parser.avFlags;
                avTarget = Utf16.decode(buf, parser.avTargetNameOff, parser.avTargetNameLen);
            }
            proof = ntLen >= 16 ? Arrays.copyOfRange(buf, ntOff, ntOff + 16) : null;
        }
        messages++;
        flush(SensorEvent.NO_STATUS);
        held = new NtlmEvent.NtlmAuthenticate(ctx.header(), carrier, 0, lmLen, ntLen, v, domain, user, "", false, null,
                false, avFlags, avTarget, proof, serverChallenge == null ? null : serverChallenge.clone(),
                empty && user.isEmpty(), SensorEvent.NO_STATUS);
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
    public void onResult(long status) {
        flush(status);
    }

    /** Emits a held AUTHENTICATE with NO_STATUS. */
    public void close() {
        flush(SensorEvent.NO_STATUS);
    }

    public long messages() {
        return messages;
    }

    public long errors() {
        return errors;
    }

    private void flush(long status) {
        NtlmEvent.NtlmAuthenticate a = held;
        if (a == null) {
            return;
        }
        held = null;
        ctx.emit(new NtlmEvent.NtlmAuthenticate(a.header(), a.carrier(), a.flags(), a.lmResponseLength(),
                a.ntResponseLength(), a.ntlmVersion(), a.domain(), a.user(), a.workstation(),
                a.encryptedSessionKey(), a.version(), a.micPresent(), a.msvAvFlags(), a.avTargetName(),
                a.ntProofStr(), a.serverChallenge(), a.anonymous(), status));
    }

    private NtlmEvent.NtlmNegotiate negotiate(byte[] b) {
        // NEGOTIATE strings are always OEM (MS-NLMP 2.2.1.1: DomainName/Workstation "MUST be OEM").
        return new NtlmEvent.NtlmNegotiate(ctx.header(), carrier, parser.flags,
                oem(b, parser.domainOff, parser.domainLen), oem(b, parser.workstationOff, parser.workstationLen),
                version(b));
    }

    private NtlmEvent.NtlmChallenge challenge(byte[] b) {
        byte[] vb = parser.versionOff < 0 ? null : Arrays.copyOfRange(b, parser.versionOff, parser.versionOff + 8);
        long ts = parser.avTimestamp == 0 ? 0 : FileTime.toEpochNanos(parser.avTimestamp);
        return new NtlmEvent.NtlmChallenge(ctx.header(), carrier, parser.flags, serverChallenge.clone(),
                text(b, parser.targetNameOff, parser.targetNameLen),
                Utf16.decode(b, parser.avNbDomainOff, parser.avNbDomainLen),
                Utf16.decode(b, parser.avNbComputerOff, parser.avNbComputerLen),
                Utf16.decode(b, parser.avDnsDomainOff, parser.avDnsDomainLen),
                Utf16.decode(b, parser.avDnsComputerOff, parser.avDnsComputerLen),
                ts, validVersion(b) ? version(b) : null, vb);
    }

    private NtlmEvent.NtlmAuthenticate authenticate(byte[] b, long status) {
        int ntLen = parser.ntLen;
        int ntlmVersion = responseVersion(parser.lmLen, ntLen, parser.userLen > 0);
        byte[] proof = ntlmVersion == 2 && ntLen >= 16 ? Arrays.copyOfRange(b, parser.ntOff, parser.ntOff + 16) : null;
        boolean mic = parser.micOff >= 0 && !allZero(b, parser.micOff, 16);
        String user = text(b, parser.userOff, parser.userLen);
        boolean anonymous = ntLen == 0 && user.isEmpty() && parser.lmLen <= 1;
        return new NtlmEvent.NtlmAuthenticate(ctx.header(), carrier, parser.flags, parser.lmLen, ntLen, ntlmVersion,
                text(b, parser.domainOff, parser.domainLen), user,
                text(b, parser.workstationOff, parser.workstationLen), parser.sessionKeyLen > 0,
                validVersion(b) ? version(b) : null, mic, parser.avFlags,
                Utf16.decode(b, parser.avTargetNameOff, parser.avTargetNameLen), proof,
                serverChallenge == null ? null : serverChallenge.clone(), anonymous, status);
    }

    /** Unicode or OEM per NTLMSSP_NEGOTIATE_UNICODE (MS-NLMP 2.2.2.5 flag A). */
    private String text(byte[] b, int off, int len) {
        if (off < 0 || len == 0) {
            return "";
        }
        return (parser.flags & NtlmsspParser.FLAG_UNICODE) != 0 ? Utf16.decode(b, off, len) : oem(b, off, len);
    }

    private static String oem(byte[] b, int off, int len) {
        if (off < 0 || len <= 0 || off > b.length - len) {
            return "";
        }
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }

    /** Impacket's smbserver fills VERSION with 0xFF bytes; a real one has NTLMRevisionCurrent 15. */
    private boolean validVersion(byte[] b) {
        return parser.versionOff >= 0 && (b[parser.versionOff + 7] & 0xFF) != 0xFF;
    }

    private NtlmEvent.Version version(byte[] b) {
        int v = parser.versionOff;
        if (v < 0) {
            return null;
        }
        return new NtlmEvent.Version(b[v] & 0xFF, b[v + 1] & 0xFF, Bytes.u16le(b, v + 2),
                b[v + 7] & 0xFF);
    }

    private static boolean allZero(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (b[off + i] != 0) {
                return false;
            }
        }
        return true;
    }
}
