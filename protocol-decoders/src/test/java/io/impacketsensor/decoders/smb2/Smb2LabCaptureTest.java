package io.impacketsensor.decoders.smb2;

import io.impacketsensor.decoders.smb.SmbAnalyzerFactory;
import io.impacketsensor.core.testkit.Captures;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.Decoders;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.decoders.testutil.RecordingPipes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole lab captures (named in src/test/resources/pcaps/smb2/CAPTURES.tsv, see its README) through the SMB2 analyzer. */
class Smb2LabCaptureTest {

    static Path pcap(String name) throws Exception {
        return Captures.index("/pcaps/smb2/CAPTURES.tsv").get(name);
    }

    static List<SensorEvent> run(String name, DecoderConfig config) throws Exception {
        SmbAnalyzerFactory f = (SmbAnalyzerFactory) Decoders.forWorker(config).get(0);
        List<SensorEvent> all = new ArrayList<>();
        for (List<SensorEvent> flow : Replay.byFlow(Replay.events(pcap(name), List.of(f)))) {
            all.addAll(flow);
        }
        return all;
    }

    static <T> List<T> of(List<SensorEvent> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"atk_psexec.smbenc.pcap", "atk_smbclient_pth.smbenc.pcap",
            "atk_secretsdump_pth.smbenc.pcap", "atk_services.smbenc.pcap"})
    void encryptedVariantsStillShowNegotiateSessionSetupAndNtlm(String name) throws Exception {
        List<SensorEvent> ev = run(name, DecoderConfig.defaults());
        List<SmbEvent.Smb2Encrypted> enc = of(ev, SmbEvent.Smb2Encrypted.class);
        // Once per session: every successful session setup (one per connection here) and no more.
        List<SmbEvent.SmbSessionSetup> done = of(ev, SmbEvent.SmbSessionSetup.class).stream()
                .filter(s -> s.status() == 0).toList();
        assertFalse(enc.isEmpty());
        // (atk_services.smbenc frame 47 is a real TRANSFORM naming session 0: Impacket's last message.)
        List<String> encrypted = enc.stream().map(e -> e.header().flowId() + "/" + e.sessionId()).toList();
        assertEquals(encrypted.stream().distinct().count(), encrypted.size(), "at most once per session");
        assertTrue(encrypted.containsAll(done.stream().map(s -> s.header().flowId() + "/" + s.sessionId()).toList()));
        assertEquals(0x0300, of(ev, SmbEvent.Smb2Negotiate.class).get(1).dialect());
        NtlmEvent.NtlmAuthenticate auth = of(ev, NtlmEvent.NtlmAuthenticate.class).get(0);
        assertEquals("Administrator", auth.user());
        assertEquals(0, auth.status());
        assertEquals(Carrier.SMB2, auth.carrier());
        assertNotNull(auth.serverChallenge());
        assertFalse(auth.micPresent(), "Impacket sends no MIC");
        assertTrue(of(ev, SmbEvent.SmbTreeConnect.class).isEmpty(), "tree connects are encrypted");
    }

    @Test
    void psexecEventsAndCompletePipeStreams() throws Exception {
        RecordingPipes pipes = new RecordingPipes();
        List<SensorEvent> ev = run("atk_psexec.pcap", DecoderConfig.defaults().withPipes(pipes));
        assertEquals(List.of("NT LM 0.12", "SMB 2.002", "SMB 2.???"), of(ev, SmbEvent.Smb1Negotiate.class).get(0).dialects());
        SmbEvent.SmbCreate exe = of(ev, SmbEvent.SmbCreate.class).stream()
                .filter(c -> c.fileName().endsWith(".exe")).findFirst().orElseThrow();
        assertTrue(exe.fileName().matches("[A-Za-z]{8}\\.exe"), exe.fileName());
        assertEquals("\\\\10.99.0.1\\ADMIN$", exe.share());
        SmbEvent.SmbWrite upload = of(ev, SmbEvent.SmbWrite.class).stream()
                .filter(w -> !w.namedPipe()).findFirst().orElseThrow();
        assertEquals(exe.fileName(), upload.fileName());
        assertEquals(56320, upload.length());
        assertEquals(List.of("svcctl", "srvsvc", "svcctl"), pipes.pipes.stream().map(p -> p.name).toList());
        for (RecordingPipes.Pipe p : pipes.pipes) {
            assertWholeDcerpcPdus(p.toServer.toByteArray());
            assertWholeDcerpcPdus(p.toClient.toByteArray());
            assertTrue(p.closed);
            assertEquals(0, p.gapBytes);
        }
        assertTrue(pipes.pipes.get(2).toServer.size() > 0, "svcctl binds and calls");
    }

    /** The stream is exactly a sequence of DCE/RPC CO PDUs (MS-RPCE 12.6.4: version 5, frag_length at 8). */
    static void assertWholeDcerpcPdus(byte[] s) {
        int pos = 0;
        while (pos < s.length) {
            assertEquals(5, s[pos], "rpc version at " + pos);
            int frag = (s[pos + 8] & 0xFF) | (s[pos + 9] & 0xFF) << 8;
            assertTrue(frag >= 16);
            pos += frag;
        }
        assertEquals(s.length, pos);
    }

    @Test
    void smb311NegotiateContextsAndNtlmWithMic() throws Exception {
        List<SensorEvent> ev = run("ben_smb_ntlm_files.pcap", DecoderConfig.defaults());
        SmbEvent.Smb2Negotiate n = of(ev, SmbEvent.Smb2Negotiate.class).get(0);
        assertEquals(List.of(0x202, 0x210, 0x300, 0x302, 0x311), n.clientDialects());
        assertEquals(0x311, n.dialect());
        assertEquals(4, n.contextCount());
        assertEquals(List.of(1), n.hashAlgorithms(), "SHA-512");
        assertEquals(32, n.saltLength());
        assertEquals(32, n.salt().length);
        assertFalse(n.ciphers().isEmpty());
        assertEquals(16, n.clientGuid().length);
        assertNotNull(n.serverGuid());
        NtlmEvent.NtlmAuthenticate a = of(ev, NtlmEvent.NtlmAuthenticate.class).get(0);
        assertTrue(a.micPresent());
        assertEquals(2, a.msvAvFlags());
        assertEquals("alice", a.user());
        SmbEvent.Smb2QueryDirectory q = of(ev, SmbEvent.Smb2QueryDirectory.class).get(0);
        assertEquals("*", q.pattern());
        assertEquals("\\\\dc1.lab.test\\share", q.share());
    }

    @Test
    void kerberosTokensReachTheHook() throws Exception {
        List<Integer> firstBytes = new ArrayList<>();
        List<SensorEvent> ev = run("ben_smb_kerberos.pcap", DecoderConfig.defaults()
                .withKerberos((ctx, carrier, dir, buf, off, len) -> firstBytes.add(buf[off] & 0xFF)));
        assertEquals(List.of(0x6E, 0x6F), firstBytes, "AP-REQ then AP-REP");
        assertEquals("kerberos", of(ev, SmbEvent.SmbSessionSetup.class).get(0).mechanism());
        assertTrue(of(ev, NtlmEvent.class).isEmpty());
    }

    /** The whole psexec stream delivered one byte per call gives the same events. */
    @Test
    void oneBytePerCallGivesTheSameEvents() throws Exception {
        SmbAnalyzerFactory f = (SmbAnalyzerFactory) Decoders.forWorker().get(0);
        List<String> whole = new ArrayList<>();
        for (List<SensorEvent> flow : Replay.byFlow(Replay.events(pcap("atk_psexec.pcap"), List.of(f)))) {
            flow.forEach(e -> whole.add(Smb2AnalyzerTest.strip(e)));
        }
        List<String> bytewise = new ArrayList<>();
        SmbAnalyzerFactory g = (SmbAnalyzerFactory) Decoders.forWorker().get(0);
        for (List<SensorEvent> flow : Replay.byFlow(Replay.events(pcap("atk_psexec.pcap"),
                List.of(Replay.wrapping(g, Replay::bytewise))))) {
            flow.forEach(e -> bytewise.add(Smb2AnalyzerTest.strip(e)));
        }
        assertTrue(whole.size() > 30, whole.size() + " events");
        assertEquals(whole, bytewise);
    }

    @Test
    void relayedAuthenticationKeepsTheDcChallenge() throws Exception {
        RecordingContext unused = new RecordingContext();
        List<SensorEvent> ev = run("atk_ntlmrelayx_smb.pcap", DecoderConfig.defaults());
        List<NtlmEvent.NtlmChallenge> ch = of(ev, NtlmEvent.NtlmChallenge.class);
        List<NtlmEvent.NtlmAuthenticate> au = of(ev, NtlmEvent.NtlmAuthenticate.class);
        assertEquals(2, au.size(), "victim->relay and relay->DC");
        assertEquals(io.impacketsensor.core.wire.Hex.encode(au.get(0).ntProofStr()),
                io.impacketsensor.core.wire.Hex.encode(au.get(1).ntProofStr()), "the same NTLMv2 response, relayed");
        assertFalse(ch.isEmpty());
        assertNotNull(unused);
    }
}
