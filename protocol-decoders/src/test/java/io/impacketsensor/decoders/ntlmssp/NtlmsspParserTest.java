package io.impacketsensor.decoders.ntlmssp;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.wire.Hex;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.core.testkit.RecordingContext;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class NtlmsspParserTest {
    /** lab ben_smb_ntlm_files.pcap frame 8 (Windows-style client, smbclient): NEGOTIATE inside SPNEGO. */
    public static final byte[] NEGOTIATE = Hex.decode("4e544c4d53535000010000001582086200000000280000000000000028000000060100000000000f");
    /** lab ben_smb_ntlm_files.pcap frame 9: CHALLENGE from Samba DC1. */
    public static final byte[] CHALLENGE = Hex.decode("4e544c4d5353500002000000060006003800000015828962b7c0561afe7bd826000000000000"
            + "0000540054003e000000060100000000000f4c0041004200020006004c004100420001000600440043003100040010006c0061"
            + "0062002e007400650073007400030018006400630031002e006c00610062002e00740065007300740007000800b23486017f7e"
            + "dd0100000000");
    /** lab ben_smb_ntlm_files.pcap frame 10: AUTHENTICATE LAB\alice from WS01, NTLMv2 with MIC. */
    public static final byte[] AUTHENTICATE = Hex.decode("4e544c4d53535000030000001800180058000000f600f6007000000006000600660100"
            + "000a000a006c0100000800080076010000100010007e01000015820862060100000000000fecef316dbcb18093e7fc9253c1dbc"
            + "e0f00000000000000000000000000000000000000000000000021654c451e51de235341a2245a4a4bdb0101000000000000b234"
            + "86017f7edd01de0efed4b74921e600000000020006004c004100420001000600440043003100040010006c00610062002e0074"
            + "00650073007400030018006400630031002e006c00610062002e00740065007300740007000800b23486017f7edd0106000400"
            + "02000000080030003000000000000000000000000000000029c5cdd089fa3ec78ed1b1040b6740551b7458478fd9057f4edf7d"
            + "518de6f92f0a001000000000000000000000000000000000000900220063006900660073002f006400630031002e006c006100"
            + "62002e007400650073007400000000004c004100420061006c006900630065005700530030003100ac6e621b6e0ba3acd0332e"
            + "faceb94aae");

    private final NtlmsspParser parser = new NtlmsspParser(NtlmsspLimits.DEFAULTS);

    @Test
    void negotiateFlagsAndVersion() {
        assertEquals(ParseStatus.OK, parser.parse(NEGOTIATE, 0, NEGOTIATE.length));
        assertEquals(NtlmsspParser.NEGOTIATE, parser.messageType);
        assertEquals(0x62088215, parser.flags);
        assertEquals(32, parser.versionOff);
        assertEquals(0, parser.domainLen);
    }

    @Test
    void challengeServerChallengeAndTargetInfo() {
        assertEquals(ParseStatus.OK, parser.parse(CHALLENGE, 0, CHALLENGE.length));
        assertEquals(NtlmsspParser.CHALLENGE, parser.messageType);
        assertArrayEquals(Hex.decode("b7c0561afe7bd826"), Arrays.copyOfRange(CHALLENGE, parser.challengeOff, parser.challengeOff + 8));
        assertTrue(parser.avTimestamp != 0);
        assertEquals(6, parser.avNbDomainLen);
    }

    @Test
    void authenticateEventCarriesChallengeMicAndProof() {
        RecordingContext ctx = new RecordingContext();
        NtlmsspAnalyzer a = new NtlmsspAnalyzer(ctx, Carrier.SMB2, NtlmsspLimits.DEFAULTS, new NtlmsspCounters());
        a.onToken(Direction.TO_SERVER, NEGOTIATE, 0, NEGOTIATE.length);
        a.onToken(Direction.TO_SERVER, CHALLENGE, 0, CHALLENGE.length);
        a.onToken(Direction.TO_SERVER, AUTHENTICATE, 0, AUTHENTICATE.length);
        assertTrue(ctx.of(NtlmEvent.NtlmAuthenticate.class).isEmpty(), "held until the result");
        a.onResult(0);
        NtlmEvent.NtlmAuthenticate auth = ctx.of(NtlmEvent.NtlmAuthenticate.class).get(0);
        assertEquals("LAB", auth.domain());
        assertEquals("alice", auth.user());
        assertEquals("WS01", auth.workstation());
        assertEquals(2, auth.ntlmVersion());
        assertTrue(auth.micPresent());
        assertEquals(2, auth.msvAvFlags());
        assertEquals("cifs/dc1.lab.test", auth.avTargetName());
        assertArrayEquals(Hex.decode("21654c451e51de235341a2245a4a4bdb"), auth.ntProofStr());
        assertArrayEquals(Hex.decode("b7c0561afe7bd826"), auth.serverChallenge());
        assertEquals(0, auth.status());
        assertFalse(auth.anonymous());
        NtlmEvent.NtlmChallenge ch = ctx.of(NtlmEvent.NtlmChallenge.class).get(0);
        assertEquals("LAB", ch.targetName());
        assertEquals("dc1.lab.test", ch.dnsComputer());
        assertNotNull(ch.version());
    }

    /**
     * synthetic: the CHALLENGE above, then the same with another server challenge on the same
     * conversation: each event keeps the challenge it was made with, the AUTHENTICATE names the
     * latest; one held without a result is emitted with NO_STATUS at the next AUTHENTICATE.
     */
    @Test
    void eventsKeepTheirServerChallengeAcrossANewChallenge() {
        RecordingContext ctx = new RecordingContext();
        NtlmsspAnalyzer a = new NtlmsspAnalyzer(ctx, Carrier.SMB2, NtlmsspLimits.DEFAULTS, new NtlmsspCounters());
        a.onToken(Direction.TO_CLIENT, CHALLENGE, 0, CHALLENGE.length);
        a.onToken(Direction.TO_SERVER, AUTHENTICATE, 0, AUTHENTICATE.length);
        byte[] second = CHALLENGE.clone();
        System.arraycopy(Hex.decode("0102030405060708"), 0, second, 24, 8);
        a.onToken(Direction.TO_CLIENT, second, 0, second.length);
        a.onToken(Direction.TO_SERVER, AUTHENTICATE, 0, AUTHENTICATE.length);
        a.onResult(0);
        List<NtlmEvent.NtlmChallenge> challenges = ctx.of(NtlmEvent.NtlmChallenge.class);
        List<NtlmEvent.NtlmAuthenticate> auths = ctx.of(NtlmEvent.NtlmAuthenticate.class);
        assertArrayEquals(Hex.decode("b7c0561afe7bd826"), challenges.get(0).serverChallenge());
        assertArrayEquals(Hex.decode("0102030405060708"), challenges.get(1).serverChallenge());
        assertArrayEquals(Hex.decode("b7c0561afe7bd826"), auths.get(0).serverChallenge());
        assertEquals(SensorEvent.NO_STATUS, auths.get(0).status(), "no result before the next AUTHENTICATE");
        assertArrayEquals(Hex.decode("0102030405060708"), auths.get(1).serverChallenge());
        assertEquals(0, auths.get(1).status());
    }

    @Test
    void lmResponseAloneIsReportedAsV1() {
        // synthetic: AUTHENTICATE above with its NtChallengeResponse length set to 0 (MS-NLMP 2.2.1.3 fields
        // at offset 20): a 24-byte LmChallengeResponse alone is an LM login, as on legacy SMB1.
        byte[] lmOnly = AUTHENTICATE.clone();
        Arrays.fill(lmOnly, 20, 24, (byte) 0);
        RecordingContext ctx = new RecordingContext();
        NtlmsspAnalyzer a = new NtlmsspAnalyzer(ctx, Carrier.SMB2, NtlmsspLimits.DEFAULTS, new NtlmsspCounters());
        a.onToken(Direction.TO_SERVER, lmOnly, 0, lmOnly.length);
        a.onResult(0);
        NtlmEvent.NtlmAuthenticate auth = ctx.of(NtlmEvent.NtlmAuthenticate.class).get(0);
        assertEquals("alice", auth.user());
        assertEquals(24, auth.lmResponseLength());
        assertEquals(0, auth.ntResponseLength());
        assertEquals(1, auth.ntlmVersion());
        assertFalse(auth.anonymous());
        assertNull(auth.ntProofStr());
    }

    @Test
    void heldAuthenticateIsEmittedAtClose() {
        RecordingContext ctx = new RecordingContext();
        NtlmsspAnalyzer a = new NtlmsspAnalyzer(ctx, Carrier.DCERPC, NtlmsspLimits.DEFAULTS, new NtlmsspCounters());
        a.onToken(Direction.TO_SERVER, AUTHENTICATE, 0, AUTHENTICATE.length);
        a.close();
        NtlmEvent.NtlmAuthenticate auth = ctx.of(NtlmEvent.NtlmAuthenticate.class).get(0);
        assertEquals(SensorEvent.NO_STATUS, auth.status());
        assertNull(auth.serverChallenge());
    }

    @Test
    void truncatedAtEveryByteNeverThrows() {
        for (byte[] msg : new byte[][]{NEGOTIATE, CHALLENGE, AUTHENTICATE}) {
            for (int n = 0; n < msg.length; n++) {
                ParseStatus st = parser.parse(msg, 0, n);
                if (n < 16) {
                    assertEquals(ParseStatus.ERROR, st, "cut at " + n);
                }
            }
        }
        // AUTHENTICATE cut inside its payload: the user field points past the end.
        assertEquals(ParseStatus.ERROR, parser.parse(AUTHENTICATE, 0, 0x78));
        assertEquals(NtlmsspAnomaly.FIELD_OUT_OF_BOUNDS, parser.error);
    }

    @Test
    void offsetPastTheEndIsReported() {
        byte[] m = AUTHENTICATE.clone();
        m[40] = (byte) 0xF0; // UserName BufferOffset low byte
        m[41] = (byte) 0xFF;
        assertEquals(ParseStatus.ERROR, parser.parse(m, 0, m.length));
        assertEquals(NtlmsspAnomaly.FIELD_OUT_OF_BOUNDS, parser.error);
        RecordingContext ctx = new RecordingContext();
        new NtlmsspAnalyzer(ctx, Carrier.SMB2, NtlmsspLimits.DEFAULTS, new NtlmsspCounters()).onToken(Direction.TO_SERVER, m, 0, m.length);
        assertEquals("ntlmssp.field_out_of_bounds", ctx.anomalies().get(0));
    }

    @Test
    void limitsShrunk() {
        NtlmsspParser small = new NtlmsspParser(new NtlmsspLimits(64, 64));
        assertEquals(ParseStatus.ERROR, small.parse(AUTHENTICATE, 0, AUTHENTICATE.length));
        assertEquals(NtlmsspAnomaly.MESSAGE_TOO_LARGE, small.error);
        NtlmsspParser fewPairs = new NtlmsspParser(new NtlmsspLimits(65535, 2));
        assertEquals(ParseStatus.ERROR, fewPairs.parse(CHALLENGE, 0, CHALLENGE.length));
        assertEquals(NtlmsspAnomaly.MALFORMED_AV_PAIRS, fewPairs.error);
    }

    @Test
    void unknownMessageTypeIsMalformed() {
        byte[] m = NEGOTIATE.clone();
        m[8] = 9;
        assertEquals(ParseStatus.ERROR, parser.parse(m, 0, m.length));
        assertEquals(NtlmsspAnomaly.MALFORMED_MESSAGE, parser.error);
    }
}
