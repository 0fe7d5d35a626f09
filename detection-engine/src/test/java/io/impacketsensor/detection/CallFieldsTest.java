package io.impacketsensor.detection;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.rules.DataRuleIndex;
import io.impacketsensor.detection.rules.EventKind;
import io.impacketsensor.detection.rules.LocalRules;
import io.impacketsensor.detection.rules.RuleCatalog;
import io.impacketsensor.detection.rules.RuleException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fields of DCE/RPC binds, decoded call arguments (SVCCTL control codes and phantom-DLL services,
 * SAMR RIDs and accounts, LSA SID counts, task XML and paths, DCOM classes) and LDAP account objects,
 * and the catalog rules written over them: which rule an event raises, the alternatives they keep
 * apart, and the indicator each quotes, word for word the text the Java checks wrote. Synthetic typed
 * events standing for what the decoders produce.
 */
class CallFieldsTest {
    private static final String ATK = "10.8.0.66";
    private static final String SRV = "10.8.0.10";
    private static final UUID NDR = UUID.fromString("8a885d04-1ceb-11c9-9fe8-08002b104860");
    private static final UUID NDR64 = UUID.fromString("71710533-beba-4937-8319-b5dbef9ccc36");
    private static final UUID MMC20 = UUID.fromString("49b2791a-b1ae-4c90-9b8e-e860ba07f889");
    private static final UUID WBEM_LOGIN = UUID.fromString("8bc3f05e-d86b-11d0-a075-00c04fb68820");
    private final Harness h = new Harness();

    /** The rules of both layers the event matches, with their indicators, in catalog order per layer. */
    private List<String> fired(SensorEvent ev) {
        List<String> out = new ArrayList<>();
        int iface = ev instanceof DcerpcEvent.DcerpcRequest r ? RpcInterfaces.indexOf(r.interfaceUuid()) : RpcInterfaces.UNKNOWN;
        for (String layer : List.of("signature", "anomaly")) {
            DataRuleIndex index = RuleCatalog.builtin().dataRuleIndex(layer);
            for (DataRuleIndex.Entry e : index.candidates(EventKind.of(ev), iface)) {
                if (e.matches(ev)) {
                    out.add(e.rule().rule().name() + ": " + e.indicator(ev));
                }
            }
        }
        return out;
    }

    private DcerpcEvent.DcerpcRequest rpc(int iface, int opnum, RpcArgs args) {
        return h.rpc(ATK, SRV, 0, null, RpcInterfaces.uuid(iface), opnum, args);
    }

    private DcerpcEvent.DcerpcBind bind(int maxXmit, long authContextId, int authType, boolean alter,
                                        List<DcerpcEvent.Context> contexts) {
        return new DcerpcEvent.DcerpcBind(h.h(ATK, SRV, 135, 0), null, alter, 1, maxXmit, maxXmit, contexts, authType,
                authType == 0 ? 0 : 6, authContextId, false);
    }

    private static DcerpcEvent.Context ctx(int id, int iface, UUID... syntaxes) {
        return new DcerpcEvent.Context(id, RpcInterfaces.uuid(iface), 3, 0, List.of(syntaxes), 0);
    }

    @Test
    void bindFieldsTellImpacketsBindAndTheNdr64ArchitectureProbe() {
        // Impacket: max_xmit_frag 4280, auth_context_id 79231 + n (impacket/dcerpc/v5/rpcrt.py).
        assertEquals(List.of("impacket_dcerpc_bind: DCE/RPC bind max_xmit_frag 4280 with auth_context_id 79231 (Impacket)"),
                fired(bind(4280, 79231, 10, false, List.of(ctx(0, RpcInterfaces.SAMR, NDR)))));
        assertEquals(List.of(), fired(bind(4280, 79247, 10, false, List.of(ctx(0, RpcInterfaces.SAMR, NDR)))));
        assertEquals(List.of(), fired(bind(5840, 0, 10, false, List.of(ctx(0, RpcInterfaces.SAMR, NDR)))));
        // getArch.py: the endpoint mapper, one context, NDR64 alone, no authentication.
        assertEquals(List.of("epm_ndr64_arch_probe: Endpoint mapper bound with NDR64 as the only transfer syntax, "
                + "without authentication (architecture probe)"),
                fired(bind(5840, 0, 0, false, List.of(ctx(0, RpcInterfaces.EPMAPPER, NDR64)))));
        // Windows offers NDR next to NDR64, in its own context; an authenticated or ALTER_CONTEXT one is not the probe.
        assertEquals(List.of(), fired(bind(5840, 0, 0, false, List.of(ctx(0, RpcInterfaces.EPMAPPER, NDR),
                ctx(1, RpcInterfaces.EPMAPPER, NDR64)))));
        assertEquals(List.of(), fired(bind(5840, 0, 0, false, List.of(ctx(0, RpcInterfaces.EPMAPPER, NDR, NDR64)))));
        assertEquals(List.of(), fired(bind(5840, 0, 10, false, List.of(ctx(0, RpcInterfaces.EPMAPPER, NDR64)))));
        assertEquals(List.of(), fired(bind(5840, 0, 0, true, List.of(ctx(0, RpcInterfaces.EPMAPPER, NDR64)))));
        assertEquals(List.of(), fired(bind(5840, 0, 0, false, List.of(ctx(0, RpcInterfaces.SAMR, NDR64)))));
    }

