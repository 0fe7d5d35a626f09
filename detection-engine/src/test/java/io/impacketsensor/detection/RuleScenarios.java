package io.impacketsensor.detection;

import io.impacketsensor.detection.model.AuthAttempt;
import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.detection.rules.Rule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Typed-event scenarios (values from INDICATORS.md and the Impacket sources, synthetic events
 * standing for what the decoders produce) for the catalog rules that no shared capture and no
 * selftest script raises. Each scenario names the rule it is for; {@link RuleScenariosTest} checks
 * that it raises exactly that, and the sensor's rule-coverage test counts them.
 */
public final class RuleScenarios {
    static final String ATK = "10.8.0.66";
    static final String SRV = "10.8.0.10";
    static final String DC = "10.8.0.3";
    static final KerberosEvent.PrincipalName KRBTGT = Harness.pn(2, "krbtgt", "LAB.LOCAL");
    private static final Map<String, Consumer<Harness>> SCENARIOS = new LinkedHashMap<>();

    private static UUID iface(int i) {
        return RpcInterfaces.uuid(i);
    }

    private static void add(String rule, Consumer<Harness> s) {
        SCENARIOS.put(rule, s);
    }

    static {
        add("smbexec_output_file", h -> h.feed(h.read(ATK, SRV, 0, "C$", "__output")));
        add("dcomexec_output_file", h -> h.feed(h.read(ATK, SRV, 0, "ADMIN$", "__1700000000")));
        add("wmiexec_output_file", h -> h.feed(h.read(ATK, SRV, 0, "ADMIN$", "__1700000000.123456")));
        add("secretsdump_tmp_file_system32", h -> h.feed(h.read(ATK, SRV, 0, "ADMIN$", "system32\\AbCdEfGh.tmp")));
        add("ntds_dit", h -> h.feed(h.read(ATK, SRV, 0, "C$", "Windows\\NTDS\\ntds.dit")));
        add("admin_share_exe", h -> h.feed(h.create(ATK, SRV, 0, "ADMIN$", "setup.exe", false, true)));
        add("psexec_pipe_remcom_command", h -> h.feed(h.create(ATK, SRV, 0, "IPC$", "RemCom_communicaton", true, false)));
        add("psexec_pipe_remcom_stdio", h -> h.feed(h.create(ATK, SRV, 0, "IPC$", "RemCom_stdoutAbCd", true, false)));
        add("smbexec_binary_path_changed", h -> h.feed(h.rpc(ATK, SRV, 0, "svcctl", iface(RpcInterfaces.SVCCTL), 11,
                new RpcArgs.ScmChangeServiceConfig(-1, -1, "%COMSPEC% /Q /c echo dir ^> \\\\127.0.0.1\\C$\\__output"))));
        add("secretsdump_hive", h -> h.feed(h.rpc(ATK, SRV, 0, "winreg", iface(RpcInterfaces.WINREG), 15,
                new RpcArgs.RegOpenKey(false, "SAM"))));
        add("atexec_task_name", h -> h.feed(h.rpc(ATK, SRV, 0, "atsvc", iface(RpcInterfaces.TSCH), 1,
                new RpcArgs.TaskRegister(1, "\\AbCdEfGh", "<Task/>"))));
        add("psexec_service_remcomsvc", h -> h.feed(createService(h, "RemComSvc", "%SystemRoot%\\RemComSvc.exe")));
        add("secretsdump_vss", h -> h.feed(createService(h, "AbCdEfGh",
                "%COMSPEC% /C vssadmin create shadow /For=C:")));
        add("wmi_persistence", h -> h.feed(h.rpc(ATK, SRV, 0, null, iface(RpcInterfaces.WBEM_SERVICES), 6,
                new RpcArgs.DcomStrings(List.of("__EventFilter", "root\\subscription")))));
        add("dcomexec_shell_execute", h -> h.feed(h.rpc(ATK, SRV, 0, null, iface(RpcInterfaces.IDISPATCH), 6,
                new RpcArgs.DcomStrings(List.of("ShellExecute", "cmd.exe")))));
        add("impacket_smbserver", h -> h.feed(new SmbEvent.Smb2Negotiate(h.h(SRV, ATK, 445, 0), List.of(0x202, 0x210),
                0x210, 1, 0x40, new byte[16], 1, 0x2f, "AAAAAAAAAAAAAAAA".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                0, List.of(), 0, new byte[0], List.of(), 0)));
        add("service_control_change_config", h -> h.feed(h.rpc(ATK, SRV, 0, "svcctl", iface(RpcInterfaces.SVCCTL), 11,
                new RpcArgs.ScmChangeServiceConfig(-1, 3, null))));
        add("lookupsid", h -> h.feed(h.rpc(ATK, SRV, 0, "lsarpc", iface(RpcInterfaces.LSARPC), 15,
                new RpcArgs.LsaLookupSids(100, "S-1-5-21-1-2-3", 500, 600))));
        add("srvsvc_session_enum", h -> h.feed(h.rpc(ATK, SRV, 0, "srvsvc", iface(RpcInterfaces.SRVSVC), 12, null)));
        add("samr_create_user_unparsed", h -> h.feed(h.rpc(ATK, DC, 0, "samr", iface(RpcInterfaces.SAMR), 50, null)));
        add("samr_create_user", h -> h.feed(h.rpc(ATK, DC, 0, "samr", iface(RpcInterfaces.SAMR), 50,
                new RpcArgs.SamrCreateUser("bob", 0x10, 0))));
        add("addcomputer_samr_impacket", h -> h.feed(h.rpc(ATK, DC, 0, "samr", iface(RpcInterfaces.SAMR), 50,
                new RpcArgs.SamrCreateUser("ABCDEFGH$", 0x80, 0))));
        add("impacket_smbserver_challenge", h -> h.feed(h.challenge(h.h(SRV, ATK, 445, 0), new byte[]{'A', 'A', 'A', 'A',
            'A', 'A', 'A', 'A'})));
        add("s4u2self", h -> h.feed(h.krbReq(ATK, DC, 0, 12, List.of(1, 129), -1, 0x40810000, null,
                Harness.pn(1, "websvc"), List.of(18, 17), "bob")));
        // The KDC's side alone: Heimdal's AS-REP without pre-authentication, as in lab atk_GetNPUsers_nocreds
        // (PA-DATA list of frame 59), for an account whose reply key is AES (the lab's roast_me answers RC4).
        add("asrep_roasting_reply_only", h -> h.feed(new KerberosEvent.KerberosReply(h.h(ATK, DC, 88, 0), 11, "LAB.LOCAL",
                Harness.pn(1, "roast_me"), new KerberosEvent.TicketInfo("LAB.LOCAL", KRBTGT, 18, 2, 0), 18, null,
                List.of(16, 15, 147, 2, 136, 655, 19, 11))));
        // The DC's side alone: the DRSGetNCChanges answer of OTRF's covenant DCSync capture (4744 stub bytes,
        // sealed) on the port the ept_map answer named DRSUAPI; the request was not captured. That capture
        // is in the shared public set, not among the test resources.
        add("dcsync_reply_only", h -> h.feed(new DcerpcEvent.DcerpcResponse(h.h(ATK, DC, 49674, 0), null, 6,
                UUID.fromString("e3514235-4b06-11d1-ab04-00c04fc2dcd2"), -1, true, 4744, null)));
        add("rbcd", h -> h.feed(modify(h, "CN=SRV,CN=Computers,DC=lab,DC=local", "msDS-AllowedToActOnBehalfOfOtherIdentity")));
        add("shadow_credentials", h -> h.feed(modify(h, "CN=SRV,CN=Computers,DC=lab,DC=local", "msDS-KeyCredentialLink")));
        add("dcsync_rights", h -> h.feed(modify(h, "DC=lab,DC=local", "nTSecurityDescriptor")));
        add("addcomputer_ldap_impacket", h -> h.feed(addComputer(h, "ABCDEFGH$")));
        add("addcomputer_ldap", h -> h.feed(addComputer(h, "WS-FINANCE-07$")));
        add("silver_ticket_lifetime", h -> h.feed(new KerberosEvent.KerberosTicketLifetime(h.h(ATK, SRV, 445, 0),
                Harness.pn(2, "cifs", "srv.lab.local"), null, 315360000)));
        add("ldap_injection_value", h -> h.feed(search(h, 0, "(cn=admin\\29\\28objectClass=*)")));
        add("ldap_admincount_query", h -> h.feed(search(h, 0, "(&(objectCategory=person)(adminCount=1))")));
        add("ldap_delegation_query", h -> h.feed(search(h, 0, "(msDS-AllowedToDelegateTo=*)")));
        add("behaviour_password_spray", h -> {
            for (int i = 0; i < 12; i++) {
                h.engine.reportAuthAttempt(ATK, new AuthAttempt("user" + i, "smb", "ntlm", false));
            }
        });
        add("behaviour_user_enum", h -> {
            for (int i = 0; i < 30; i++) {
                KerberosEvent.KerberosRequest q = h.krbReq(ATK, DC, i, 10, List.of(), -1, 0x50800000,
                        Harness.pn(1, "user" + i), KRBTGT, List.of(18, 17, 23), null);
                h.feed(q, new KerberosEvent.KerberosError(h.h(ATK, DC, 88, i), 6, null, "LAB.LOCAL", q.sname(), q.cname(), q));
            }
        });
        add("behaviour_netlogon_burst_served", h -> {
            h.feed(h.auth(h.h("10.8.0.20", ATK, 445, 0), "LAB", "alice", "WS1", true, 2, 0x62088215, new byte[16], 0));
            for (int i = 0; i < 8; i++) {
                h.feed(h.rpc(ATK, DC, 1, "netlogon", iface(RpcInterfaces.NETLOGON), 39, null));
            }
        });
        add("behaviour_smb_sessions", h -> {
            for (int i = 0; i < 25; i++) {
                h.feed(new SmbEvent.SmbSessionSetup(h.h(ATK, "10.8.1." + i, 445, i), i, 1, 0, "ntlmssp", 100, 0, 0));
            }
        });
        add("behaviour_ldap_rate", h -> {
            for (int i = 0; i < 120; i++) {
                h.feed(search(h, i / 10, "(objectClass=user)"));
            }
        });
        add("ntlm_workstation_mismatch", h -> {
            h.feed(h.auth(h.h(ATK, SRV, 445, 0), "LAB", "alice", "WS1", true, 2, 0x62088215, new byte[]{1}, 0));
            h.feed(h.auth(h.h(ATK, SRV, 445, 1), "LAB", "alice", "KALI", true, 2, 0x62088215, new byte[]{2}, 0));
        });
        add("tgt_without_as_exchange", h -> presentTgt(h, 5, KerberosEvent.NO_DIGEST, 2, 18));
        add("rc4_tgt", h -> presentTgt(h, 5, KerberosEvent.NO_DIGEST, 2, 23));
        add("tgt_kvno_mismatch", h -> {
            issueTgt(h, "10.8.0.40", 0, 0x1111L, 5, 18);
            presentTgt(h, 5, 0x2222L, 2, 18);
        });
        add("tgt_etype_mismatch", h -> {
            issueTgt(h, "10.8.0.40", 0, 0x1111L, 2, 18);
            presentTgt(h, 5, 0x2222L, 2, 23);
        });
        add("ticket_without_tgs_exchange", h -> h.feed(new KerberosEvent.KerberosApRequest(h.h(ATK, SRV, 445, 1),
                Carrier.SMB2, 0, new KerberosEvent.TicketInfo("LAB.LOCAL", Harness.pn(2, "cifs", "srv.lab.local"), 18, 4),
                18)));
        add("smbexec_chain_step3", h -> {
            h.feed(h.tree(ATK, SRV, 0, "C$"));
            h.feed(createService(h, "BTOBTO", "%COMSPEC% /Q /c echo dir ^> \\\\127.0.0.1\\C$\\__output 2^>^&1"));
            h.feed(h.read(ATK, SRV, 2, "C$", "__output"));
        });
        add("dcomexec_chain_step3", h -> {
            h.feed(h.rpc(ATK, SRV, 0, null, iface(RpcInterfaces.REMOTE_SCM_ACTIVATOR), 4, null));
            h.feed(h.rpc(ATK, SRV, 1, null, iface(RpcInterfaces.IDISPATCH), 6,
                    new RpcArgs.DcomStrings(List.of("ExecuteShellCommand", "cmd.exe"))));
            h.feed(h.read(ATK, SRV, 2, "ADMIN$", "__1700000000"));
        });
        add("atexec_chain_step3", h -> {
            h.feed(h.rpc(ATK, SRV, 0, "atsvc", iface(RpcInterfaces.TSCH), 1, new RpcArgs.TaskRegister(1, "\\AbCdEfGh",
                    "<Task><Exec><Command>cmd.exe</Command><Arguments>/C whoami &gt; %windir%\\Temp\\AbCdEfGh.tmp"
                            + "</Arguments></Exec></Task>")));
            h.feed(h.rpc(ATK, SRV, 1, "atsvc", iface(RpcInterfaces.TSCH), 12, null));
            h.feed(h.read(ATK, SRV, 2, "ADMIN$", "Temp\\AbCdEfGh.tmp"));
        });
        // The coercion tools' arguments: printerbug.py pszLocalMachine '\\\\%s' % listener, dfscoerce.py
        // ServerName = listener, ShadowCoerce ShareName '\\\\%s\\NETLOGON', Coercer's MS-EVEN
        // BackupFileName '\\??\\UNC\\%s\\x\\aa'; the listener is the attacker's address.
        add("coercion_printerbug", h -> h.feed(h.rpc(ATK, DC, 0, "spoolss", iface(RpcInterfaces.SPOOLSS), 65,
                new RpcArgs.UncPath(65, "pszLocalMachine", "\\\\" + ATK, ATK, true))));
        add("coercion_dfscoerce", h -> h.feed(h.rpc(ATK, DC, 0, "netdfs", iface(RpcInterfaces.NETDFS), 13,
                new RpcArgs.UncPath(13, "ServerName", ATK, ATK, true))));
        add("coercion_shadowcoerce", h -> h.feed(h.rpc(ATK, SRV, 0, "FssagentRpc", iface(RpcInterfaces.FSRVP), 8,
                new RpcArgs.UncPath(8, "ShareName", "\\\\" + ATK + "\\NETLOGON", ATK, true))));
        add("coercion_eventlog", h -> h.feed(h.rpc(ATK, SRV, 0, "eventlog", iface(RpcInterfaces.EVENTLOG), 9,
                new RpcArgs.UncPath(9, "BackupFileName", "\\??\\UNC\\" + ATK + "\\x\\aa", ATK, true))));
        // smbserver.py's CHALLENGE: Version b'\\xff' * 8, the server name as NetBIOS and DNS computer name.
        add("impacket_smbserver_ntlm_version", h -> h.feed(new NtlmEvent.NtlmChallenge(h.h(SRV, ATK, 445, 0), Carrier.SMB2,
                0xE2898215, new byte[]{1, 2, 3, 4, 5, 6, 7, 8}, "WORKGROUP", "WORKGROUP", "SERVER", "WORKGROUP", "SERVER", 0,
                new NtlmEvent.Version(255, 255, 65535, 255), new byte[]{-1, -1, -1, -1, -1, -1, -1, -1})));
        add("service_dll_hijack_chain_step2", h -> {
            h.feed(h.create(ATK, SRV, 0, "C$", "Windows\\System32\\wlbsctrl.dll", false, true));
            h.feed(h.rpc(ATK, SRV, 1, "svcctl", iface(RpcInterfaces.SVCCTL), 1, new RpcArgs.ScmServiceAction(1, "IKEEXT", 1)));
        });
    }

