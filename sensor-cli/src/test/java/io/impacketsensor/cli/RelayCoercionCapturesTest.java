package io.impacketsensor.cli;

import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import io.impacketsensor.detection.model.Analysis;
import io.impacketsensor.detection.rules.Rule;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay and coercion correlators and Impacket's server-side fingerprints on real captures: the
 * lab's ntlmrelayx runs (victim 10.99.0.3, relay 10.99.0.2, Samba DC 10.99.0.1), corelight's
 * PetitPotam traces, and every other lab and public golden capture, where Samba's and Windows' SMB
 * servers must not look like Impacket's.
 */
class RelayCoercionCapturesTest {
    private static final Set<String> SERVER_SIDE = Set.of("impacket_ntlmrelayx_smbserver", "impacket_smbserver_ntlm_version",
            "impacket_ntlmrelayx_httpserver");

    private static CaptureDetection.Result run(Path pcap) throws Exception {
        CaptureDetection.Result r = CaptureDetection.run(pcap, CaptureConfig.DEFAULTS, EngineConfig.defaults());
        assertNull(r.failure());
        return r;
    }

    private static Set<String> hits(CaptureDetection.Result r) {
        Set<String> s = new TreeSet<>();
        for (Map.Entry<Rule, Long> e : r.ruleHits().entrySet()) {
            if (e.getValue() > 0) {
                s.add(e.getKey().name());
            }
        }
        return s;
    }

    private static List<String> indicators(CaptureDetection.Result r, String type) {
        List<String> out = new ArrayList<>();
        for (Alert a : r.alerts()) {
            if (a.analysis().attackType().id().equals(type)) {
                out.addAll(a.analysis().indicators());
            }
        }
        return out;
    }

    @Test
    void ntlmrelayxSmbToSmbIsReportedWithBothLegsAndTheRelayedSessionsRefusedTreeConnect() throws Exception {
        CaptureDetection.Result r = run(Captures.lab("atk_ntlmrelayx_smb.pcap"));
        assertTrue(hits(r).containsAll(Set.of("ntlm_relay_timing", "ntlm_relay_followup", "impacket_ntlmrelayx_smbserver")),
                hits(r).toString());
        String all = String.join("\n", indicators(r, "ntlm_relay"));
        // tshark: frames 19/20 (NEGOTIATEs 1.05 ms apart), 21/22 (challenge 4115d805fcc26ebc), 23/24 (LAB\da_carol from WS01).
        assertTrue(all.contains("victim leg smb2 10.99.0.3 -> 10.99.0.2:445 (SMB)"), all);
        assertTrue(all.contains("target leg smb2 10.99.0.2 -> 10.99.0.1:445 (SMB)"), all);
        assertTrue(all.contains("relayed 1.0 ms later"), all);
        assertTrue(all.contains("challenge 4115d805fcc26ebc forwarded, AUTHENTICATE forwarded as LAB\\da_carol from WS01"), all);
        assertTrue(all.contains("server requires SMB signing"), all);
        // tshark frames 31/33: the relay's tree connect to IPC$ is refused (the DC requires signing).
        assertTrue(all.contains("then: tree connect \\\\10.99.0.1\\IPC$ (status 0xc0000022)"), all);
        for (Alert a : r.alerts()) {
            if (a.analysis().rules().stream().anyMatch(h -> h.name().equals("impacket_ntlmrelayx_smbserver"))) {
                assertEquals("10.99.0.2", a.analysis().sourceIp(), a.toString());
            }
        }
    }

    /**
     * ntlmrelayx's HTTP listener (Python's SimpleHTTP server answering the victim's curl with the
     * relayed CHALLENGE): the fingerprint names the listener, not the victim, as the source.
     */
    @Test
    void ntlmrelayxHttpServerFingerprintNamesTheListener() throws Exception {
        for (String f : List.of("atk_relay_http_to_smb.i010.pcap", "atk_relay_http_to_smb.i014.pcap",
                "atk_relay_http_to_ldap.i014.pcap")) {
            CaptureDetection.Result r = run(Captures.lab(f));
            assertTrue(hits(r).contains("impacket_ntlmrelayx_httpserver"), f + ": " + hits(r));
            for (Alert a : r.alerts()) {
                if (a.analysis().rules().stream().anyMatch(h -> h.name().equals("impacket_ntlmrelayx_httpserver"))) {
                    assertEquals("10.99.0.2", a.analysis().sourceIp(), a.toString());
                }
            }
        }
    }