    @Test
    void serviceControlCodesAndPhantomDllServices() {
        assertEquals(List.of("service_control_stop: Service control: ControlService stop Spooler"),
                fired(rpc(RpcInterfaces.SVCCTL, 1, new RpcArgs.ScmServiceAction(1, "Spooler", 1))));
        assertEquals(List.of("service_control_stop: Service control: ControlService control 7 Spooler"),
                fired(rpc(RpcInterfaces.SVCCTL, 1, new RpcArgs.ScmServiceAction(1, "Spooler", 7))));
        // A code the decoder could not read leaves an empty name; the service is unknown without its open.
        assertEquals(List.of("service_control_stop: Service control: ControlService  Spooler"),
                fired(rpc(RpcInterfaces.SVCCTL, 1, new RpcArgs.ScmServiceAction(1, "Spooler", -1))));
        assertEquals(List.of("service_control_stop: Service control: ControlService pause"),
                fired(rpc(RpcInterfaces.SVCCTL, 1, new RpcArgs.ScmServiceAction(1, null, 2))));
        assertEquals(List.of("service_control_stop: Service control: ControlService"), fired(rpc(RpcInterfaces.SVCCTL, 1, null)));
        // Open, start and control of a service that loads a missing DLL; StartServiceA and other services are not.
        assertEquals(List.of("service_dll_hijack_target: Remote access to IKEEXT over SVCCTL (svcctl OpenServiceW), a service "
                + "that loads the missing wlbsctrl.dll (phantom DLL hijack)"),
                fired(rpc(RpcInterfaces.SVCCTL, 16, new RpcArgs.ScmOpenService("IKEEXT", 0xF01FF))));
        assertEquals(List.of("service_control_start: Service control: StartServiceW msdtc",
                "service_dll_hijack_target: Remote access to msdtc over SVCCTL (svcctl StartServiceW), a service that loads "
                        + "the missing oci.dll (phantom DLL hijack)"),
                fired(rpc(RpcInterfaces.SVCCTL, 19, new RpcArgs.ScmServiceAction(19, "msdtc", -1))));
        assertEquals(List.of("service_control_start: Service control: StartServiceA"),
                fired(rpc(RpcInterfaces.SVCCTL, 31, null)));
        assertEquals(List.of(), fired(rpc(RpcInterfaces.SVCCTL, 16, new RpcArgs.ScmOpenService("Spooler", 0xF01FF))));
    }

    @Test
    void samrRidsLsaSidCountsAndAccountsCreated() {
        assertEquals(List.of("samr_privileged_group: samr SamrOpenGroup of a privileged group: Domain Admins (RID 512)"),
                fired(rpc(RpcInterfaces.SAMR, 19, new RpcArgs.SamrCall(19, "512"))));
        assertEquals(List.of("samr_privileged_group: samr SamrOpenAlias of a privileged alias: Backup Operators (RID 551)"),
                fired(rpc(RpcInterfaces.SAMR, 27, new RpcArgs.SamrCall(27, "551"))));
        assertEquals(List.of(), fired(rpc(RpcInterfaces.SAMR, 19, new RpcArgs.SamrCall(19, "513"))));
        assertEquals(List.of(), fired(rpc(RpcInterfaces.SAMR, 34, new RpcArgs.SamrCall(34, "512")))); // SamrOpenUser
        // lookupsid.py: 50 SIDs a call by default; 500 and more a heavier sweep.
        assertEquals(List.of("lookupsid: LsarLookupSids sweep: 50 SIDs, RIDs 500-549"),
                fired(rpc(RpcInterfaces.LSARPC, 15, new RpcArgs.LsaLookupSids(50, "S-1-5-21-1-2-3", 500, 549))));
        assertEquals(List.of("lookupsid_large: LsarLookupSids sweep: 500 SIDs, RIDs -1--1"),
                fired(rpc(RpcInterfaces.LSARPC, 76, new RpcArgs.LsaLookupSids(500, null, -1, -1))));
        assertEquals(List.of(), fired(rpc(RpcInterfaces.LSARPC, 57, new RpcArgs.LsaLookupSids(49, null, 500, 548))));
        // SamrCreateUser2InDomain: unparsed, a user, a machine account by Impacket's name patterns or another name.
        assertEquals(List.of("samr_create_user_unparsed: SAMR account created: SamrCreateUser2InDomain"),
                fired(rpc(RpcInterfaces.SAMR, 50, null)));
        assertEquals(List.of("samr_create_user: SAMR user account created: bob"),
                fired(rpc(RpcInterfaces.SAMR, 50, new RpcArgs.SamrCreateUser("bob", 0x10, 0xF07FF))));
        assertEquals(List.of("addcomputer_samr_impacket: Machine account created over SAMR: ABCDEFGH$ (Impacket addcomputer "
                + "name pattern)"), fired(rpc(RpcInterfaces.SAMR, 50, new RpcArgs.SamrCreateUser("ABCDEFGH$", 0x80, 0xF07FF))));
        assertEquals(List.of("addcomputer_samr_impacket: Machine account created over SAMR: DESKTOP-A1B2C3D4$ (Impacket "
                + "addcomputer name pattern)"),
                fired(rpc(RpcInterfaces.SAMR, 50, new RpcArgs.SamrCreateUser("DESKTOP-A1B2C3D4$", 0x80, 0xF07FF))));
        assertEquals(List.of("addcomputer_samr: Machine account created over SAMR: WS-FINANCE-07$"),
                fired(rpc(RpcInterfaces.SAMR, 50, new RpcArgs.SamrCreateUser("WS-FINANCE-07$", 0x80, 0xF07FF))));
        // The SAMR check asks for the trailing $ of DESKTOP-<8>$, the LDAP one does not.
        assertEquals(List.of("addcomputer_samr: Machine account created over SAMR: DESKTOP-A1B2C3D4X"),
                fired(rpc(RpcInterfaces.SAMR, 50, new RpcArgs.SamrCreateUser("DESKTOP-A1B2C3D4X", 0x80, 0xF07FF))));
    }

