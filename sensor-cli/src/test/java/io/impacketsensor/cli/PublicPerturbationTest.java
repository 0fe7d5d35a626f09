package io.impacketsensor.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The public counterpart of {@link PerturbationMatrixTest}: the real Windows captures of the shared
 * public set ({@code shared/pcaps/public} beside the repository, with its MANIFEST.tsv; skipped when
 * it is not there), replayed with {@code evaluate --perturb MODE --seed 1} for the modes where some of
 * them are missed. Every attack capture is detected, except where {@link #LOST} says, for that
 * capture and mode, why its evidence does not reach the rules; a listed capture that is detected
 * fails the test as much as an unlisted one that is missed. Only the rows with a requirement are
 * replayed (the benign captures' silence in every mode is what {@code evaluate} over the whole set
 * shows, README "Imperfect copies"), so the test stays short.
 */
class PublicPerturbationTest {
    private static final String LATE_ALL = "the attack's requests all lie in the dropped first 0.1 s of the capture";
    private static final String SVC_CREATE_DROPPED = "the service creation (CreateService with its name and binary "
            + "path) and the session's NTLM AUTHENTICATE are in the dropped start; what is left (at most StartService, "
            + "and DeleteService, on a handle) names no service and no binary";
    private static final String SVCCTL_SEALED_WITHOUT_BIND = "the SVCCTL calls left (ROpenSCManagerW, ROpenServiceW, "
            + "RStartServiceW or RControlService, RQueryServiceStatus, RDeleteService) arrive on a context whose BIND was "
            + "dropped, sealed (PKT_PRIVACY): without RCreateServiceW SVCCTL is inferred only from the opening calls' "
            + "stub layouts, which sealing hides; and named, a service started, stopped and deleted without its "
            + "creation is no psexec";
    private static final String SVCCTL_INFERRED_MONITOR = "SVCCTL is inferred from ROpenSCManager2 and ROpenServiceW "
            + "(their stub layouts), so the DLL-hijack target opened and the ControlService stop are read, but on an "
            + "inferred interface service_dll_hijack_target (0.5) is weighed by 0.8: 0.4, monitor level";
    private static final String LDAP_FILTER_DROPPED = "the SearchRequest carrying the identity filter (SASL "
            + "integrity-wrapped, decoded when present) is among the dropped first frames of its connection; what is "
            + "left of the client's side there is root-DSE and schema reads, or nothing";
    private static final String DC_NOT_LEARNED = "samr_enumeration here is raised against a known domain controller, "
            + "learned from its Kerberos or LDAP answers; a copy of the clients' side carries none of them";
    private static final String SPRAY_NEEDS_FAILURES = "password spraying is counted on failed logons, which only "
            + "the server's answers (KRB-ERROR PREAUTH_FAILED, SESSION_SETUP status) say";
    private static final String PSEXEC_START_DROPPED = "the upload of PSEXESVC.exe and the session starting the "
            + "service are in the dropped start; the session left (named by its BIND) opens, stops and deletes the "
            + "service, which no psexec rule reads as an execution";
    private static final String DLL_CHAIN_FIRST_STEP = "the SVCCTL calls left are named (ControlService included), "
            + "but the chain's first step is a DLL written into System32 over an admin share, and the TREE_CONNECT "
            + "that names C$ is among the dropped 30 % of its connection (frame 501, the connection's 19th of 64); "
            + "the CREATE of Windows\\System32\\wlbsctrl.dll and its WRITEs survive on a tree whose share name was "
            + "never seen";

    /** Mode → capture (path in the manifest) → why the evidence does not survive. */
    static final LostEvidence LOST = new LostEvidence();

    private static final String T401 = "401trg_detections/pcaps/";
    private static final String SV = "OISF_suricata-verify/tests/";
    private static final String OTRF = "OTRF_Security-Datasets/datasets/atomic/windows/";
    private static final String LM = OTRF + "lateral_movement/network/";

    static {
        LOST.lost("late-join:0.1", LATE_ALL, T401 + "20171220_smb_at_schedule.pcap", T401 + "20171220_smb_net_user.pcap",
                SV + "dcerpc/dcerpc-smb-ctxid/input.pcap");
        LOST.lost("late-join:0.1", SVC_CREATE_DROPPED, T401 + "20171220_smb_metasploit_psexec_pth_download_meterpreter.pcap",
                LM + "empire_psexec_dcerpc_tcp_svcctl_WORKSTATION6_2020-09-20121608.cap");
        LOST.lost("late-join:0.1", SVCCTL_SEALED_WITHOUT_BIND,
                SV + "dcerpc/dcerpc-dce-iface-01/20171220_smb_psexec_mimikatz_ticket_dump-s2.pcap");
        LOST.lost("late-join:30%", PSEXEC_START_DROPPED, T401 + "20171220_smb_psexec_add_user.pcap");
        LOST.lost("late-join:30%", SVCCTL_SEALED_WITHOUT_BIND, T401 + "20171220_smb_psexec_mimikatz_ticket_dump.pcap",
                SV + "dcerpc/dcerpc-dce-iface-01/20171220_smb_psexec_mimikatz_ticket_dump-s2.pcap");
        LOST.lost("late-join:30%", SVCCTL_INFERRED_MONITOR, LM + "covenant_sharpsc_stop_dcerpc_smb_svcctl_2020-08-06031938.cap");
        LOST.lost("late-join:30%", DLL_CHAIN_FIRST_STEP, LM + "empire_shell_dcerpc_smb_service_dll_hijack_2020-09-21232839.cap");
        LOST.lost("late-join:30%", LDAP_FILTER_DROPPED,
                OTRF + "discovery/network/covenant_getdomaingroup_ldap_searchrequest_domain_admins_2020-09-22141005.cap",
                OTRF + "discovery/network/covenant_ldap_searchrequest_domainuser.cap");
        LOST.lost("one-way:client", DC_NOT_LEARNED, T401 + "20171220_smb_net_user.pcap",
                OTRF + "discovery/network/empire_shell_samr_EnumDomainUsers_2020-09-21193527.cap");
        LOST.lost("one-way:client", SPRAY_NEEDS_FAILURES, LM + "purplesharp_ad_playbook_I_2020-10-22042947.cap");
    }

    private static Path pub;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void findSharedSet() {
        // The shared captures sit beside the repository (or a worktree of it): shared/pcaps/public.
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("shared/pcaps/public");
            if (Files.isRegularFile(p.resolve("MANIFEST.tsv"))) {
                pub = p;
                return;
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"late-join:0.1", "late-join:30%", "one-way:client", "reorder:16", "loss:5%"})
    void everyPublicAttackWhoseEvidenceSurvivesIsDetected(String mode) throws Exception {
        assumeTrue(pub != null, "shared/pcaps/public not found beside the repository");
        List<EvaluateCommand.Entry> all = EvaluateCommand.readManifest(pub.resolve("MANIFEST.tsv"));
        List<String> header = List.of("file\texpected_attack_types");
        List<String> rows = new ArrayList<>(header);
        List<EvaluateCommand.Entry> required = new ArrayList<>();
        for (EvaluateCommand.Entry e : all) {
            String x = e.expected().trim();
            if (!x.equals("none") && !x.equals("optional") && !x.equals("out_of_scope")) {
                required.add(e);
                rows.add(e.file() + "\t" + e.expected());
            }
        }
        Map<String, String> lostHere = LOST.in(mode);
        for (String c : lostHere.keySet()) {
            assertTrue(required.stream().anyMatch(e -> e.file().equals(c)), mode + ": " + c + " is not a public attack");
        }
        Path manifest = tmp.resolve("required-" + mode.replaceAll("[^a-z0-9]", "_") + ".tsv");
        Files.write(manifest, rows);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "evaluate", pub.toString(),
                "--manifest", manifest.toString(), "--perturb", mode, "--seed", "1");
        Map<String, String> verdicts = new LinkedHashMap<>();
        for (String line : out.toString().split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 3 && verdictOf(cols) != null && cols[0].contains("/")) {
                verdicts.put(cols[0], verdictOf(cols));
            }
        }
        assertEquals(required.size(), verdicts.size(), out + " " + err);
        List<String> problems = LOST.problems(mode, required, verdicts);
        if (!problems.isEmpty()) {
            fail(mode + ":\n  " + String.join("\n  ", problems) + "\n" + out);
        }
        assertTrue(out.toString().contains("detected " + (required.size() - lostHere.size()) + "/" + required.size()
                + " required"), out.toString());
    }

    private static String verdictOf(String[] cols) {
        String last = cols[cols.length - 1];
        return last.equals("detected") || last.equals("missed") || last.equals("error") ? last : null;
    }
}
