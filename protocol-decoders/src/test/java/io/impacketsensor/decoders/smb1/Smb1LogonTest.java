package io.impacketsensor.decoders.smb1;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.wire.Hex;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.decoders.testutil.SmbRun;
import io.impacketsensor.core.testkit.Step;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.impacketsensor.decoders.testutil.SmbRun.c;
import static io.impacketsensor.decoders.testutil.SmbRun.s;
import static io.impacketsensor.decoders.smb1.Smb1Wire.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SMB1 logins without extended security (MS-CIFS 2.2.4.52.2, 2.2.4.53) as NTLM events: parser
 * fields on real messages (hex from public captures, frames named), and the analyzer on synthetic
 * conversations (Smb1Wire layouts).
 */
class Smb1LogonTest {
    static final int UID = 2048;
    static final long LOGON_FAILURE = 0xC000_006DL;
    static final byte[] CHALLENGE = Hex.decode("0123456789abcdef");
    /** NEGOTIATE_USER_SECURITY | NEGOTIATE_ENCRYPT_PASSWORDS. */
    static final int USER_ENCRYPT = 0x03;

    // ---- parser, real messages (SMB header onwards; the 4-byte NBSS header removed) ----

    /** Zeek testing/btest/Traces/smb/smb1_transaction_request.pcap frame 6: Samba's NEGOTIATE response. */
    static final String ZEEK_NEGOTIATE_RESPONSE = "ff534d42720000000088034000000000000000000000000000000100000002"
            + "001100000332000100044100000000010031010000fdf3800063aaaa718d8bd301c4ff082000436d271584aa1a25540045"
            + "005300540000004a00450053005300490045000000";
    /** Same capture, frame 8: SESSION_SETUP_ANDX WordCount 13, a 4-byte OEM password, account GUEST. */
    static final String ZEEK_SESSION_SETUP = "ff534d42730000000018010000000000000000000000000000000100000002000d"
            + "ff006000680b32000000000000000400000000000000050000002300506173734755455354000057696e646f777320342e"
            + "300057696e646f777320342e300004ff000000020001001200005c5c57494e324b5c495043240049504300";
    /** Arkime tests/pcap/smb-smbclient.pcap frame 8: smbclient's Unicode SESSION_SETUP_ANDX, account "user" of WORKGROUP. */
    static final String ARKIME_SESSION_SETUP = "ff534d4273000000000801c8000000000000000000000000ffff770f000002000d"
            + "ff000000ffff0200770f780f000000000200000000005cd0000043000000007500730065007200000057004f0052004b00"
            + "470052004f0055005000000055006e00690078000000530061006d0062006100200033002e0036002e0033000000";

    /**
     * Zeek testing/btest/Traces/smb/cifs_negotiate_lanman.pcap frame 6: a LANMAN2.1 NEGOTIATE response
     * (WordCount 13), EncryptionKey 1122334455667788, PrimaryDomain WORKGROUP in OEM although Flags2
     * says Unicode (tshark 4.0 shows "????": it decodes it as Unicode).
     */
    static final String LANMAN_NEGOTIATE_RESPONSE = "ff534d4272000000009853c80000000000000000000000000000341200000100"
            + "0d0300030004112000010000000000000033283a5b4a010800000012001122334455667788574f524b47524f555000";

    static Smb1Parser parse(String hex, int command) {
        byte[] m = Hex.decode(hex);
        Smb1Parser p = new Smb1Parser(8);
        assertEquals(ParseStatus.OK, p.header(m, 0, m.length, m.length));
        assertTrue(p.block(Smb1Parser.HEADER, command));
        return p;
    }

    @Test
    void negotiateResponseLocatesTheChallengeAndTheUnicodeNames() {
        Smb1Parser p = parse(ZEEK_NEGOTIATE_RESPONSE, Smb1Parser.NEGOTIATE);
        assertTrue(p.negotiateResponse());
        // tshark: smb.sm 0x03, smb.server_cap.extended_security 0, smb.challenge, smb.primary_domain, smb.server.
        assertEquals(0x03, p.securityMode);
        assertEquals(0, p.capabilities & 0x8000_0000L);
        assertEquals("436d271584aa1a25", Hex.encode(p.array(), p.abs(p.challengeAt), 8));
        // Flags2 0x4003 has no SMB_FLAGS2_UNICODE; the names are Unicode by CAP_UNICODE.
        assertEquals("TEST", p.string(p.strAt, p.strLen, p.negotiateUnicode));
        assertEquals("JESSIE", p.string(p.serverAt, p.serverLen, p.negotiateUnicode));
    }