    private RuleScenarios() {
    }

    static DcerpcEvent.DcerpcRequest createService(Harness h, String name, String binaryPath) {
        return h.rpc(ATK, SRV, 1, "svcctl", iface(RpcInterfaces.SVCCTL), 12,
                new RpcArgs.ScmCreateService(name, name, binaryPath, 0x10, 3, 0xF01FF));
    }

    static LdapEvent.LdapModify modify(Harness h, String dn, String attribute) {
        return new LdapEvent.LdapModify(h.h(ATK, DC, 389, 0), 3, dn, List.of(new LdapEvent.Modification(0,
                new LdapEvent.Attribute(attribute, List.of("value")))), 0);
    }

    static LdapEvent.LdapAdd addComputer(Harness h, String sam) {
        return new LdapEvent.LdapAdd(h.h(ATK, DC, 389, 0), 3, "CN=" + sam.replace("$", "") + ",CN=Computers,DC=lab,DC=local",
                List.of(new LdapEvent.Attribute("objectClass", List.of("top", "computer")),
                        new LdapEvent.Attribute("sAMAccountName", List.of(sam))), 0);
    }

    static LdapEvent.LdapSearch search(Harness h, int sec, String filter) {
        return new LdapEvent.LdapSearch(h.h(ATK, DC, 389, sec), sec + 1, "DC=lab,DC=local", 2, 0, 0, 0, false, filter,
                List.of(), List.of(), 0, 0, 0, false);
    }

