package io.impacketsensor.cli;

import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SMB1-carried attacks through the real pipeline and engine: Metasploit psexec over SMB1 (401trg,
 * the copy in protocol-decoders' test resources) raises psexec; benign SMB1 captures (sensor-core's
 * test-jar, public/) raise nothing.
 */
class Smb1DetectionTest {
    @TempDir
    Path dir;

    static Set<String> raised(Path pcap) throws Exception {
        CaptureDetection.Result r = CaptureDetection.run(pcap, CaptureConfig.DEFAULTS, EngineConfig.defaults());
        assertNull(r.failure());
        Set<String> out = new TreeSet<>();
        for (Alert a : r.alerts()) {
            out.add(a.analysis().attackType().id());
        }
        return out;
    }

    @Test
    void metasploitPsexecOverSmb1IsPsexec() throws Exception {
        // Tests run in the module directory; the capture lives with the SMB1 decoder's tests.
        Path pcap = Path.of("../protocol-decoders/src/test/resources/pcaps/smb1/"
                + "20171220_smb_metasploit_psexec_pth_download_meterpreter.pcap");
        assertTrue(Files.isRegularFile(pcap), pcap.toAbsolutePath().toString());
        assertTrue(raised(pcap).contains("psexec"), raised(pcap).toString());
    }

    @Test
    void benignSmb1CapturesAreSilent() throws Exception {
        for (String rel : List.of("OISF_suricata-verify/tests/smb-named-pipe-ascii/input.pcap",
                "OISF_suricata-verify/tests/smb1-02/smb1_osx.pcap",
                "OISF_suricata-verify/tests/output-eve-smb-01/input.pcap",
                "arkime_arkime/tests/pcap/smbtorture-ntlmssp.pcap",
                "arkime_arkime/tests/pcap/smb-smbclient.pcap",
                "zeek_zeek/testing/btest/Traces/smb/raw_ntlm_in_smb.pcap",
                "zeek_zeek/testing/btest/Traces/smb/dssetup_DsRoleGetPrimaryDomainInformation_standalone_workstation.cap")) {
            Path copy = dir.resolve(rel.replace('/', '_'));
            try (InputStream in = getClass().getResourceAsStream("/pcaps/public/" + rel)) {
                assertNotNull(in, "sensor-core test-jar resource /pcaps/public/" + rel);
                Files.copy(in, copy);
            }
            assertEquals(Set.of(), raised(copy), rel);
        }
    }
}
