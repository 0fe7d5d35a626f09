package io.impacketsensor.detection;

import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.rules.DataRule;
import io.impacketsensor.detection.rules.DataRuleIndex;
import io.impacketsensor.detection.rules.EventKind;
import io.impacketsensor.detection.rules.EventValues;
import io.impacketsensor.detection.rules.LocalRules;
import io.impacketsensor.detection.rules.RuleCatalog;
import io.impacketsensor.detection.rules.RuleException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built-in single-event rules written as catalog data: which families are data, that the index
 * offers an event only the rules that can match it, and the indicator template (synthetic typed
 * events standing for what the decoders produce).
 */
class DataRulesTest {
    private static final String ATK = "10.8.0.66";
    private static final String SRV = "10.8.0.10";
    private final Harness h = new Harness();

    /** The single-event rules moved out of Java, by family: each is data, in the layer it ran in. */
    @Test
    void singleEventRulesAreCatalogData() {
        Set<String> signature = new HashSet<>();
        Set<String> anomaly = new HashSet<>();
        for (DataRule d : RuleCatalog.builtin().dataRules()) {
            (d.rule().layer().equals("anomaly") ? anomaly : signature).add(d.rule().name());
        }
        assertEquals(Set.of(
                "psexec_pipe_psexesvc", "psexec_pipe_remcom_command", "psexec_pipe_remcom_stdio", "svcctl_pipe", "winreg_pipe",
                "atsvc_pipe", // named pipes
                "psexec_service_psexesvc", "psexec_service_remcomsvc", "smbexec_service_btobto", "remote_registry_service",
                "ntds_dit", "gpp_cpassword_file", "gpp_cpassword_transferred", // names and contents of files
                "coercion_efsrpc", "coercion_printerbug", "coercion_dfscoerce", "coercion_shadowcoerce",
                "coercion_eventlog", // coercion calls: interface + the listener their path names
                "dcom_excel_register_xll", "dcom_dispatch_shell_command", // DCOM IDispatch arguments
                "smbexec_output_file", "dcomexec_output_file", "wmiexec_output_file", "secretsdump_tmp_file_system32",
                "secretsdump_tmp_file", "atexec_tmp_file", "admin_share_exe_random", "admin_share_exe", // file name shapes
                "smbexec_binary_path_changed", "impacket_scmr_dummy", "smbexec_service_shell_command", "secretsdump_vss",
                "psexec_random_service", "smbexec_random_service_shell", // SVCCTL arguments
                "secretsdump_bootkey", "secretsdump_hive", "secretsdump_savekey", "atsvc_job", // registry, AT jobs
                "wmiexec_process_create", "wmi_persistence", "dcomexec_execute_shell_command", "dcomexec_shell_execute",
                "wmiexec_output_redirect", // DCOM strings, one "no string names" condition
                "atexec_task_cmd_temp", "atexec_task_name", // task XML and path shape
                "dcom_lateral_object", // DCOM class table, client is not the server
                "mssql_xp_cmdshell", "mssql_xp_cmdshell_enable", "coercion_mssql_unc_path", // SQL batches
                "samba_pipe_path", // a pipe named by a server path
                "mimikatz_rpc_lookup"), signature); // mimikatz's interface asked of the endpoint mapper
        assertEquals(Set.of(
                "impacket_rdp_check", // RDP request without cookie, ClientHello with anonymous suites
                "service_control_create", "service_control_start", "service_control_change_config", "service_enum",
                "remote_registry", "dcom_activation", "wmi_login", "wmi_exec_method", "atsvc_job_add",
                "task_scheduler_register", "task_scheduler_run", "samr_group_members", "srvsvc_session_enum",
                "srvsvc_share_enum", // DCE/RPC interface + operation
                "rbcd", "shadow_credentials", "dcsync_rights", // LDAP attributes written
                "admin_share_admin", "admin_share_other", "impacket_smb_client_guid", "impacket_smb1_dialects", // SMB
                "ntlmv1", "ntlm_mic_removed", "ntlm_no_mic", "ntlm_no_signing", "impacket_ntlm_client",
                "impacket_ntlm_negotiate_signing", "impacket_ntlm_negotiate", // NTLM flags, VERSION, MIC
                "ldap_injection_unbalanced", "ldap_injection_trailing_filter", "ldap_injection_value",
                "ldap_injection_always_true", "ldap_wildcard_abuse", "ldap_spn_query_users", "ldap_spn_query",
                "ldap_no_preauth_query", "ldap_admincount_query", "ldap_delegation_query", "ldap_all_users_query",
                "ldap_powerview_filter", "ldap_privileged_group_query", // LDAP filter shapes
                "asrep_roasting_rc4", "asrep_roasting", "weak_kerberos_ticket", "silver_ticket_name_type",
                "overpass_the_hash", "impacket_as_req", "weak_kerberos_etype_as", "weak_kerberos_etype_tgs",
                "krbtgt_tgs_request", "s4u2self_privileged", "s4u2self", "s4u2proxy_rbcd", // Kerberos
                "asrep_roasting_reply_only_rc4", "asrep_roasting_reply_only", "kerberoasting_reply_only", // KDC replies alone
                "service_created_reply_only", // a DCE/RPC answer's shape
                "ldap_user_listing_reply_only", "ldap_spn_users_reply_only", "ldap_no_preauth_reply_only",
                "impacket_ldap_random_message_id_reply_only", // LDAP answers alone

                "lsa_retrieve_private_data", "samr_password_change", "samr_password_reset", "samr_group_member_added",
                "kerberos_key_list_request", // account and key material
                "termsrv_rpc_pipe", // named pipes
                "impacket_dcerpc_bind", "epm_ndr64_arch_probe", // DCE/RPC bind fields
                "service_control_stop", "service_dll_hijack_target", // SVCCTL control codes, phantom-DLL services
                "samr_privileged_group", "lookupsid_large", "lookupsid", // SAMR RIDs, LSA SID counts
                "samr_create_user_unparsed", "samr_create_user", "addcomputer_samr_impacket", "addcomputer_samr",
                "addcomputer_ldap_impacket", "addcomputer_ldap", // accounts created: name and type
                "pass_the_hash", // an integration's hash-authentication anomaly
                "impacket_ldap_random_message_id", "impacket_ntlm_mic_without_av_flags", // LDAP bind fingerprints
                "epm_lookup_all_entries", "epm_lookup_all_entries_bulk", // endpoint-mapper inquiry type, page size
                "sql_browser_instance_listing", // SQL Server Browser request type
                "s4u_for_user_unkeyed_checksum"), anomaly); // PA-FOR-USER checksum type
    }

