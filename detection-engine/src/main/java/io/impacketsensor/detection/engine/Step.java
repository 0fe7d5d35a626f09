package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.rules.Text;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;

/**
 * Attack-chain steps: what one event contributes to a technique's sequence (INDICATORS.md §2).
 * {@link #classify} computes the steps of an event once, as a bit mask, for the chain layer.
 */
enum Step {
    SMB_SESSION("SMB session established"),
    ADMIN_SHARE("ADMIN$ tree connect"),
    C_SHARE("C$ tree connect"),
    IPC_SHARE("IPC$ tree connect"),
    EXE_ON_ADMIN("executable written to an admin share"),
    SERVICE_CREATE("service created over SVCCTL"),
    SMBEXEC_SERVICE("service created with a %COMSPEC% command and redirected output"),
    PSEXEC_PIPE("PSEXESVC/RemCom pipe opened"),
    OUTPUT_READ("command output file read from an admin share"),
    WINREG("remote registry (winreg) opened"),
    REMOTE_REGISTRY_SVC("RemoteRegistry service opened/started over SVCCTL"),
    SECRET_KEYS("SAM/SECURITY/SYSTEM hive, LSA boot key or NTDS.DIT accessed"),
    TEMP_TMP("Temp\\<8 letters>.tmp fetched from an admin share"),
    DCOM_ACTIVATION("DCOM activation (RemoteCreateInstance/RemoteGetClassObject)"),
    WMI_LOGIN("WMI login (IWbemLevel1Login NTLMLogin)"),
    WMI_EXEC("Win32_Process.Create executed over WMI"),
    DISPATCH_EXEC("shell execution through IDispatch (ShellExecute/ExecuteShellCommand)"),
    TASK_REGISTER("scheduled task registered (SchRpcRegisterTask)"),
    TASK_RUN("scheduled task run (SchRpcRun)"),
    DRS_LOOKUP("DRSUAPI endpoint looked up or bound by a non-DC"),
    DRS_REPLICATE("DRSGetNCChanges from a non-DC"),
    IMPACKET_NTLM("NTLM AUTHENTICATE from an Impacket client (no MIC, no VERSION, empty workstation)"),
    ATSVC_PIPE("task scheduler pipe \\PIPE\\atsvc opened"),
    DCOM_BIND("DCOM activation interface (IRemoteSCMActivator) bound"),
    SERVICE_ENUM("services enumerated over SVCCTL (EnumServicesStatusW)"),
    IMPACKET_SMB("SMB negotiate from an Impacket client (16-letter ClientGuid or its SMB1 dialect offer)"),
    AP_REQ_NT_PRINCIPAL("AP-REQ with a service ticket named as NT-PRINCIPAL (ticketer.py)"),
    SAMR_ENUM_USERS("SAMR users enumerated (SamrEnumerateUsersInDomain)"),
    SERVICE_START("service started over SVCCTL"),
    SERVICE_DELETE("service deleted over SVCCTL"),
    LDAP_SPN_QUERY("LDAP search for accounts with a servicePrincipalName"),
    RC4_USER_TICKET("RC4 service ticket issued for a user-account SPN"),
    SYSTEM_DLL_WRITE("DLL written into System32 over an admin share"),
    SERVICE_STOP("service stopped or paused over SVCCTL (ControlService)"),
    SAMR_OPEN_PRIV_GROUP("privileged group or alias opened over SAMR (Domain Admins, Enterprise Admins, Administrators ...)"),
    SAMR_GROUP_MEMBERS("group members listed over SAMR (GetMembersInGroup/GetMembersInAlias)"),
    SAMR_OPEN_DOMAIN_USER("domain account opened over SAMR on a domain controller (SamrOpenUser)"),
    SAMR_USER_GROUPS("account's group memberships read over SAMR (SamrGetGroupsForUser)"),
    SECRETS_SAVED("registry hive saved to a file (BaseRegSaveKey) or NTDS.DIT shadow-copied (vssadmin service)");

    final String label;
    final long bit = 1L << ordinal();

    Step(String label) {
        this.label = label;
    }

    static final int CREATE_SERVICE = 12;
    /** MS-SCMR 3.1.4.20 RCreateServiceA. */
    static final int CREATE_SERVICE_A = 24;
    /** MS-SCMR 3.1.4.41 RCreateServiceWOW64A. */
    static final int CREATE_SERVICE_WOW64_A = 44;
    /** MS-SCMR 3.1.4.42 RCreateServiceWOW64W (Sysinternals PsExec creates PSEXESVC with it). */
    static final int CREATE_SERVICE_WOW64_W = 45;