    static void issueTgt(Harness h, String client, int sec, long digest, int kvno, int etype) {
        KerberosEvent.KerberosRequest q = h.krbReq(client, DC, sec, 10, List.of(2, 128), 18, 0x40810010,
                Harness.pn(1, "alice"), KRBTGT, List.of(18, 17), null);
        h.feed(q, new KerberosEvent.KerberosReply(h.h(client, DC, 88, sec), 11, "LAB.LOCAL", Harness.pn(1, "alice"),
                new KerberosEvent.TicketInfo("LAB.LOCAL", KRBTGT, etype, kvno, digest), 18, q));
    }

    static void presentTgt(Harness h, int sec, long digest, int kvno, int etype) {
        h.feed(new KerberosEvent.KerberosRequest(h.h(ATK, DC, 88, sec), 12, List.of(1), -1, -1, null, null,
                0, false, -1, false, new KerberosEvent.TicketInfo("LAB.LOCAL", KRBTGT, etype, kvno, digest), 0x40810000, null,
                "LAB.LOCAL", Harness.pn(2, "cifs", "dc1.lab.local"), KerberosEvent.NO_TIME, KerberosEvent.NO_TIME,
                KerberosEvent.NO_TIME, 7, List.of(18, 17, 23), false, List.of()));
    }

    /** The rule each scenario is for. */
    public static List<String> rules() {
        return List.copyOf(SCENARIOS.keySet());
    }

    /** Runs one scenario on a fresh engine; returns how often each rule fired. */
    public static Map<Rule, Long> run(String rule) {
        Harness h = new Harness();
        SCENARIOS.get(rule).accept(h);
        return h.engine.ruleHits();
    }

    /** Runs every scenario; returns the rules that fired, with their counts summed. */
    public static Map<Rule, Long> runAll() {
        Map<Rule, Long> all = new LinkedHashMap<>();
        for (String r : SCENARIOS.keySet()) {
            run(r).forEach((k, v) -> all.merge(k, v, Long::sum));
        }
        return all;
    }
}
