package io.impacketsensor.cli;

import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Public captures through the real pipeline and a fresh engine (provenance in
 * sensor-core's {@code pcaps-fixtures/README.md}): DCOM lateral movement named only by the activated CLSID,
 * Sysinternals PsExec creating its service with CreateServiceWOW64W (sealed), and an AT job on a
 * pipe opened before the capture started; a benign WMI session stays silent.
 */
class PublicDcerpcGoldenTest {
    @TempDir
    static Path dir;

    private static List<Alert> run(String resource) throws Exception {
        Path pcap = dir.resolve(Path.of(resource).getFileName().toString());
        try (InputStream in = PublicDcerpcGoldenTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            Files.copy(in, pcap);
        }
        CaptureDetection.Result r = CaptureDetection.run(pcap, CaptureConfig.DEFAULTS, EngineConfig.defaults());
        assertNull(r.failure());
        return r.alerts();
    }

    private static Set<String> types(List<Alert> alerts) {
        Set<String> out = new LinkedHashSet<>();
        alerts.forEach(a -> out.add(a.analysis().attackType().id()));
        return out;
    }

    private static void assertDcomexec(String pcap, String name, String clsid) throws Exception {
        List<Alert> alerts = run("/pcaps-fixtures/" + pcap);
        Alert a = alerts.stream().filter(x -> x.analysis().attackType().id().equals("dcomexec")).findFirst()
                .orElseThrow(() -> new AssertionError(pcap + ": " + types(alerts)));
        String want = "DCOM activation of a remote-execution object: " + name + " {" + clsid
                + "} (RemoteGetClassObject)";
        assertTrue(a.analysis().indicators().contains(want), a.analysis().indicators()::toString);
        assertEquals("172.18.39.5", a.header().clientIp().getHostAddress());
        assertEquals("block", a.analysis().action().id());
    }

    @Test
    void empireShellWindows() throws Exception {
        assertDcomexec("otrf_empire_dcom_shellwindows.pcap", "ShellWindows", "9BA05972-F6A8-11CF-A442-00A0C90A8F39");
    }

    @Test
    void covenantExcelRegisterXll() throws Exception {
        assertDcomexec("otrf_covenant_dcom_registerxll.pcap", "Excel.Application", "00024500-0000-0000-C000-000000000046");
    }

    @Test
    void covenantInternetExplorerIertutilHijack() throws Exception {
        assertDcomexec("otrf_covenant_dcom_iertutil.pcap", "InternetExplorer.Application",
                "0002DF01-0000-0000-C000-000000000046");
    }

    @Test
    void kerberosWmiSessionIsSilent() throws Exception {
        assertEquals(Set.of(), types(run("/pcaps/public/zeek_zeek/testing/btest/Traces/dce-rpc/kerberos135_auth.pcapng")));
    }

    @Test
    void psexecCreateServiceWow64wSealed() throws Exception {
        assertTrue(types(run("/pcaps/public/OISF_suricata-verify/tests/dcerpc/dcerpc-dce-iface-01/"
                + "20171220_smb_psexec_mimikatz_ticket_dump-s2.pcap")).contains("psexec"));
    }

    @Test
    void atJobOnAPipeOpenedBeforeTheCapture() throws Exception {
        List<Alert> alerts = run("/pcaps/public/401trg_detections/pcaps/20171220_smb_at_schedule.pcap");
        Alert a = alerts.stream().filter(x -> x.analysis().attackType().id().equals("atexec")).findFirst()
                .orElseThrow(() -> new AssertionError(types(alerts).toString()));
        // NetrJobAdd travels over NDR64 here; its command is decoded all the same.
        assertTrue(a.analysis().indicators().contains("AT job added: c:\\mimikatz.exe"), a.analysis().indicators()::toString);
    }
}
