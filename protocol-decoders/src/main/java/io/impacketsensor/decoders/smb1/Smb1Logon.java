package io.impacketsensor.decoders.smb1;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.decoders.token.TokenDecoder;
import io.impacketsensor.decoders.token.TokenSession;
import io.impacketsensor.decoders.ntlmssp.NtlmsspAnalyzer;
import io.impacketsensor.decoders.ntlmssp.NtlmsspCounters;
import io.impacketsensor.decoders.ntlmssp.NtlmsspLimits;
import io.impacketsensor.decoders.text.Utf16Memo;

/**
 * The logins of one SMB1 connection, all with carrier {@link Carrier#SMB1}:
 * <ul>
 * <li>extended security (MS-SMB 2.2.4.6): the SESSION_SETUP_ANDX blobs go to the shared token
 *     decoder (SPNEGO, NTLMSSP, Kerberos), as for SMB2;</li>
 * <li>without it (MS-CIFS 2.2.4.52.2, 2.2.4.53): the NEGOTIATE response's 8-byte Challenge becomes an
 *     NTLM CHALLENGE event, and the request's OEMPassword / UnicodePassword (LM or LMv2, NTLM or
 *     NTLMv2 responses) an NTLM AUTHENTICATE through the same {@link NtlmsspAnalyzer}, held until
 *     the SESSION_SETUP_ANDX response gives its status. Clear-text passwords are flagged
 *     ({@link Smb1Anomaly#PLAINTEXT_PASSWORD}) and never kept.</li>
 * </ul>
 * Objects are created with the events: the token session and the NTLM conversation on first use.
 */
final class Smb1Logon {
    /** MS-CIFS 2.2.4.52.2 SecurityMode NEGOTIATE_ENCRYPT_PASSWORDS: the server wants challenge/response. */
    static final int ENCRYPT_PASSWORDS = 0x02;
    /** Smallest NTLMv2 response: NTProofStr (16) and the NTLMv2_CLIENT_CHALLENGE fixed part (28), MS-NLMP 2.2.2.7. */
    static final int NTLMV2_MIN = 44;
    /** LM, LMv2 and NTLM (v1) responses are 24 bytes (MS-NLMP 2.2.2.3, 2.2.2.4, 2.2.2.6). */
    static final int RESPONSE_V1 = 24;

    private FlowContext ctx;
    private final Smb1Limits limits;
    private final NtlmsspLimits ntlmLimits;
    private final TokenDecoder decoder;
    private final Smb1Analyzer owner;
    private TokenSession tokens;
    private NtlmsspAnalyzer ntlm;
    /** A NEGOTIATE response without extended security was seen; its SecurityMode. */
    private boolean negotiated;
    private int securityMode;

    Smb1Logon(FlowContext ctx, Smb1Limits limits, NtlmsspLimits ntlmLimits, TokenDecoder decoder,
              Smb1Analyzer owner) {
        this.ctx = ctx;
        this.limits = limits;
        this.ntlmLimits = ntlmLimits;
        this.decoder = decoder;
        this.owner = owner;
    }

    /** For the next connection of a pooled analyzer, after {@link #close}: every field as the constructor leaves it. */
    void reuse(FlowContext ctx) {
        this.ctx = ctx;
        tokens = null;
        ntlm = null;
        negotiated = false;
        securityMode = 0;
    }

    /** NEGOTIATE response block (parsed by {@code p.block}): the challenge of a login without extended security. */
    void negotiateResponse(Smb1Parser p) {
        if (p.wordCount == 0) {
            return; // an error response
        }
        if (!p.negotiateResponse()) {
            if (p.wordCount != 1) {
                owner.malformed("negotiate response, WordCount " + p.wordCount);
            }
            return;
        }
        if ((p.capabilities & 0x8000_0000L) != 0) {
            negotiated = false;
            return;
        }
        negotiated = true;
        securityMode = p.securityMode;
        // Without challenge/response the Challenge means nothing (2.2.4.52.2: ChallengeLength 0).
        if ((securityMode & ENCRYPT_PASSWORDS) != 0 && p.challengeAt >= 0) {
            ntlm().onChallenge(p.array(), p.abs(p.challengeAt), p.string(p.strAt, p.strLen, p.negotiateUnicode),
                    p.string(p.serverAt, p.serverLen, p.negotiateUnicode));
        }
    }

