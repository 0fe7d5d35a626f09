package io.impacketsensor.cli;

import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.NetworkEvent;
import io.impacketsensor.detection.SelfTest;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.RuleCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every rule of the built-in catalog is exercised: the lab and public captures go through the real
 * pipeline, the selftest scripts and the specification's flat examples through the library, and
 * the rules that fired are collected from the engines' per-rule counters. A rule that none of them
 * raises is dead or untested, and fails this test by name.
 */
class RuleCoverageTest {
    /**
     * Rules no shared capture, selftest script or specification example raises yet (the typed-event
     * tests of detection-engine cover several of them, but their engines are not counted here). Kept
     * exact: a rule that starts firing fails this test until it is removed from the list, so the
     * list always says which rules still lack an end-to-end trigger.
     */
    static final java.util.Set<String> NOT_YET_EXERCISED = java.util.Set.of(
            "addcomputer_ldap",
            "addcomputer_ldap_impacket",
            "addcomputer_samr_impacket",
            "admin_share_exe",
            "atexec_chain_step3",
            "atexec_task_name",
            "behaviour_ldap_rate",
            "behaviour_netlogon_burst_served",
            "behaviour_password_spray",
            "behaviour_smb_sessions",
            "behaviour_user_enum",
            "dcomexec_chain_step3",
            "dcomexec_output_file",
            "dcomexec_shell_execute",
            "dcsync_rights",
            "impacket_smbserver",
            "impacket_smbserver_challenge",
            "ldap_admincount_query",
            "ldap_delegation_query",
            "ldap_injection_value",
            "lookupsid",
            "ntds_dit",
            "ntlm_workstation_mismatch",
            "psexec_pipe_remcom_command",
            "psexec_pipe_remcom_stdio",
            "psexec_service_remcomsvc",
            "rbcd",
            "rc4_tgt",
            "s4u2self",
            "samr_create_user",
            "samr_create_user_unparsed",
            "secretsdump_hive",
            "secretsdump_tmp_file_system32",
            "secretsdump_vss",
            "service_control_change_config",
            "service_dll_hijack_chain_step2",
            "shadow_credentials",
            "silver_ticket_lifetime",
            "smbexec_binary_path_changed",
            "smbexec_chain_step3",
            "smbexec_output_file",
            "srvsvc_session_enum",
            "tgt_etype_mismatch",
            "tgt_kvno_mismatch",
            "tgt_without_as_exchange",
            "ticket_without_tgs_exchange",
            "wmi_persistence",
            "wmiexec_output_file");

    @TempDir
    static Path dir;

    @Test
    void everyCatalogRuleFiresOnARealCaptureOrAScript() throws Exception {
        TreeSet<String> fired = new TreeSet<>();
        for (String set : List.of("lab/MANIFEST.tsv", "public/GOLDEN.tsv")) {
            String base = set.substring(0, set.indexOf('/') + 1);
            for (EvaluateCommand.Entry e : EvaluateCommand.readManifest(copy(set))) {
                CaptureDetection.Result r = CaptureDetection.run(copy(base + e.file()), CaptureConfig.DEFAULTS,
                        EngineConfig.defaults());
                assertNull(r.failure(), e.file());
                collect(r.ruleHits(), fired);
            }
        }
        SelfTest st = new SelfTest(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        st.run(null);
        collect(st.ruleHits(), fired);
        ImpacketProtection p = new ImpacketProtection();
        for (String line : Files.readAllLines(SpecificationSeedTest.EXAMPLES)) {
            p.analyzeNetworkEvent(NetworkEvent.fromJson(line));
        }
        collect(p.ruleHits(), fired);

        List<String> never = new ArrayList<>();
        TreeSet<String> nowFiring = new TreeSet<>();
        for (Rule r : RuleCatalog.builtin().rules()) {
            if (!fired.contains(r.name()) && !NOT_YET_EXERCISED.contains(r.name())) {
                never.add(r.sid() + " " + r.name());
            }
            if (fired.contains(r.name()) && NOT_YET_EXERCISED.contains(r.name())) {
                nowFiring.add(r.name());
            }
            assertTrue(RuleCatalog.builtin().byName(r.name()) == r);
        }
        for (String n : NOT_YET_EXERCISED) {
            assertNotNull(RuleCatalog.builtin().byName(n), "NOT_YET_EXERCISED names an unknown rule: " + n);
        }
        assertTrue(never.isEmpty(), never.size() + " catalog rules never fired in any capture or script: " + never);
        assertTrue(nowFiring.isEmpty(), "now exercised, remove from NOT_YET_EXERCISED: " + nowFiring);
        assertEquals(RuleCatalog.builtin().rules().size() - NOT_YET_EXERCISED.size(), fired.size());
    }

    private static void collect(Map<Rule, Long> hits, TreeSet<String> fired) {
        for (Map.Entry<Rule, Long> e : hits.entrySet()) {
            if (e.getValue() > 0 && !"local".equals(e.getKey().layer())) {
                fired.add(e.getKey().name());
            }
        }
    }

    private static Path copy(String name) throws Exception {
        Path target = dir.resolve(name);
        if (!Files.exists(target)) {
            Files.createDirectories(target.getParent());
            try (InputStream in = RuleCoverageTest.class.getResourceAsStream("/pcaps/" + name)) {
                assertNotNull(in, "test resource /pcaps/" + name + " (sensor-core test-jar)");
                Files.copy(in, target);
            }
        }
        return target;
    }
}