    /** The svcctl operations that create a service: CreateServiceW/A and their WOW64 forms (one NDR layout). */
    static boolean createsService(int opnum) {
        return opnum == CREATE_SERVICE || opnum == CREATE_SERVICE_A || opnum == CREATE_SERVICE_WOW64_A
                || opnum == CREATE_SERVICE_WOW64_W;
    }
    /** MS-SCMR 3.1.4.14 REnumServicesStatusW. */
    static final int ENUM_SERVICES_STATUS = 14;
    /** MS-SAMR 3.1.5.2.5 SamrEnumerateUsersInDomain. */
    static final int SAMR_ENUMERATE_USERS = 13;

    /** The steps this event is, as a bit mask (0 for most events). */
    static long classify(SensorEvent ev, DomainControllers dcs) {
        if (ev instanceof SmbEvent s) {
            return smb(s);
        }
        if (ev instanceof DcerpcEvent.DcerpcRequest r) {
            return rpc(r, dcs);
        }
        if (ev instanceof DcerpcEvent.DcerpcBind b) {
            boolean dc = dcs.isDc(b.header().clientIp());
            for (DcerpcEvent.Context c : b.contexts()) {
                if (!dc && RpcCatalog.DRSUAPI.equals(c.interfaceUuid())) {
                    return DRS_LOOKUP.bit;
                }
                if (RpcCatalog.REMOTE_SCM_ACTIVATOR.equals(c.interfaceUuid())) {
                    return DCOM_BIND.bit;
                }
            }
            return 0;
        }
        if (ev instanceof NtlmEvent.NtlmAuthenticate a) {
            return Signals.impacketNtlm(a) ? IMPACKET_NTLM.bit : 0;
        }
        if (ev instanceof io.impacketsensor.core.event.LdapEvent.LdapSearch q) {
            return q.filter() != null && Text.contains(q.filter(), "servicePrincipalName=") ? LDAP_SPN_QUERY.bit : 0;
        }
        if (ev instanceof io.impacketsensor.core.event.KerberosEvent.KerberosReply r) {
            return AnomalyLayer.roastableTicket(r) ? RC4_USER_TICKET.bit : 0;
        }
        if (ev instanceof io.impacketsensor.core.event.KerberosEvent.KerberosApRequest ap && ap.ticket() != null) {
            io.impacketsensor.core.event.KerberosEvent.PrincipalName s = ap.ticket().sname();
            return s != null && s.nameType() == 1 && s.components().size() == 2 && !AnomalyLayer.isKrbtgt(s)
                    ? AP_REQ_NT_PRINCIPAL.bit : 0;
        }
        return 0;
    }

    private static long smb(SmbEvent ev) {
        if (ev instanceof SmbEvent.Smb2Negotiate n) {
            return AnomalyLayer.impacketClientGuid(n.clientGuid()) ? IMPACKET_SMB.bit : 0;
        }
        if (ev instanceof SmbEvent.Smb1Negotiate n) {
            return AnomalyLayer.impacketSmb1Dialects(n.dialects()) ? IMPACKET_SMB.bit : 0;
        }
        if (ev instanceof SmbEvent.SmbSessionSetup s) {
            return s.status() == 0 ? SMB_SESSION.bit : 0;
        }
        if (ev instanceof SmbEvent.SmbTreeConnect t) {
            if (!Signals.ok(t.status())) {
                return 0;
            }
            if (Text.baseIs(t.path(), "ADMIN$")) {
                return ADMIN_SHARE.bit;
            }
            if (Text.baseIs(t.path(), "C$")) {
                return C_SHARE.bit;
            }
            return Text.baseIs(t.path(), "IPC$") ? IPC_SHARE.bit : 0;
        }
        if (ev instanceof SmbEvent.SmbCreate c) {
            return file(c.share(), c.fileName(), c.namedPipe(), Signals.writes(c.desiredAccess(), c.disposition()));
        }
        if (ev instanceof SmbEvent.SmbWrite w) {
            return file(w.share(), w.fileName(), w.namedPipe(), true);
        }
        if (ev instanceof SmbEvent.SmbRead r) {
            return file(r.share(), r.fileName(), r.namedPipe(), false);
        }
        return 0;
    }

    private static long file(String share, String name, boolean pipe, boolean write) {
        if (name == null || name.isEmpty()) {
            return 0;
        }
        if (pipe || Signals.isPipePath(name)) {
            if (Signals.psexecPipe(name)) {
                return PSEXEC_PIPE.bit;
            }
            if (Text.baseIs(name, "atsvc")) {
                return ATSVC_PIPE.bit;
            }
            return Text.baseIs(name, "winreg") ? WINREG.bit : 0;
        }
        boolean admin = Signals.adminShare(share);
        long m = 0;
        if (write && admin && Text.endsWith(name, ".exe")) {
            m |= EXE_ON_ADMIN.bit;
        }
        if (write && Signals.systemDll(share, name)) {
            m |= SYSTEM_DLL_WRITE.bit;
        }
        if (Text.outputFile(name)) {
            m |= OUTPUT_READ.bit;
        }
        if (Signals.tempTmp(name)) {
            m |= TEMP_TMP.bit;
        }
        if (Text.contains(name, "ntds.dit")) {
            m |= SECRET_KEYS.bit;
        }
        return m;
    }