    @Test
    void ntlmrelayxSmbServerFingerprintOnTheLdapRelayRun() throws Exception {
        CaptureDetection.Result r = run(Captures.lab("atk_ntlmrelayx_ldap.pcap"));
        assertTrue(hits(r).contains("impacket_ntlmrelayx_smbserver"), hits(r).toString());
    }

    @Test
    void petitPotamAgainstTheUnpatchedDcIsOneCoercionChainFromCallToMachineAccountAuthentication() throws Exception {
        CaptureDetection.Result r = run(Captures.pub("corelight_PetitPotam/testing/Traces/UnPatchedDCOpenFileRaw.pcapng"));
        assertTrue(hits(r).containsAll(Set.of("coercion_efsrpc", "coercion_victim_authenticated")), hits(r).toString());
        Analysis last = null;
        for (Alert a : r.alerts()) {
            if (a.analysis().rules().stream().anyMatch(h -> h.name().equals("coercion_victim_authenticated"))) {
                last = a.analysis();
            }
        }
        assertTrue(last != null);
        assertEquals("192.168.0.15", last.sourceIp());
        assertEquals("192.168.0.85", last.targetIp());
        assertEquals(2, last.chain().size(), last.chain().toString());
        assertTrue(last.indicators().stream().anyMatch(s -> s.contains("NTLM over smb2 as RUSSIE\\ADDS-2-2019$")),
                last.indicators().toString());
    }

    /** The lab's coerce run: PrinterBug and DFSCoerce against the Samba DC, whose machine account then logs on to smbserver.py. */
    @Test
    void labCoercionOfTheSambaDcIsLinkedToItsMachineAccountLogonAtImpacketsSmbserver() throws Exception {
        CaptureDetection.Result r = run(Captures.fixture("lab_coerce_i010.pcap"));
        assertTrue(hits(r).containsAll(Set.of("coercion_printerbug", "coercion_dfscoerce", "coercion_victim_authenticated",
                "impacket_smbserver", "impacket_smbserver_ntlm_version")), hits(r).toString());
        String all = String.join("\n", indicators(r, "coercion"));
        assertTrue(all.contains("10.99.0.1 authenticated (NTLM over smb2 as LAB\\DC1$) to 10.99.0.2"), all);
        assertTrue(all.contains("called RpcRemoteFindFirstPrinterChangeNotificationEx naming \\\\10.99.0.2"), all);
    }

    private static final List<String> IMPACKET_SERVER_RUNS = List.of("atk_ntlmrelayx", "atk_relay_", "atk_coerce", "atk_smbserver",
            "atk_karmaSMB");

    @Test
    void sambaAndWindowsServersDoNotCarryImpacketsServerFingerprints() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (EvaluateCommand.Entry e : EvaluateCommand.readManifest(Captures.path("/pcaps/lab/MANIFEST.tsv"))) {
            // The relay and coercion runs have Impacket's own servers in them (ntlmrelayx's
            // listeners, smbserver.py as the coerced server's listener), and so do the smbserver.py and
            // karmaSMB.py runs: there the rules must fire.
            if (IMPACKET_SERVER_RUNS.stream().anyMatch(e.file()::startsWith)) {
                continue;
            }
            Set<String> h = hits(run(Captures.lab(e.file())));
            for (String s : SERVER_SIDE) {
                if (h.contains(s)) {
                    wrong.add(e.file() + ": " + s);
                }
            }
            if (h.contains("ntlm_relay_timing")) {
                wrong.add(e.file() + ": ntlm_relay_timing");
            }
        }
        for (EvaluateCommand.Entry e : EvaluateCommand.readManifest(Captures.path("/pcaps/public/GOLDEN.tsv"))) {
            Set<String> h = hits(run(Captures.pub(e.file())));
            for (String s : SERVER_SIDE) {
                if (h.contains(s)) {
                    wrong.add(e.file() + ": " + s);
                }
            }
            if (h.contains("ntlm_relay_timing")) {
                wrong.add(e.file() + ": ntlm_relay_timing");
            }
        }
        assertEquals(List.of(), wrong);
    }
}