    private LdapEvent.LdapAdd add(String sam, String... classes) {
        List<LdapEvent.Attribute> attrs = new ArrayList<>();
        attrs.add(new LdapEvent.Attribute("objectClass", List.of(classes)));
        if (sam != null) {
            attrs.add(new LdapEvent.Attribute("sAMAccountName", List.of(sam)));
        }
        return new LdapEvent.LdapAdd(h.h(ATK, SRV, 389, 0), 3, "CN=X,CN=Computers,DC=lab,DC=local", attrs, 0);
    }

    @Test
    void ldapAddOfAComputerByName() {
        assertEquals(List.of("addcomputer_ldap_impacket: Computer account added over LDAP: CN=X,CN=Computers,DC=lab,DC=local"),
                fired(add("ABCDEFGH$", "top", "computer")));
        assertEquals(List.of("addcomputer_ldap_impacket: Computer account added over LDAP: CN=X,CN=Computers,DC=lab,DC=local"),
                fired(add("DESKTOP-A1B2C3D4X", "top", "Computer")));
        assertEquals(List.of("addcomputer_ldap: Computer account added over LDAP: CN=X,CN=Computers,DC=lab,DC=local"),
                fired(add("WS-FINANCE-07$", "top", "computer")));
        assertEquals(List.of("addcomputer_ldap: Computer account added over LDAP: CN=X,CN=Computers,DC=lab,DC=local"),
                fired(add(null, "top", "computer")));
        assertEquals(List.of(), fired(add("ABCDEFGH$", "top", "person", "user")));
    }

    @Test
    void taskXmlAndPathShapes() {
        String xml = "<Exec><Command>cmd.exe</Command><Arguments>/C whoami &gt; %windir%\\Temp\\AbCdEfGh.tmp 2&gt;&amp;1"
                + "</Arguments></Exec>";
        // atexec: the XML decides; the random name is only reported when the XML does not.
        String registered = "task_scheduler_register: Remote scheduled task registered: SchRpcRegisterTask";
        assertEquals(List.of("atexec_task_cmd_temp: Task runs cmd.exe with output to Temp: \\AbCdEfGh", registered),
                fired(rpc(RpcInterfaces.TSCH, 1, new RpcArgs.TaskRegister(1, "\\AbCdEfGh", xml))));
        assertEquals(List.of("atexec_task_name: Task with a random 8-letter name registered: \\AbCdEfGh", registered),
                fired(rpc(RpcInterfaces.TSCH, 1, new RpcArgs.TaskRegister(1, "\\AbCdEfGh", "<Exec/>"))));
        assertEquals(List.of(registered), fired(rpc(RpcInterfaces.TSCH, 1, new RpcArgs.TaskRegister(1, "\\Backup-01", "<Exec/>"))));
        // SchRpcRun of the same path is the chain's step, not a registration.
        assertEquals(List.of("task_scheduler_run: Remote scheduled task run: SchRpcRun"),
                fired(rpc(RpcInterfaces.TSCH, 12, new RpcArgs.TaskRegister(12, "\\AbCdEfGh", null))));
    }