    /** SESSION_SETUP_ANDX request; false when the block is malformed (or, with the flow stopped, over a limit). */
    boolean request(Smb1Parser p, Smb1Pending q) {
        // Flags2 signature bits in SMB2 SecurityMode terms (1 signing enabled, 2 required).
        q.securityMode = ((p.flags2 & Smb1Parser.FLAGS2_SIGNATURES) != 0 ? 1 : 0)
                | ((p.flags2 & Smb1Parser.FLAGS2_SIGNATURES_REQUIRED) != 0 ? 2 : 0);
        q.mechanism = "none";
        if (!p.sessionSetupRequest()) {
            return false;
        }
        q.nativeOs = p.nativeOsLen > 0 ? p.string(p.nativeOsAt, p.nativeOsLen, p.nativeUnicode(),
                Utf16Memo.SMB1_NATIVE_OS) : null;
        q.nativeLm = p.nativeLmLen > 0 ? p.string(p.nativeLmAt, p.nativeLmLen, p.nativeUnicode(),
                Utf16Memo.SMB1_NATIVE_LM) : null;
        if (p.wordCount == 12) {
            q.tokenLength = p.blobLen;
            int n = Math.min(p.blobLen, p.available() - p.blobAt);
            if (n > 0) {
                TokenSession t = tokens();
                t.onToken(Direction.TO_SERVER, p.array(), p.abs(p.blobAt), n);
                q.mechanism = t.lastMechanism();
            }
            return true;
        }
        q.tokenLength = p.passwordLen + p.unicodePasswordLen;
        return responses(p, q);
    }

    /** The passwords of a login without extended security (2.2.4.53.1) as an NTLM AUTHENTICATE. */
    private boolean responses(Smb1Parser p, Smb1Pending q) {
        int lmLen = p.passwordLen;
        int ntLen = p.unicodePasswordLen;
        if (ntLen > limits.maxNtlmResponse()) {
            owner.anomaly(Smb1Anomaly.NTLM_RESPONSE_TOO_LARGE, String.valueOf(ntLen));
            return false;
        }
        if (p.unicodePasswordAt + ntLen > p.available()) {
            return true; // beyond the gathered prefix: not decoded
        }
        boolean empty = ntLen == 0 && lmLen <= 1;
        boolean challengeResponse = ntLen == RESPONSE_V1 || ntLen >= NTLMV2_MIN || ntLen == 0 && lmLen == RESPONSE_V1;
        // 3.2.4.2.4: clear text when the server did not ask for challenge/response; a password field
        // of no response's length is clear text whatever the server asked (old clients, scanners).
        boolean plaintext = !empty && (negotiated && (securityMode & ENCRYPT_PASSWORDS) == 0 || !challengeResponse);
        boolean unicode = p.wordCount == 13 && p.unicode();
        String user = p.string(p.accountAt, p.accountLen, unicode, Utf16Memo.SMB1_ACCOUNT);
        String domain = p.string(p.domainAt, p.domainLen, unicode, Utf16Memo.SMB1_DOMAIN);
        if (plaintext) {
            Smb1Events.anomaly(ctx, Smb1Anomaly.PLAINTEXT_PASSWORD, "account " + domain + "\\" + user
                    + ", password lengths " + lmLen + "/" + ntLen);
        }
        ntlm().onResponses(p.array(), lmLen, p.abs(p.unicodePasswordAt), ntLen, domain, user, plaintext);
        q.legacyLogon = true;
        return true;
    }

    /** SESSION_SETUP_ANDX response (parsed): its security blob. */
    void responseBlob(Smb1Parser p) {
        int n = Math.min(p.blobLen, p.available() - p.blobAt);
        if (n > 0) {
            tokens().onToken(Direction.TO_CLIENT, p.array(), p.abs(p.blobAt), n);
        }
    }

    /** The login's final status (not STATUS_MORE_PROCESSING_REQUIRED) reaches its AUTHENTICATE. */
    void result(Smb1Pending q, long st) {
        if (q.legacyLogon) {
            if (ntlm != null) {
                ntlm.onResult(st);
            }
        } else if (tokens != null && q.mechanism != null && !"none".equals(q.mechanism)) {
            tokens.onResult(st);
        }
    }

    /** The connection ended: held AUTHENTICATEs are emitted without status. */
    void close() {
        if (tokens != null) {
            tokens.close();
        }
        if (ntlm != null) {
            ntlm.close();
        }
    }

    private TokenSession tokens() {
        if (tokens == null) {
            tokens = decoder.newSession(ctx, Carrier.SMB1);
        }
        return tokens;
    }

    private NtlmsspAnalyzer ntlm() {
        if (ntlm == null) {
            // These logins carry no NTLMSSP message (its counters stay 0); SMB1 counts their PDUs.
            ntlm = new NtlmsspAnalyzer(ctx, Carrier.SMB1, ntlmLimits, new NtlmsspCounters());
        }
        return ntlm;
    }
}
