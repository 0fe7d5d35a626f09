package io.impacketsensor.decoders.smb1;

import io.impacketsensor.core.testkit.Captures;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.wire.Hex;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.Decoders;
import io.impacketsensor.core.testkit.Replay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden checks on the two 401trg captures named in {@code pcaps/smb1/CAPTURES.tsv} (README there): Metasploit's SMB1
 * psexec with pass-the-hash, and {@code net user /domain} from Windows, which opens with an SMB1
 * NEGOTIATE and continues in SMB2 on the same connection.
 */
class Smb1CaptureTest {

    @TempDir
    static Path tmp;

    static List<SensorEvent> events(String name) throws Exception {
        return events(Captures.index("/pcaps/smb1/CAPTURES.tsv").get(name));
    }

    /** A public capture of sensor-core's test-jar ({@code /pcaps/public/...}), copied to a file. */
    static List<SensorEvent> publicEvents(String rel) throws Exception {
        Path copy = tmp.resolve(rel.replace('/', '_'));
        if (!Files.exists(copy)) {
            try (InputStream in = Smb1CaptureTest.class.getResourceAsStream("/pcaps/public/" + rel)) {
                assertNotNull(in, "sensor-core test-jar resource /pcaps/public/" + rel);
                Files.copy(in, copy);
            }
        }
        return events(copy);
    }

    static List<SensorEvent> events(Path pcap) throws Exception {
        AnalyzerFactory f = Decoders.forWorker(DecoderConfig.defaults()).get(0);
        List<SensorEvent> out = new ArrayList<>();
        for (List<SensorEvent> flow : Replay.byFlow(Replay.events(pcap, List.of(f)))) {
            out.addAll(flow);
        }
        return out;
    }

