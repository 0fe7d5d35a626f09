package io.impacketsensor.decoders.smb1;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.Decoders;
import io.impacketsensor.decoders.testutil.PcapStreams;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden checks on the two 401trg captures in {@code pcaps/smb1} (README there): Metasploit's SMB1
 * psexec with pass-the-hash, and {@code net user /domain} from Windows, which opens with an SMB1
 * NEGOTIATE and continues in SMB2 on the same connection.
 */
class Smb1CaptureTest {

    static List<SensorEvent> events(String name) throws Exception {
        Path pcap = Path.of(Smb1CaptureTest.class.getResource("/pcaps/smb1/" + name).toURI());
        AnalyzerFactory f = Decoders.forWorker(DecoderConfig.defaults()).get(0);
        List<SensorEvent> out = new ArrayList<>();
        for (PcapStreams.Conn c : PcapStreams.run(pcap, new int[]{445, 139}, f::create)) {
            out.addAll(c.ctx.events);
        }
        return out;
    }

    static <T> List<T> of(List<SensorEvent> ev, Class<T> type) {
        return ev.stream().filter(type::isInstance).map(type::cast).toList();
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
        List<SmbEvent.Smb2SessionSetup> ss = of(ev, SmbEvent.Smb2SessionSetup.class);
        assertEquals("ntlmssp", ss.get(ss.size() - 1).mechanism());
        assertEquals(0, ss.get(ss.size() - 1).status());
        assertEquals(List.of("\\\\192.168.10.31\\IPC$", "\\\\192.168.10.31\\ADMIN$", "\\\\192.168.10.31\\IPC$"),
                of(ev, SmbEvent.Smb2TreeConnect.class).stream().map(SmbEvent.Smb2TreeConnect::path).toList());
        List<SmbEvent.Smb2Create> cr = of(ev, SmbEvent.Smb2Create.class);
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

    @Test
    void windowsSmb1NegotiateThenSmb2() throws Exception {
        List<SensorEvent> ev = events("20171220_smb_net_user.pcap");
        assertEquals(1, of(ev, SmbEvent.Smb1Negotiate.class).size());
        assertEquals(0, of(ev, SmbEvent.Smb1Usage.class).size());
        assertTrue(of(ev, SmbEvent.Smb2Negotiate.class).size() >= 1);
        assertTrue(of(ev, SmbEvent.Smb2Create.class).stream().allMatch(c -> c.smb1Command() == SmbEvent.NOT_SMB1));
        assertTrue(of(ev, DcerpcEvent.DcerpcRequest.class).stream().anyMatch(r -> "samr".equals(r.namedPipe())));
    }
}