    @Test
    void sessionSetupLocatesPasswordsAccountAndDomain() {
        Smb1Parser p = parse(ZEEK_SESSION_SETUP, Smb1Parser.SESSION_SETUP_ANDX);
        assertTrue(p.sessionSetupRequest());
        // tshark: smb.ansi_pwlen 4, smb.unicode_pwlen 0, smb.ansi_password 50617373, smb.account GUEST.
        assertEquals(4, p.passwordLen);
        assertEquals(0, p.unicodePasswordLen);
        assertEquals("50617373", Hex.encode(p.array(), p.abs(p.passwordAt), p.passwordLen));
        assertEquals("GUEST", p.string(p.accountAt, p.accountLen, p.unicode()));
        assertEquals("", p.string(p.domainAt, p.domainLen, p.unicode()));

        Smb1Parser u = parse(ARKIME_SESSION_SETUP, Smb1Parser.SESSION_SETUP_ANDX);
        assertTrue(u.sessionSetupRequest());
        // tshark: smb.ansi_pwlen 0, smb.unicode_pwlen 2, smb.unicode_password 0000, smb.account user,
        // smb.primary_domain WORKGROUP (Unicode, after one pad byte).
        assertEquals(0, u.passwordLen);
        assertEquals(2, u.unicodePasswordLen);
        assertEquals("0000", Hex.encode(u.array(), u.abs(u.unicodePasswordAt), 2));
        assertEquals("user", u.string(u.accountAt, u.accountLen, true));
        assertEquals("WORKGROUP", u.string(u.domainAt, u.domainLen, true));
    }

    @Test
    void lanmanNegotiateResponseHasAnOemDomain() {
        Smb1Parser p = parse(LANMAN_NEGOTIATE_RESPONSE, Smb1Parser.NEGOTIATE);
        assertTrue(p.negotiateResponse());
        assertEquals(0x03, p.securityMode);
        assertEquals("1122334455667788", Hex.encode(p.array(), p.abs(p.challengeAt), 8));
        assertEquals("WORKGROUP", p.string(p.strAt, p.strLen, p.negotiateUnicode));
    }