    private static long rpc(DcerpcEvent.DcerpcRequest r, DomainControllers dcs) {
        java.util.UUID u = r.interfaceUuid();
        int op = r.opnum();
        RpcArgs a = r.args();
        if (u == null) {
            return 0;
        }
        if (u.equals(RpcCatalog.SVCCTL)) {
            long m = 0;
            if (op == 19 || op == 31) {
                m |= SERVICE_START.bit; // MS-SCMR RStartServiceW 19 / RStartServiceA 31
            }
            if (op == 2) {
                m |= SERVICE_DELETE.bit; // MS-SCMR RDeleteService
            }
            if (op == 1) {
                m |= SERVICE_STOP.bit; // MS-SCMR RControlService (stop, pause; the code is sealed at times)
            }
            if (op == ENUM_SERVICES_STATUS) {
                m |= SERVICE_ENUM.bit;
            }
            if (createsService(op)) {
                m |= SERVICE_CREATE.bit;
                if (a instanceof RpcArgs.ScmCreateService cs && Signals.smbexecBinaryPath(cs.binaryPath())) {
                    m |= SMBEXEC_SERVICE.bit;
                }
                if (a instanceof RpcArgs.ScmCreateService cs && Text.contains(cs.binaryPath(), "vssadmin")) {
                    m |= SECRETS_SAVED.bit; // secretsdump -use-vss: NTDS.DIT copied out of a shadow copy
                }
            }
            if (a instanceof RpcArgs.ScmOpenService os && Text.eq(os.serviceName(), "RemoteRegistry")) {
                m |= REMOTE_REGISTRY_SVC.bit;
            }
            if (a instanceof RpcArgs.ScmServiceAction sa && Text.eq(sa.serviceName(), "RemoteRegistry")) {
                m |= REMOTE_REGISTRY_SVC.bit;
            }
            return m;
        }
        if (u.equals(RpcCatalog.SAMR)) {
            if (op == SAMR_ENUMERATE_USERS) {
                return SAMR_ENUM_USERS.bit;
            }
            if ((op == 19 || op == 27) && Signals.privilegedRid(a)) {
                return SAMR_OPEN_PRIV_GROUP.bit; // SamrOpenGroup 19 / SamrOpenAlias 27 (MS-SAMR 3.1.5.1.7/.8)
            }
            if (op == 34 && dcs.holdsDomainAccounts(r.header().serverIp())) {
                return SAMR_OPEN_DOMAIN_USER.bit; // SamrOpenUser (MS-SAMR 3.1.5.1.9)
            }
            if (op == 39) {
                return SAMR_USER_GROUPS.bit; // SamrGetGroupsForUser (MS-SAMR 3.1.5.9.1)
            }
            return op == 25 || op == 33 ? SAMR_GROUP_MEMBERS.bit : 0; // SamrGetMembersInGroup / InAlias
        }
        if (u.equals(RpcCatalog.WINREG)) {
            long m = WINREG.bit;
            if (Signals.secretRegistry(a)) {
                m |= SECRET_KEYS.bit;
            }
            if (a instanceof RpcArgs.RegSaveKey) {
                m |= SECRETS_SAVED.bit;
            }
            return m;
        }
        if (u.equals(RpcCatalog.REMOTE_SCM_ACTIVATOR)) {
            return op == 4 || op == 3 ? DCOM_ACTIVATION.bit : 0;
        }
        if (u.equals(RpcCatalog.WBEM_LEVEL1_LOGIN)) {
            return op == 6 ? WMI_LOGIN.bit : 0;
        }
        if (u.equals(RpcCatalog.WBEM_SERVICES)) {
            return op == 24 || Signals.wmiProcessCreate(a) ? WMI_EXEC.bit : 0;
        }
        if (u.equals(RpcCatalog.IDISPATCH)) {
            return Signals.dispatchShell(a) ? DISPATCH_EXEC.bit : 0;
        }
        if (u.equals(RpcCatalog.TSCH)) {
            return op == 1 ? TASK_REGISTER.bit : op == 12 ? TASK_RUN.bit : 0;
        }
        if (u.equals(RpcCatalog.ATSVC)) {
            return op == 0 ? TASK_REGISTER.bit : 0;
        }
        if (dcs.isDc(r.header().clientIp())) {
            return 0;
        }
        if (u.equals(RpcCatalog.DRSUAPI)) {
            return op == 3 ? DRS_REPLICATE.bit : DRS_LOOKUP.bit;
        }
        if (u.equals(RpcCatalog.EPM) && a instanceof RpcArgs.EpmMapRequest m
                && RpcCatalog.DRSUAPI.equals(m.interfaceUuid())) {
            return DRS_LOOKUP.bit;
        }
        return 0;
    }
}