    @Test
    void anEventIsOfferedOnlyTheRulesThatCanMatchIt() {
        DataRuleIndex sig = RuleCatalog.builtin().dataRuleIndex("signature");
        DataRuleIndex anom = RuleCatalog.builtin().dataRuleIndex("anomaly");
        // A file read or write (the bulk of SMB traffic) evaluates no pipe rule, only the file-name rules.
        SensorEvent fileRead = h.read(ATK, SRV, 0, "C$", "Windows\\Temp\\report.docx");
        assertEquals(EventKind.SMB_FILE, EventKind.of(fileRead));
        assertEquals(List.of("smbexec_output_file", "dcomexec_output_file", "wmiexec_output_file",
                "secretsdump_tmp_file_system32", "secretsdump_tmp_file", "atexec_tmp_file", "ntds_dit", "admin_share_exe_random",
                "admin_share_exe", "gpp_cpassword_file"), names(sig.candidates(EventKind.SMB_FILE, RpcInterfaces.UNKNOWN)));
        assertEquals(0, anom.candidates(EventKind.SMB_FILE, RpcInterfaces.UNKNOWN).length);
        // A pipe open is offered the seven pipe rules; one named \PIPE\x by path is a pipe too.
        assertEquals(EventKind.SMB_PIPE, EventKind.of(h.create(ATK, SRV, 0, "IPC$", "\\PIPE\\svcctl", false, false)));
        assertEquals(7, sig.candidates(EventKind.SMB_PIPE, RpcInterfaces.UNKNOWN).length);
        // A SAMR request is offered the SAMR rules only, an unknown interface none of the keyed ones.
        assertEquals(List.of("samr_group_members", "samr_privileged_group", "samr_create_user_unparsed", "samr_create_user",
                "addcomputer_samr_impacket", "addcomputer_samr", "samr_password_change", "samr_password_reset",
                "samr_group_member_added"), names(anom.candidates(EventKind.DCERPC_REQUEST, RpcInterfaces.SAMR)));
        assertEquals(List.of("service_control_create", "service_control_start", "service_control_change_config",
                "service_control_stop", "service_enum", "service_dll_hijack_target"),
                names(anom.candidates(EventKind.DCERPC_REQUEST, RpcInterfaces.SVCCTL)));
        // A bind is offered the two bind rules; an LDAP add the two computer-account rules.
        assertEquals(List.of("impacket_dcerpc_bind", "epm_ndr64_arch_probe"),
                names(anom.candidates(EventKind.DCERPC_BIND, RpcInterfaces.UNKNOWN)));
        assertEquals(List.of("addcomputer_ldap_impacket", "addcomputer_ldap"),
                names(anom.candidates(EventKind.LDAP_ADD, RpcInterfaces.UNKNOWN)));
        assertEquals(0, anom.candidates(EventKind.DCERPC_REQUEST, RpcInterfaces.UNKNOWN).length);
        // The service-name rules are offered to SVCCTL requests only, with the interface already decided.
        assertEquals(List.of("smbexec_binary_path_changed", "impacket_scmr_dummy", "remote_registry_service",
                "psexec_service_psexesvc", "psexec_service_remcomsvc", "smbexec_service_btobto", "smbexec_service_shell_command",
                "secretsdump_vss", "psexec_random_service", "smbexec_random_service_shell"),
                names(sig.candidates(EventKind.DCERPC_REQUEST, RpcInterfaces.SVCCTL)));
        assertEquals(List.of(), names(sig.candidates(EventKind.DCERPC_REQUEST, RpcInterfaces.SAMR)));
    }

