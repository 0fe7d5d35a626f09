package io.impacketsensor.cli;

import io.impacketsensor.core.testkit.Captures;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.capture.PcapFileChain;
import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.packet.SymmetricFlowHash;
import io.impacketsensor.core.pipeline.CapturePipeline;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import io.impacketsensor.detection.engine.DetectionEngine;
import io.impacketsensor.detection.eve.NtlmRecords;
import io.impacketsensor.detection.response.BlocklistStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        Path pcap = Captures.pub("401trg_detections/pcaps/20171220_smb_metasploit_psexec_pth_download_meterpreter.pcap");
        assertTrue(Files.isRegularFile(pcap), pcap.toAbsolutePath().toString());
        assertTrue(raised(pcap).contains("psexec"), raised(pcap).toString());
    }

    /**
     * A legacy SMB1 login relayed: Zeek's smb1_transaction_request.pcap (Samba's NEGOTIATE response
     * without extended security, challenge 436d271584aa1a25, then a GUEST login) replayed as two
     * connections, 10.0.0.5 to 10.0.0.66 and 0.5 s later 10.0.0.66 to 10.0.0.10 (sensor-core's pcaps-fixtures/README.md): the same
     * server challenge on both is ntlmrelayx's signature, now visible without NTLMSSP.
     */
    @Test
    void sameChallengeOnTwoLegacySmb1LoginsIsNtlmRelay() throws Exception {
        Path pcap = Captures.fixture("smb1_legacy_relay.pcap");
        CaptureDetection.Result r = CaptureDetection.run(pcap, CaptureConfig.DEFAULTS, EngineConfig.defaults());
        assertNull(r.failure());
        Alert relay = r.alerts().stream().filter(a -> a.analysis().attackType().id().equals("ntlm_relay"))
                .findFirst().orElseThrow(() -> new AssertionError(r.alerts().toString()));
        assertTrue(relay.analysis().indicators().stream().anyMatch(i -> i.startsWith("Same NTLM server challenge")),
                relay.analysis().indicators().toString());
    }

    /**
     * A synthetic NTLMv1 login without extended security (MS-CIFS 2.2.4.53.1: 24-byte LM and NTLM
     * responses) through the packet path and the decoders: the engine reports the NTLMv1 indicator,
     * and the EVE ntlm records say carrier smb1.
     */
    @Test
    void legacyNtlmv1LoginReachesTheEngine() throws Exception {
        Path pcap = Smb1LegacyPcap.ntlmv1Login(dir.resolve("ntlmv1.pcap"));
        List<SensorEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (PcapFileChain chain = PcapFileChain.open(List.of(pcap))) {
            CapturePipeline pipeline = new CapturePipeline(chain, new SymmetricFlowHash(),
                    SensorRun.processors(CaptureConfig.DEFAULTS.flowLimits()), events::add,
                    CaptureConfig.DEFAULTS.pipeline(0));
            assertTrue(pipeline.run());
        }
        NtlmEvent.NtlmAuthenticate auth = events.stream().filter(NtlmEvent.NtlmAuthenticate.class::isInstance)
                .map(NtlmEvent.NtlmAuthenticate.class::cast).findFirst().orElseThrow();
        assertEquals(1, auth.ntlmVersion());
        assertEquals(Carrier.SMB1, auth.carrier());
        assertEquals(Smb1LegacyPcap.LOGON_FAILURE, auth.status());
        DetectionEngine engine = new DetectionEngine(EngineConfig.defaults(), BlocklistStore.NONE);
        List<String> indicators = new ArrayList<>();
        for (SensorEvent e : events) {
            indicators.addAll(engine.process(e).analysis().indicators());
        }
        assertTrue(indicators.contains("NTLMv1 authentication by bob"), indicators.toString());
        // No NTLMSSP message: the MIC, signing and Impacket-client checks do not apply.
        assertFalse(indicators.stream().anyMatch(i -> i.contains("MIC") || i.contains("signing")), indicators.toString());
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            NtlmRecords.write(g, auth);
        }
        assertTrue(out.toString().contains("\"carrier\":\"smb1\""), out.toString());
        assertTrue(out.toString().contains("\"ntlm_version\":\"v1\""), out.toString());
    }

    @Test
    void benignSmb1CapturesAreSilent() throws Exception {
        for (String rel : List.of("OISF_suricata-verify/tests/smb-named-pipe-ascii/input.pcap",
                "OISF_suricata-verify/tests/smb1-02/smb1_osx.pcap",
                "OISF_suricata-verify/tests/output-eve-smb-01/input.pcap",
                "arkime_arkime/tests/pcap/smbtorture-ntlmssp.pcap",
                "arkime_arkime/tests/pcap/smb-smbclient.pcap",
                "zeek_zeek/testing/btest/Traces/smb/smb1_transaction_request.pcap",
                "zeek_zeek/testing/btest/Traces/smb/smb1_transaction_response.pcap",
                "zeek_zeek/testing/btest/Traces/smb/raw_ntlm_in_smb.pcap",
                "zeek_zeek/testing/btest/Traces/smb/dssetup_DsRoleGetPrimaryDomainInformation_standalone_workstation.cap")) {
            assertEquals(Set.of(), raised(Captures.pub(rel)), rel);
        }
    }
}