    private DcerpcEvent.DcerpcRequest activation(String client, String server, UUID clsid) {
        return new DcerpcEvent.DcerpcRequest(h.h(client, server, 135, 0), null, 1, 0,
                RpcInterfaces.uuid(RpcInterfaces.REMOTE_SCM_ACTIVATOR), 4, null, false, 100, 1, 0, 0,
                new RpcArgs.DcomActivation(4, clsid, List.of()));
    }

    @Test
    void dcomClassTableAndStrings() {
        List<String> dcomActivation = fired(activation(ATK, SRV, MMC20));
        assertTrue(dcomActivation.contains("dcom_lateral_object: DCOM activation of a remote-execution object: MMC20.Application "
                + "{49B2791A-B1AE-4C90-9B8E-E860BA07F889} (RemoteCreateInstance)"), dcomActivation.toString());
        // A host activating on itself, and WMI's entry point, are not lateral movement.
        assertTrue(fired(activation(SRV, SRV, MMC20)).stream().noneMatch(s -> s.startsWith("dcom_lateral_object")));
        assertTrue(fired(activation(ATK, SRV, WBEM_LOGIN)).stream().noneMatch(s -> s.startsWith("dcom_lateral_object")));
        // ShellExecute counts only when no string of the call names ExecuteShellCommand.
        assertEquals(List.of("dcomexec_shell_execute: ShellWindows/ShellBrowserWindow ShellExecute called"),
                fired(rpc(RpcInterfaces.IDISPATCH, 5, new RpcArgs.DcomStrings(List.of("Document", "ShellExecute")))));
        assertEquals(List.of("dcomexec_execute_shell_command: MMC20.Application ExecuteShellCommand called"),
                fired(rpc(RpcInterfaces.IDISPATCH, 5, new RpcArgs.DcomStrings(List.of("ShellExecute", "ExecuteShellCommand")))));
        // The redirect quotes the string that names it.
        assertEquals(List.of("wmiexec_output_redirect: Command output redirected to ADMIN$: cmd.exe /Q /c whoami 1> "
                + "\\\\127.0.0.1\\ADMIN$\\__1700000000.5 2>&1"),
                fired(rpc(RpcInterfaces.IDISPATCH, 6, new RpcArgs.DcomStrings(List.of("Win32_Something",
                        "cmd.exe /Q /c whoami 1> \\\\127.0.0.1\\ADMIN$\\__1700000000.5 2>&1")))));
    }

    @Test
    void hashAuthenticationAnomalyQuotesItsAccountWhenItHasOne() {
        assertEquals(List.of("pass_the_hash: Hash-style authentication (NT hash used instead of a password): alice"),
                fired(new ProtocolAnomaly(h.h(ATK, SRV, 445, 0), "ntlm.hash_auth", "alice")));
        assertEquals(List.of("pass_the_hash: Hash-style authentication (NT hash used instead of a password)"),
                fired(new ProtocolAnomaly(h.h(ATK, SRV, 445, 0), "ntlm.hash_auth", "")));
        assertEquals(List.of(), fired(new ProtocolAnomaly(h.h(ATK, SRV, 445, 0), "smb.truncated", "alice")));
    }

    @Test
    void notOperatorsHoldWhenNoValueMatches() {
        String yaml = """
                rules:
                  - sid: 9200001
                    rev: 1
                    name: wmi_without_create
                    attack_type: wmiexec
                    confidence: 0.5
                    msg: "WMI call naming Win32_Process without Create"
                    match:
                      - field: dcom.string
                        op: contains
                        value: Win32_Process
                      - field: dcom.string
                        op: not_equals
                        value: Create
                """;
        List<LocalRules.LocalRule> rules = LocalRules.parse(yaml, "local.rules.yaml", RuleCatalog.builtin().rules(), 1000);
        LocalRules.LocalRule r = rules.get(0);
        assertEquals("dcom.string not_equals Create", r.conditions().get(1).toString());
        assertTrue(r.matches(rpc(RpcInterfaces.WBEM_SERVICES, 6, new RpcArgs.DcomStrings(List.of("Win32_Process", "Get")))));
        assertTrue(!r.matches(rpc(RpcInterfaces.WBEM_SERVICES, 24, new RpcArgs.DcomStrings(List.of("Win32_Process", "create")))));
        RuleException e = assertThrows(RuleException.class, () -> LocalRules.parse(yaml.replace("not_equals", "not_eq"),
                "local.rules.yaml", RuleCatalog.builtin().rules(), 1000));
        assertTrue(e.getMessage().contains("local.rules.yaml:"), e.getMessage());
        assertTrue(e.getMessage().contains("not_ goes with") || e.getMessage().contains("unknown operator"), e.getMessage());
    }
}