    /**
     * Within an interface a request meets only the rules its opnum can match (by their opnum and
     * operation conditions), and a pipe event only the pipe rules whose names start like its pipe.
     */
    @Test
    void theIndexNarrowsByOpnumAndByTheFirstLetterOfThePipe() {
        DataRuleIndex sig = RuleCatalog.builtin().dataRuleIndex("signature");
        DataRuleIndex anom = RuleCatalog.builtin().dataRuleIndex("anomaly");
        EventValues values = new EventValues();
        // StartServiceW (19): the start rules; CreateServiceW (12): the create rules and the
        // CreateService* operation rules; QueryServiceStatus (6): only the rule without an operation.
        assertEquals(List.of("service_control_start", "service_dll_hijack_target"),
                names(anom.candidates(EventKind.DCERPC_REQUEST, RpcInterfaces.SVCCTL, 19, values)));
        assertEquals(List.of("impacket_scmr_dummy", "psexec_service_psexesvc", "psexec_service_remcomsvc",
                "smbexec_service_btobto", "smbexec_service_shell_command", "secretsdump_vss", "psexec_random_service",
                "smbexec_random_service_shell"), names(sig.candidates(EventKind.DCERPC_REQUEST, RpcInterfaces.SVCCTL, 12, values)));
        assertEquals(List.of("impacket_scmr_dummy"), names(sig.candidates(EventKind.DCERPC_REQUEST, RpcInterfaces.SVCCTL, 6,
                values)));
        // An opnum past the filed ones meets every rule of the interface, its conditions all tested.
        assertEquals(names(anom.candidates(EventKind.DCERPC_REQUEST, RpcInterfaces.SVCCTL)),
                names(anom.candidates(EventKind.DCERPC_REQUEST, RpcInterfaces.SVCCTL, 300, values)));
        // Pipes: \PIPE\winreg meets the winreg rule and the pipe-path rule (whose condition is a
        // search, not a first letter); lsarpc only the latter; a pipe name starting with a non-ASCII
        // letter meets every pipe rule (the Kelvin sign compares as k).
        SensorEvent winreg = h.create(ATK, SRV, 0, "IPC$", "\\PIPE\\winreg", false, false);
        values.reset(winreg);
        assertEquals(List.of("winreg_pipe", "samba_pipe_path"), names(sig.candidates(EventKind.of(winreg), -1, -1, values)));
        SensorEvent lsarpc = h.create(ATK, SRV, 0, "IPC$", "lsarpc", true, false);
        values.reset(lsarpc);
        assertEquals(List.of("samba_pipe_path"), names(sig.candidates(EventKind.of(lsarpc), -1, -1, values)));
        SensorEvent kelvin = h.create(ATK, SRV, 0, "IPC$", "\u212Aerberos", true, false);
        values.reset(kelvin);
        assertEquals(7, sig.candidates(EventKind.of(kelvin), -1, -1, values).length);
    }

