package io.impacketsensor.decoders.gssapi;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.wire.Hex;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.decoders.token.TokenSession;
import io.impacketsensor.core.testkit.RecordingContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GssapiAnalyzerTest {
    /** lab ben_smb_ntlm_files.pcap frame 8: SPNEGO NegTokenInit, mechTypes [NTLMSSP], mechToken NEGOTIATE. */
    static final byte[] INIT_NTLM = Hex.decode("604806062b0601050502a03e303ca00e300c060a2b06010401823702020aa22a04284e544c"
            + "4d53535000010000001582086200000000280000000000000028000000060100000000000f");
    /** lab ben_smb_ntlm_files.pcap frame 11: NegTokenResp accept-completed with a mechListMIC only. */
    static final byte[] RESP_DONE = Hex.decode("a11b3019a0030a0100a31204100100000094fe620ec05d09f700000000");
    @Test
    void spnegoNtlmNegotiateIsRoutedToNtlmssp() {
        RecordingContext ctx = new RecordingContext();
        GssapiAnalyzer a = new GssapiAnalyzer(ctx, Carrier.SMB2, GssapiLimits.DEFAULTS,
                io.impacketsensor.decoders.ntlmssp.NtlmsspLimits.DEFAULTS, KerberosTokenHook.NONE,
                new GssapiCounters(), new io.impacketsensor.decoders.ntlmssp.NtlmsspCounters());
        a.onToken(Direction.TO_SERVER, INIT_NTLM, 0, INIT_NTLM.length);
        assertEquals("ntlmssp", a.lastMechanism());
        assertEquals(1, ctx.of(NtlmEvent.NtlmNegotiate.class).size());
        a.onToken(Direction.TO_CLIENT, RESP_DONE, 0, RESP_DONE.length);
        assertEquals("spnego", a.lastMechanism());
        assertTrue(ctx.anomalies().isEmpty(), ctx.anomalies().toString());
    }

    @Test
    void kerberosTokenGoesToTheHook() {
        byte[] apReq = Hex.decode("6e020500");
        byte[] krb = Hex.decode("601106092a864886f712010202" + "0100" + "6e020500");
        byte[] octet = concat(Hex.decode("04" + String.format("%02x", krb.length)), krb);
        byte[] mech = concat(Hex.decode("a2" + String.format("%02x", octet.length)), octet);
        byte[] types = Hex.decode("a018301606092a864882f71201020206092a864886f712010202");
        byte[] seqBody = concat(types, mech);
        byte[] seq = concat(Hex.decode("30" + String.format("%02x", seqBody.length)), seqBody);
        byte[] a0 = concat(Hex.decode("a0" + String.format("%02x", seq.length)), seq);
        byte[] inner = concat(Hex.decode("06062b0601050502"), a0);
        byte[] token = concat(Hex.decode("60" + String.format("%02x", inner.length)), inner);
        List<byte[]> seen = new ArrayList<>();
        RecordingContext ctx = new RecordingContext();
        TokenSession s = new GssTokenDecoder((c, carrier, dir, buf, off, len) -> {
            byte[] m = new byte[len];
            System.arraycopy(buf, off, m, 0, len);
            seen.add(m);
        }).newSession(ctx, Carrier.SMB2);
        s.onToken(Direction.TO_SERVER, token, 0, token.length);
        assertEquals("kerberos", s.lastMechanism());
        assertEquals(1, seen.size());
        assertEquals(Hex.encode(apReq), Hex.encode(seen.get(0)));
        GssapiParser p = new GssapiParser(GssapiLimits.DEFAULTS);
        assertEquals(ParseStatus.OK, p.parse(token, 0, token.length));
        assertEquals(GssapiParser.MECH_MS_KRB5, p.firstMech);
        assertEquals(2, p.mechCount);
    }

    @Test
    void truncatedAtEveryByteNeverThrowsAndReportsMalformed() {
        for (int n = 0; n < INIT_NTLM.length; n++) {
            RecordingContext ctx = new RecordingContext();
            TokenSession s = new GssTokenDecoder(KerberosTokenHook.NONE).newSession(ctx, Carrier.LDAP);
            s.onToken(Direction.TO_SERVER, INIT_NTLM, 0, n);
            if (n > 2 && n < INIT_NTLM.length) {
                assertTrue(ctx.anomalies().contains("gssapi.malformed_token")
                        || ctx.anomalies().contains("ntlmssp.malformed_message"), "cut at " + n + ": " + ctx.anomalies());
            }
        }
    }

    @Test
    void limitsShrunk() {
        RecordingContext ctx = new RecordingContext();
        new GssTokenDecoder(KerberosTokenHook.NONE, new GssapiLimits(16, 4, 16),
                io.impacketsensor.decoders.ntlmssp.NtlmsspLimits.DEFAULTS).newSession(ctx, Carrier.SMB2)
                .onToken(Direction.TO_SERVER, INIT_NTLM, 0, INIT_NTLM.length);
        assertEquals(List.of("gssapi.token_too_large"), ctx.anomalies());
        ctx = new RecordingContext();
        new GssTokenDecoder(KerberosTokenHook.NONE, new GssapiLimits(1 << 20, 1, 16),
                io.impacketsensor.decoders.ntlmssp.NtlmsspLimits.DEFAULTS).newSession(ctx, Carrier.SMB2)
                .onToken(Direction.TO_SERVER, INIT_NTLM, 0, INIT_NTLM.length);
        assertEquals(List.of("gssapi.too_deep"), ctx.anomalies());
        byte[] many = Hex.decode("a018301606092a864882f71201020206092a864886f712010202");
        byte[] seq = concat(Hex.decode("30" + String.format("%02x", many.length)), many);
        byte[] tok = concat(Hex.decode("a0" + String.format("%02x", seq.length)), seq);
        GssapiParser p = new GssapiParser(new GssapiLimits(1 << 20, 4, 1));
        assertEquals(ParseStatus.ERROR, p.parse(tok, 0, tok.length));
        assertEquals(GssapiAnomaly.TOO_MANY_MECHS, p.error);
    }

    /** Random byte flips (fixed seed) in SPNEGO-wrapped and raw NTLMSSP tokens: never throws. */
    @Test
    void randomCorruptionNeverThrows() {
        java.util.Random rnd = new java.util.Random(7);
        byte[][] tokens = {INIT_NTLM, RESP_DONE, io.impacketsensor.decoders.ntlmssp.NtlmsspParserTest.AUTHENTICATE,
            io.impacketsensor.decoders.ntlmssp.NtlmsspParserTest.CHALLENGE};
        RecordingContext ctx = new RecordingContext();
        TokenSession s = new GssTokenDecoder((c, carrier, dir, buf, off, len) -> { }).newSession(ctx, Carrier.SMB2);
        for (int round = 0; round < 20000; round++) {
            byte[] t = tokens[rnd.nextInt(tokens.length)].clone();
            for (int k = rnd.nextInt(5); k > 0; k--) {
                t[rnd.nextInt(t.length)] = (byte) rnd.nextInt(256);
            }
            s.onToken(Direction.TO_SERVER, t, 0, rnd.nextInt(t.length + 1));
            if (rnd.nextInt(10) == 0) {
                s.onResult(0);
            }
        }
        s.close();
        assertTrue(ctx.events.size() > 0);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
