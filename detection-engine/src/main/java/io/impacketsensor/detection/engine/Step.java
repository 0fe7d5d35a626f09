package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.rules.EventKind;
import io.impacketsensor.detection.rules.Text;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;

/**
 * Attack-chain steps: what one event contributes to a technique's sequence (INDICATORS.md §2).
 * {@link #classify} computes the steps of an event once, as a bit mask, from its {@link Classification}.
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

    /** The steps this event is, as a bit mask (0 for most events), from its classification {@code c}. */
    static long classify(SensorEvent ev, Classification c, DomainControllers dcs) {
        switch (c.kind) {
            case SMB_TREE_CONNECT, SMB_FILE, SMB_PIPE, SMB2_NEGOTIATE, SMB1_NEGOTIATE, SMB_SESSION_SETUP -> {
                return smb((SmbEvent) ev, c.kind);
            }
            case DCERPC_REQUEST -> {
                return rpc((DcerpcEvent.DcerpcRequest) ev, c, dcs);
            }
            case DCERPC_BIND -> {
                DcerpcEvent.DcerpcBind b = (DcerpcEvent.DcerpcBind) ev;
                boolean dc = dcs.isDc(b.header().clientIp());
                for (DcerpcEvent.Context x : b.contexts()) {
                    if (!dc && RpcCatalog.DRSUAPI.equals(x.interfaceUuid())) {
                        return DRS_LOOKUP.bit;
                    }
                    if (RpcCatalog.REMOTE_SCM_ACTIVATOR.equals(x.interfaceUuid())) {
                        return DCOM_BIND.bit;
                    }
                }
                return 0;
            }
            case NTLM_AUTHENTICATE -> {
                return Signals.impacketNtlm((NtlmEvent.NtlmAuthenticate) ev) ? IMPACKET_NTLM.bit : 0;
            }
            case LDAP_SEARCH -> {
                String f = ((io.impacketsensor.core.event.LdapEvent.LdapSearch) ev).filter();
                return f != null && Text.contains(f, "servicePrincipalName=") ? LDAP_SPN_QUERY.bit : 0;
            }
            case KRB_REPLY -> {
                return AnomalyLayer.roastableTicket((io.impacketsensor.core.event.KerberosEvent.KerberosReply) ev)
                        ? RC4_USER_TICKET.bit : 0;
            }
            case KRB_AP_REQUEST -> {
                io.impacketsensor.core.event.KerberosEvent.KerberosApRequest ap =
                        (io.impacketsensor.core.event.KerberosEvent.KerberosApRequest) ev;
                return AnomalyLayer.ntPrincipalServiceTicket(ap) ? AP_REQ_NT_PRINCIPAL.bit : 0;
            }
            default -> {
                return 0;
            }
        }
    }

    private static long smb(SmbEvent ev, EventKind kind) {
        switch (kind) {
            case SMB2_NEGOTIATE -> {
                return AnomalyLayer.impacketClientGuid(((SmbEvent.Smb2Negotiate) ev).clientGuid()) ? IMPACKET_SMB.bit : 0;
            }
            case SMB1_NEGOTIATE -> {
                return AnomalyLayer.impacketSmb1Dialects(((SmbEvent.Smb1Negotiate) ev).dialects()) ? IMPACKET_SMB.bit : 0;
            }
            case SMB_SESSION_SETUP -> {
                return ((SmbEvent.SmbSessionSetup) ev).status() == 0 ? SMB_SESSION.bit : 0;
            }
            case SMB_TREE_CONNECT -> {
                SmbEvent.SmbTreeConnect t = (SmbEvent.SmbTreeConnect) ev;
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
            default -> {
                // SMB_FILE or SMB_PIPE: a create, read or write.
                if (ev instanceof SmbEvent.SmbCreate c) {
                    return file(c.share(), c.fileName(), kind == EventKind.SMB_PIPE,
                            Signals.writes(c.desiredAccess(), c.disposition()));
                }
                if (ev instanceof SmbEvent.SmbWrite w) {
                    return file(w.share(), w.fileName(), kind == EventKind.SMB_PIPE, true);
                }
                SmbEvent.SmbRead r = (SmbEvent.SmbRead) ev;
                return file(r.share(), r.fileName(), kind == EventKind.SMB_PIPE, false);
            }
        }
    }

    private static long file(String share, String name, boolean pipe, boolean write) {
        if (name == null || name.isEmpty()) {
            return 0;
        }
        if (pipe || Signals.isPipePath(name)) { // a read or write on a file handle named \PIPE\...
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

    private static long rpc(DcerpcEvent.DcerpcRequest r, Classification c, DomainControllers dcs) {
        RpcArgs a = r.args();
        if (r.interfaceUuid() == null) {
            return 0;
        }
        switch (c.iface) {
            case RpcInterfaces.SVCCTL -> {
                long m = 0;
                switch (c.call) {
                    case SERVICE_START, SERVICE_START_A -> m |= SERVICE_START.bit;
                    case SERVICE_DELETE -> m |= SERVICE_DELETE.bit;
                    case SERVICE_CONTROL -> m |= SERVICE_STOP.bit; // stop, pause
                    case SERVICE_ENUM_STATUS_W -> m |= SERVICE_ENUM.bit;
                    case SERVICE_CREATE -> {
                        m |= SERVICE_CREATE.bit;
                        if (a instanceof RpcArgs.ScmCreateService cs && Signals.smbexecBinaryPath(cs.binaryPath())) {
                            m |= SMBEXEC_SERVICE.bit;
                        }
                        if (a instanceof RpcArgs.ScmCreateService cs && Text.contains(cs.binaryPath(), "vssadmin")) {
                            m |= SECRETS_SAVED.bit; // secretsdump -use-vss: NTDS.DIT copied out of a shadow copy
                        }
                    }
                    default -> {
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
            case RpcInterfaces.SAMR -> {
                return switch (c.call) {
                    case SAMR_ENUMERATE_USERS -> SAMR_ENUM_USERS.bit;
                    case SAMR_OPEN_GROUP, SAMR_OPEN_ALIAS -> Signals.privilegedRid(a) ? SAMR_OPEN_PRIV_GROUP.bit : 0;
                    case SAMR_OPEN_USER -> dcs.holdsDomainAccounts(r.header().serverIp()) ? SAMR_OPEN_DOMAIN_USER.bit : 0;
                    case SAMR_GROUPS_FOR_USER -> SAMR_USER_GROUPS.bit;
                    case SAMR_GROUP_MEMBERS -> SAMR_GROUP_MEMBERS.bit;
                    default -> 0;
                };
            }
            case RpcInterfaces.WINREG -> {
                long m = WINREG.bit;
                if (Signals.secretRegistry(a)) {
                    m |= SECRET_KEYS.bit;
                }
                if (a instanceof RpcArgs.RegSaveKey) {
                    m |= SECRETS_SAVED.bit;
                }
                return m;
            }
            case RpcInterfaces.REMOTE_SCM_ACTIVATOR -> {
                return c.call == RpcCall.DCOM_ACTIVATE ? DCOM_ACTIVATION.bit : 0;
            }
            case RpcInterfaces.WBEM_LEVEL1_LOGIN -> {
                return c.call == RpcCall.WMI_LOGIN ? WMI_LOGIN.bit : 0;
            }
            case RpcInterfaces.WBEM_SERVICES -> {
                return c.call == RpcCall.WMI_EXEC_METHOD || Signals.wmiProcessCreate(a) ? WMI_EXEC.bit : 0;
            }
            case RpcInterfaces.IDISPATCH -> {
                return Signals.dispatchShell(a) ? DISPATCH_EXEC.bit : 0;
            }
            case RpcInterfaces.TSCH -> {
                return c.call == RpcCall.TASK_REGISTER ? TASK_REGISTER.bit : c.call == RpcCall.TASK_RUN ? TASK_RUN.bit : 0;
            }
            case RpcInterfaces.ATSVC -> {
                return c.call == RpcCall.AT_JOB_ADD ? TASK_REGISTER.bit : 0;
            }
            case RpcInterfaces.DRSUAPI -> {
                if (dcs.isDc(r.header().clientIp())) {
                    return 0;
                }
                return c.call == RpcCall.DRS_GET_NC_CHANGES ? DRS_REPLICATE.bit : DRS_LOOKUP.bit;
            }
            case RpcInterfaces.EPMAPPER -> {
                return !dcs.isDc(r.header().clientIp()) && a instanceof RpcArgs.EpmMapRequest m
                        && RpcCatalog.DRSUAPI.equals(m.interfaceUuid()) ? DRS_LOOKUP.bit : 0;
            }
            default -> {
                return 0;
            }
        }
    }
}