    /**
     * A file read or write is offered the ADMIN$ and drive-share rules only on such a share: the
     * index files the kind by its smb.admin_share value, which eight of its ten rules name.
     */
    @Test
    void theIndexNarrowsFileEventsByTheirShare() {
        DataRuleIndex sig = RuleCatalog.builtin().dataRuleIndex("signature");
        EventValues values = new EventValues();
        SensorEvent ordinary = h.read(ATK, SRV, 0, "Data", "Windows\\Temp\\__output");
        values.reset(ordinary);
        assertEquals(List.of("ntds_dit", "gpp_cpassword_file"), names(sig.candidates(EventKind.SMB_FILE, -1, -1, values)));
        SensorEvent drive = h.read(ATK, SRV, 0, "C$", "Windows\\Temp\\__output");
        values.reset(drive);
        assertEquals(List.of("smbexec_output_file", "dcomexec_output_file", "wmiexec_output_file",
                "secretsdump_tmp_file_system32", "secretsdump_tmp_file", "atexec_tmp_file", "ntds_dit", "admin_share_exe_random",
                "admin_share_exe", "gpp_cpassword_file"), names(sig.candidates(EventKind.SMB_FILE, -1, -1, values)));
        // A read whose share is not known (smb.admin_share 3: joined after the tree connect) still
        // meets the output-file rules, which admit it.
        SensorEvent unknown = new io.impacketsensor.core.event.SmbEvent.SmbRead(ordinary.header(), 1, 1, null, "__output",
                false, 0, 4096, 100, 0);
        values.reset(unknown);
        assertEquals(List.of("smbexec_output_file", "dcomexec_output_file", "wmiexec_output_file", "ntds_dit",
                "gpp_cpassword_file"), names(sig.candidates(EventKind.SMB_FILE, -1, -1, values)));
    }

    @Test
    void theEventFieldNamesKnownKindsOnly() {
        String rule = """
                rules:
                  - sid: 9000201
                    rev: 1
                    name: first_rule
                    attack_type: psexec
                    confidence: 0.5
                    layer: signature
                    msg: "first"
                    match:
                      - field: event
                        op: equals
                        value: smb_files
                    indicator: "x"
                """;
        assertTrue(assertThrows(RuleException.class, () -> RuleCatalog.parse(rule, "c.yaml")).getMessage()
                .startsWith("c.yaml:12: unknown event kind 'smb_files' (known: smb_tree_connect, smb_file, smb_pipe,"));
        assertEquals(1, RuleCatalog.parse(rule.replace("smb_files", "smb_file"), "c.yaml")
                .dataRuleIndex("signature").candidates(EventKind.SMB_FILE, -1).length);
        assertEquals(0, RuleCatalog.parse(rule.replace("smb_files", "smb_file"), "c.yaml")
                .dataRuleIndex("signature").candidates(EventKind.SMB_PIPE, -1).length);
    }