    /** The LANMAN2.1 response above, then a LAN Manager SESSION_SETUP_ANDX (WordCount 10) with a 24-byte LM response. */
    @Test
    void lanmanLoginIsAnLmAuthenticate() {
        byte[] neg = Hex.decode(LANMAN_NEGOTIATE_RESPONSE);
        neg[30] = 1; // MID 1 (the capture's request used MID 1 as well)
        List<Step> l = List.of(c(request(0, 0, 1, negotiate("LANMAN2.1"))), s(neg),
                c(request(0, 0, 2, sessionSetupLanman(new byte[24], "OLDUSER", "WORKGROUP"))),
                s(response(0, 0, UID, 2, sessionSetupResp(0))));
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS).feed(l).close();
        assertTrue(r.alive);
        assertEquals("1122334455667788", Hex.encode(r.ctx.of(NtlmEvent.NtlmChallenge.class).get(0).serverChallenge()));
        NtlmEvent.NtlmAuthenticate a = r.ctx.of(NtlmEvent.NtlmAuthenticate.class).get(0);
        assertEquals("OLDUSER", a.user());
        assertEquals("WORKGROUP", a.domain());
        assertEquals(24, a.lmResponseLength());
        assertEquals(1, a.ntlmVersion());
        assertEquals(0, a.status());
        assertEquals("1122334455667788", Hex.encode(a.serverChallenge()));
    }

    @Test
    void truncatedNegotiateResponsesNeverThrow() {
        byte[] full = Hex.decode(ZEEK_NEGOTIATE_RESPONSE);
        for (int n = 33; n <= full.length; n++) {
            Smb1Parser p = new Smb1Parser(8);
            if (p.header(full, 0, n, n) == ParseStatus.OK && p.block(Smb1Parser.HEADER, Smb1Parser.NEGOTIATE) && p.negotiateResponse()
                    && p.challengeAt >= 0) {
                assertTrue(p.challengeAt + 8 <= n, "challenge inside " + n + " bytes");
            }
        }
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS);
        for (int n = 33; n < full.length; n++) {
            r.feed(List.of(s(java.util.Arrays.copyOf(full, n))));
        }
        assertTrue(r.alive);
    }

    // ---- analyzer, synthetic conversations ----

    static List<Step> login(int securityMode, byte[] lm, byte[] nt, String account, long status) {
        List<Step> l = new ArrayList<>();
        l.add(c(request(0, 0, 1, negotiate("NT LM 0.12"))));
        l.add(s(response(0, 0, 0, 1, negotiateResp(securityMode, 0xD0, CHALLENGE, "LAB", "SRV"))));
        l.add(c(request(0, 0, 2, sessionSetupLegacy(lm, nt, account, "LAB"))));
        l.add(s(status == 0 ? response(0, 0, UID, 2, sessionSetupResp(0))
                : response(status, 0, 0, 2, empty(Smb1Parser.SESSION_SETUP_ANDX))));
        return l;
    }

    /** NTProofStr (16), then the NTLMv2_CLIENT_CHALLENGE (MS-NLMP 2.2.2.7) with MsvAvNbDomainName and MsvAvFlags. */
    static byte[] ntlmv2Response() {
        byte[] proof = Hex.decode("00112233445566778899aabbccddeeff");
        byte[] fixed = le().u8(1).u8(1).u16(0).u32(0).u64(0x01D9_0000_0000_0000L).u64(0x1122334455667788L).u32(0)
                .build();
        byte[] dom = "LAB".getBytes(StandardCharsets.UTF_16LE);
        byte[] av = le().u16(2).u16(dom.length).bytes(dom).u16(6).u16(4).u32(0x2).u16(0).u16(0).build();
        return cat(proof, fixed, av);
    }

    @Test
    void ntlmv2LoginBecomesChallengeAndAuthenticateWithItsStatus() {
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS).feed(login(USER_ENCRYPT, new byte[24], ntlmv2Response(), "alice", 0)).close();
        assertTrue(r.alive);
        NtlmEvent.NtlmChallenge ch = r.ctx.of(NtlmEvent.NtlmChallenge.class).get(0);
        assertEquals(Carrier.SMB1, ch.carrier());
        assertEquals(0, ch.flags());
        assertArrayEquals(CHALLENGE, ch.serverChallenge());
        assertEquals("LAB", ch.targetName());
        assertEquals("LAB", ch.nbDomain());
        assertEquals("SRV", ch.nbComputer());
        assertNull(ch.version());
        List<NtlmEvent.NtlmAuthenticate> auths = r.ctx.of(NtlmEvent.NtlmAuthenticate.class);
        assertEquals(1, auths.size());
        NtlmEvent.NtlmAuthenticate a = auths.get(0);
        assertEquals(Carrier.SMB1, a.carrier());
        assertEquals(0, a.flags());
        assertEquals(2, a.ntlmVersion());
        assertEquals(24, a.lmResponseLength());
        assertEquals(ntlmv2Response().length, a.ntResponseLength());
        assertEquals("LAB", a.domain());
        assertEquals("alice", a.user());
        assertEquals("", a.workstation());
        assertEquals("00112233445566778899aabbccddeeff", Hex.encode(a.ntProofStr()));
        assertArrayEquals(CHALLENGE, a.serverChallenge());
        assertEquals(0x2, a.msvAvFlags());
        assertFalse(a.micPresent());
        assertFalse(a.anonymous());
        assertEquals(0, a.status());
        assertTrue(r.ctx.of(ProtocolAnomaly.class).isEmpty(), r.ctx.events.toString());
    }

    @Test
    void ntlmv1FailureCarriesTheSessionSetupStatus() {
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS)
                .feed(login(USER_ENCRYPT, new byte[24], new byte[24], "bob", LOGON_FAILURE)).close();
        NtlmEvent.NtlmAuthenticate a = r.ctx.of(NtlmEvent.NtlmAuthenticate.class).get(0);
        assertEquals(1, a.ntlmVersion());
        assertNull(a.ntProofStr());
        assertEquals(-1, a.msvAvFlags());
        assertEquals(LOGON_FAILURE, a.status());
        assertArrayEquals(CHALLENGE, a.serverChallenge());
    }

    @Test
    void lmResponseAloneCountsAsVersionOne() {
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS).feed(login(USER_ENCRYPT, new byte[24], new byte[0], "carol", 0)).close();
        NtlmEvent.NtlmAuthenticate a = r.ctx.of(NtlmEvent.NtlmAuthenticate.class).get(0);
        assertEquals(1, a.ntlmVersion());
        assertEquals(24, a.lmResponseLength());
        assertEquals(0, a.ntResponseLength());
    }

    @Test
    void nullSessionIsAnonymous() {
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS).feed(login(USER_ENCRYPT, new byte[1], new byte[0], "", 0)).close();
        NtlmEvent.NtlmAuthenticate a = r.ctx.of(NtlmEvent.NtlmAuthenticate.class).get(0);
        assertTrue(a.anonymous());
        assertEquals(0, a.ntlmVersion());
        assertTrue(r.ctx.of(ProtocolAnomaly.class).isEmpty());
    }

    @Test
    void plaintextPasswordIsFlaggedAndNeverKept() {
        byte[] secret = "Winter2024!".getBytes(StandardCharsets.ISO_8859_1);
        // SecurityMode 0x01: user level, no challenge/response (MS-CIFS 2.2.4.52.2).
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS).feed(login(0x01, secret, new byte[0], "dave", 0)).close();
        assertTrue(r.ctx.of(NtlmEvent.NtlmChallenge.class).isEmpty(), "a challenge that is not used is not reported");
        NtlmEvent.NtlmAuthenticate a = r.ctx.of(NtlmEvent.NtlmAuthenticate.class).get(0);
        assertEquals(0, a.ntlmVersion());
        assertFalse(a.anonymous());
        assertEquals(secret.length, a.lmResponseLength());
        assertEquals("dave", a.user());
        assertEquals(0, a.status());
        List<ProtocolAnomaly> an = r.ctx.of(ProtocolAnomaly.class);
        assertEquals(1, an.size());
        assertEquals("smb1.plaintext_password", an.get(0).name());
        for (SensorEvent e : r.ctx.events) {
            assertFalse(e.toString().contains("Winter2024"), e.toString());
        }
    }

    @Test
    void oddPasswordLengthIsPlaintextEvenWhenTheServerAskedForResponses() {
        byte[] pass = "Pass".getBytes(StandardCharsets.ISO_8859_1);
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS).feed(login(USER_ENCRYPT, pass, new byte[0], "GUEST", 0)).close();
        assertEquals("smb1.plaintext_password", r.ctx.of(ProtocolAnomaly.class).get(0).name());
        assertEquals(0, r.ctx.of(NtlmEvent.NtlmAuthenticate.class).get(0).ntlmVersion());
    }

    @Test
    void extendedSecurityNegotiateHasNoChallengeEvent() {
        List<Step> l = List.of(c(request(0, 0, 1, negotiate("NT LM 0.12"))),
                s(response(0, 0, 0, 1, negotiateResp(USER_ENCRYPT, 0x8000_00D4L, new byte[0], "", ""))));
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS).feed(l).close();
        assertTrue(r.ctx.of(NtlmEvent.class).isEmpty());
        assertTrue(r.ctx.of(ProtocolAnomaly.class).isEmpty());
    }

    @Test
    void ntResponseOverTheLimitIsAnAnomalyAndTheConnectionGoesOn() {
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS.withMaxNtlmResponse(64))
                .feed(login(USER_ENCRYPT, new byte[24], new byte[100], "eve", 0)).close();
        assertTrue(r.alive);
        assertEquals("smb1.ntlm_response_too_large", r.ctx.of(ProtocolAnomaly.class).get(0).name());
        assertTrue(r.ctx.of(NtlmEvent.NtlmAuthenticate.class).isEmpty());
    }

    @Test
    void unansweredLoginIsEmittedAtCloseWithoutStatus() {
        List<Step> l = login(USER_ENCRYPT, new byte[24], new byte[24], "frank", 0).subList(0, 3);
        SmbRun r = new SmbRun(Smb1Limits.DEFAULTS).feed(l).close();
        assertEquals(SensorEvent.NO_STATUS, r.ctx.of(NtlmEvent.NtlmAuthenticate.class).get(0).status());
    }
}