    static <T> List<T> of(List<SensorEvent> ev, Class<T> type) {
        return ev.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /**
     * suricata-verify smb1-02 (a Mac OS X SMBFS client against a QNAP's Samba, three connections):
     * the NEGOTIATE response's chosen dialect and ServerGUID, SESSION_SETUP_ANDX NativeOS and
     * NativeLanMan both ways with the header's TID, and a DOS-class error (Flags2 without
     * SMB_FLAGS2_NT_STATUS) on LOGOFF_ANDX, as tshark shows them (frames 14, 16, 18, 22).
     */
    @Test
    void negotiateResponseNativeStringsAndDosErrors() throws Exception {
        List<SensorEvent> ev = publicEvents("OISF_suricata-verify/tests/smb1-02/smb1_osx.pcap");
        List<SmbEvent.Smb1NegotiateResponse> neg = of(ev, SmbEvent.Smb1NegotiateResponse.class);
        assertEquals(3, neg.size());
        assertEquals(0, neg.get(0).dialectIndex());
        assertEquals(0, neg.get(0).status());
        assertEquals("31347374-0032-0000-0000-000000000000",
                io.impacketsensor.core.wire.Guids.fromLittleEndian(neg.get(0).serverGuid(), 0).toString());
        SmbEvent.SmbSessionSetup s = of(ev, SmbEvent.SmbSessionSetup.class).get(0);
        assertEquals("Mac OS X 10.10", s.requestNativeOs());
        assertEquals("SMBFS 3.0.0", s.requestNativeLm());
        assertEquals("QTS", s.responseNativeOs());
        assertEquals("Samba 4.4.16", s.responseNativeLm());
        assertEquals(0xFFFF, s.treeId());
        assertEquals(0xC0000016L, s.status());
        SmbEvent.SmbCommand logoff = of(ev, SmbEvent.SmbCommand.class).stream()
                .filter(c -> c.smb1Command() == 0x74).findFirst().orElseThrow();
        // ERRSRV (2) / ERRbaduid (0x5b), marked as a DOS error.
        assertEquals(SmbEvent.DOS_ERROR | 0x005B0002L, logoff.status());
    }

    @Test
    void metasploitPsexecOverSmb1() throws Exception {
        List<SensorEvent> ev = events("20171220_smb_metasploit_psexec_pth_download_meterpreter.pcap");
        // Metasploit's (Rex) dialect offer, not Impacket's.
        assertEquals(List.of("LANMAN1.0", "LM1.2X002", "NT LANMAN 1.0", "NT LM 0.12"),
                of(ev, SmbEvent.Smb1Negotiate.class).get(0).dialects());
        NtlmEvent.NtlmAuthenticate a = of(ev, NtlmEvent.NtlmAuthenticate.class).get(0);
        assertEquals("JeffV", a.user());
        assertEquals("contoso.local", a.domain());
        assertEquals(0, a.status());
        // Extended security: NTLMSSP in SESSION_SETUP_ANDX, carrier smb1 (tshark ntlmssp.ntlmv2_response.ntproofstr).
        assertEquals(Carrier.SMB1, a.carrier());
        assertEquals("77a1fd02354a7769ceceebf74dfe60cd", Hex.encode(a.ntProofStr()));
        assertEquals(Carrier.SMB1, of(ev, NtlmEvent.NtlmChallenge.class).get(0).carrier());
        List<SmbEvent.SmbSessionSetup> ss = of(ev, SmbEvent.SmbSessionSetup.class);
        assertEquals("ntlmssp", ss.get(ss.size() - 1).mechanism());
        assertEquals(0, ss.get(ss.size() - 1).status());
        assertEquals(List.of("\\\\192.168.10.31\\IPC$", "\\\\192.168.10.31\\ADMIN$", "\\\\192.168.10.31\\IPC$"),
                of(ev, SmbEvent.SmbTreeConnect.class).stream().map(SmbEvent.SmbTreeConnect::path).toList());
        List<SmbEvent.SmbCreate> cr = of(ev, SmbEvent.SmbCreate.class);
        assertEquals("System32\\WindowsPowerShell\\v1.0\\powershell.exe", cr.get(0).fileName());
        assertEquals(0x2D, cr.get(0).smb1Command());
        assertEquals("\\svcctl", cr.get(1).fileName());
        assertTrue(cr.get(1).namedPipe());
        // svcctl over WRITE_ANDX/READ_ANDX: OpenSCManagerW, CreateServiceW, StartServiceW, DeleteService, Close.
        List<Integer> ops = of(ev, DcerpcEvent.DcerpcRequest.class).stream()
                .filter(r -> "svcctl".equals(r.namedPipe())).map(DcerpcEvent.DcerpcRequest::opnum).distinct().toList();
        assertTrue(ops.containsAll(List.of(15, 12, 19, 2, 0)), ops.toString());
        for (SensorEvent e : ev) {
            assertTrue(!(e instanceof io.impacketsensor.core.event.ProtocolAnomaly pa) || !pa.name().startsWith("smb"),
                    e.toString());
        }
    }

    /**
     * Zeek's smb1_transaction_request.pcap: Samba asks for challenge/response (SecurityMode 0x03)
     * and a Windows client logs on as GUEST without extended security, with a 4-byte clear-text
     * password. Every value below is what tshark 4.0 shows in the named frame.
     */
    @Test
    void zeekGuestLoginWithoutExtendedSecurity() throws Exception {
        List<SensorEvent> ev = publicEvents("zeek_zeek/testing/btest/Traces/smb/smb1_transaction_request.pcap");
        // Frame 6: smb.challenge 436d271584aa1a25, smb.primary_domain TEST, smb.server JESSIE.
        NtlmEvent.NtlmChallenge ch = of(ev, NtlmEvent.NtlmChallenge.class).get(0);
        assertEquals(Carrier.SMB1, ch.carrier());
        assertEquals("436d271584aa1a25", Hex.encode(ch.serverChallenge()));
        assertEquals("TEST", ch.targetName());
        assertEquals("TEST", ch.nbDomain());
        assertEquals("JESSIE", ch.nbComputer());
        // Frame 8: smb.account GUEST, smb.primary_domain "", smb.ansi_pwlen 4, smb.unicode_pwlen 0;
        // frame 9: DOS error class 0 (success).
        List<NtlmEvent.NtlmAuthenticate> auths = of(ev, NtlmEvent.NtlmAuthenticate.class);
        assertEquals(1, auths.size());
        NtlmEvent.NtlmAuthenticate a = auths.get(0);
        assertEquals(Carrier.SMB1, a.carrier());
        assertEquals("GUEST", a.user());
        assertEquals("", a.domain());
        assertEquals("", a.workstation());
        assertEquals(4, a.lmResponseLength());
        assertEquals(0, a.ntResponseLength());
        assertEquals(0, a.ntlmVersion());
        assertFalse(a.anonymous());
        assertEquals("436d271584aa1a25", Hex.encode(a.serverChallenge()));
        assertEquals(0, a.status());
        // Four bytes are no challenge response: a clear-text password, flagged, its bytes not kept.
        List<ProtocolAnomaly> an = of(ev, ProtocolAnomaly.class);
        assertEquals(List.of("smb1.plaintext_password"), an.stream().map(ProtocolAnomaly::name).toList());
        assertFalse(an.get(0).detail().contains("Pass"), an.get(0).detail());
    }

    /** Arkime's smb-smbclient.pcap: Samba smbclient to Samba, Unicode, user "user" of WORKGROUP with an empty password. */
    @Test
    void arkimeSmbclientLoginWithoutExtendedSecurity() throws Exception {
        List<SensorEvent> ev = publicEvents("arkime_arkime/tests/pcap/smb-smbclient.pcap");
        // Frame 6: smb.sm 0x02, smb.challenge e0370c34b7663b6d, smb.primary_domain WORKGROUP, no smb.server.
        NtlmEvent.NtlmChallenge ch = of(ev, NtlmEvent.NtlmChallenge.class).get(0);
        assertEquals("e0370c34b7663b6d", Hex.encode(ch.serverChallenge()));
        assertEquals("WORKGROUP", ch.targetName());
        assertEquals("", ch.nbComputer());
        // Frame 8: smb.account user, smb.primary_domain WORKGROUP, smb.ansi_pwlen 0, smb.unicode_pwlen 2
        // (smb.unicode_password 0000); frame 9: NT status 0.
        NtlmEvent.NtlmAuthenticate a = of(ev, NtlmEvent.NtlmAuthenticate.class).get(0);
        assertEquals("user", a.user());
        assertEquals("WORKGROUP", a.domain());
        assertEquals(0, a.lmResponseLength());
        assertEquals(2, a.ntResponseLength());
        assertEquals(0, a.ntlmVersion());
        assertEquals(0, a.status());
        assertEquals(List.of("smb1.plaintext_password"),
                of(ev, ProtocolAnomaly.class).stream().map(ProtocolAnomaly::name).toList());
    }

    @Test
    void windowsSmb1NegotiateThenSmb2() throws Exception {
        List<SensorEvent> ev = events("20171220_smb_net_user.pcap");
        assertEquals(1, of(ev, SmbEvent.Smb1Negotiate.class).size());
        assertEquals(0, of(ev, SmbEvent.Smb1Usage.class).size());
        assertTrue(of(ev, SmbEvent.Smb2Negotiate.class).size() >= 1);
        assertTrue(of(ev, SmbEvent.SmbCreate.class).stream().allMatch(c -> c.smb1Command() == SmbEvent.NOT_SMB1));
        assertTrue(of(ev, DcerpcEvent.DcerpcRequest.class).stream().anyMatch(r -> "samr".equals(r.namedPipe())));
    }
}