    @Test
    void anIndexedRuleStillTestsItsOtherConditions() {
        DataRuleIndex anom = RuleCatalog.builtin().dataRuleIndex("anomaly");
        SensorEvent create = h.rpc(ATK, SRV, 0, "svcctl", RpcInterfaces.uuid(RpcInterfaces.SVCCTL), 12,
                new RpcArgs.ScmCreateService("AbCd", "AbCd", "%SystemRoot%\\AbCdEfGh.exe", 16, 3, 0xF01FF));
        SensorEvent query = h.rpc(ATK, SRV, 0, "svcctl", RpcInterfaces.uuid(RpcInterfaces.SVCCTL), 17, null);
        List<String> matched = new ArrayList<>();
        List<String> indicators = new ArrayList<>();
        for (SensorEvent ev : List.of(create, query)) {
            for (DataRuleIndex.Entry e : anom.candidates(EventKind.of(ev), RpcInterfaces.SVCCTL)) {
                if (e.matches(ev)) {
                    matched.add(e.rule().rule().name());
                    indicators.add(e.rule().indicator(ev));
                }
            }
        }
        assertEquals(List.of("service_control_create"), matched);
        assertEquals(List.of("Service control: CreateServiceW AbCd"), indicators);
    }

    @Test
    void enginesDoNotShareWhatAConditionMatched() {
        // Two engines' indexes of the one catalog, interleaved as two threads could interleave them:
        // each indicator quotes its own event's file, not the other engine's last match.
        DataRuleIndex a = RuleCatalog.builtin().dataRuleIndex("signature");
        DataRuleIndex b = RuleCatalog.builtin().dataRuleIndex("signature");
        SensorEvent x = h.read(ATK, SRV, 0, "C$", "Windows\\NTDS\\ntds.dit");
        SensorEvent y = h.read(ATK, SRV, 0, "C$", "Temp\\ntds.dit");
        DataRuleIndex.Entry ea = entry(a, "ntds_dit", x);
        DataRuleIndex.Entry eb = entry(b, "ntds_dit", y);
        assertTrue(ea.matches(x));
        assertTrue(eb.matches(y));
        assertEquals("NTDS.DIT accessed: Windows\\NTDS\\ntds.dit", ea.indicator(x));
        assertEquals("NTDS.DIT accessed: Temp\\ntds.dit", eb.indicator(y));
        // The same for an operator's rules: engines built from one configuration share its parsed rules.
        DataRule ntds = find("ntds_dit");
        List<LocalRules.LocalRule> local = List.of(new LocalRules.LocalRule(ntds.rule(), ntds.conditions()));
        DataRuleIndex.Entry la = entry(DataRuleIndex.local(local), "ntds_dit", x);
        DataRuleIndex.Entry lb = entry(DataRuleIndex.local(local), "ntds_dit", y);
        assertTrue(la.matches(x));
        assertTrue(lb.matches(y));
        assertTrue(la.rule().conditions().get(0) != lb.rule().conditions().get(0), "each index has its own conditions");
    }

    @Test
    void aRegexConditionTestsEachValueAfresh() {
        // One index's condition keeps its matcher from one test to the next: a value that does not
        // match between two that do, and one that ends where an earlier one went on, answer as alone.
        DataRuleIndex index = RuleCatalog.builtin().dataRuleIndex("signature");
        String dir = "lab.local\\Policies\\{31B2F340-016D-11D2-945F-00C04FB984F9}\\Machine\\Preferences\\";
        SensorEvent groups = h.read(ATK, SRV, 0, "SYSVOL", dir + "Groups\\Groups.xml");
        DataRuleIndex.Entry e = entry(index, "gpp_cpassword_file", groups);
        assertTrue(e.matches(groups));
        assertFalse(e.matches(h.read(ATK, SRV, 0, "SYSVOL", dir + "Groups\\Groups.xml.bak")));
        SensorEvent services = h.read(ATK, SRV, 0, "SYSVOL", dir + "Services\\Services.xml");
        assertTrue(e.matches(services));
        assertEquals("Group Policy Preferences file read: " + dir + "Services\\Services.xml", e.indicator(services));
        assertFalse(e.matches(h.read(ATK, SRV, 0, "SYSVOL", dir + "Groups\\MyGroups.xml")));
        assertTrue(e.matches(groups));
    }

    private static DataRuleIndex.Entry entry(DataRuleIndex index, String name, SensorEvent ev) {
        for (DataRuleIndex.Entry e : index.candidates(EventKind.of(ev), RpcInterfaces.UNKNOWN)) {
            if (e.rule().rule().name().equals(name)) {
                return e;
            }
        }
        throw new AssertionError(name + " is not indexed for " + ev);
    }

    @Test
    void anOptionalIndicatorPartIsLeftOutWhenItsFieldIsAbsent() {
        DataRule start = find("service_control_start");
        assertEquals("Service control: StartServiceW PSEXESVC", start.indicator(h.rpc(ATK, SRV, 0, "svcctl",
                RpcInterfaces.uuid(RpcInterfaces.SVCCTL), 19, new RpcArgs.ScmServiceAction(19, "PSEXESVC", 0))));
        assertEquals("Service control: StartServiceA", start.indicator(h.rpc(ATK, SRV, 0, "svcctl",
                RpcInterfaces.uuid(RpcInterfaces.SVCCTL), 31, null)));
    }

    @Test
    void everyCatalogTemplateIsParsedOnceAndRendersAsTheTextWalk() {
        for (DataRule d : RuleCatalog.builtin().dataRules()) {
            assertEquals(d.indicator().indexOf('{') >= 0, d.template() != null, d.rule().name());
        }
        DataRule start = find("service_control_start");
        DataRule unparsed = new DataRule(start.rule(), start.conditions(), start.indicator(), null);
        for (SensorEvent ev : List.of(
                h.rpc(ATK, SRV, 0, "svcctl", RpcInterfaces.uuid(RpcInterfaces.SVCCTL), 19,
                        new RpcArgs.ScmServiceAction(19, "PSEXESVC", 0)),
                h.rpc(ATK, SRV, 0, "svcctl", RpcInterfaces.uuid(RpcInterfaces.SVCCTL), 31, null))) {
            assertEquals(unparsed.indicator(ev), start.indicator(ev));
        }
        // An operator's text with a brace or bracket of its own is no template the parse follows.
        assertEquals(null, new DataRule(start.rule(), start.conditions(), "Local rule x: a{b").template());
        assertEquals(null, new DataRule(start.rule(), start.conditions(), "Local rule x: [{dcerpc.operation}").template());
        assertEquals(null, new DataRule(start.rule(), start.conditions(), "Local rule x: {no.such_field}").template());
    }

    @Test
    void aMatchRuleOutsideTheSingleEventLayersOrWithAnOpenOptionalPartIsRejected() {
        String rule = """
                rules:
                  - sid: 9000201
                    rev: 1
                    name: first_rule
                    attack_type: psexec
                    confidence: 0.5
                    layer: %s
                    msg: "first"
                    match:
                      - field: dcerpc.interface
                        op: equals
                        value: svcctl
                    indicator: "%s"
                """;
        assertEquals("c.yaml:7: a rule with a match list runs in the signature or anomaly layer", assertThrows(
                RuleException.class, () -> RuleCatalog.parse(rule.formatted("chain", "x"), "c.yaml")).getMessage());
        assertEquals("c.yaml:13: indicator optional part [...] must be closed and not nested", assertThrows(
                RuleException.class, () -> RuleCatalog.parse(rule.formatted("anomaly", "x[ {dcerpc.operation}"), "c.yaml"))
                .getMessage());
        assertEquals(1, RuleCatalog.parse(rule.formatted("anomaly", "x[ {dcerpc.operation}]"), "c.yaml").dataRules().size());
    }

    private static DataRule find(String name) {
        for (DataRule d : RuleCatalog.builtin().dataRules()) {
            if (d.rule().name().equals(name)) {
                return d;
            }
        }
        throw new AssertionError(name);
    }

    private static List<String> names(DataRuleIndex.Entry[] entries) {
        List<String> out = new ArrayList<>();
        for (DataRuleIndex.Entry e : entries) {
            out.add(e.rule().rule().name());
        }
        return out;
    }
}
