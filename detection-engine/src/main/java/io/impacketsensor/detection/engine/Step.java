package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.rules.EventField;
import io.impacketsensor.detection.rules.EventKind;
import io.impacketsensor.detection.rules.SmbFileShape;
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
    SMB_SESSION,
    ADMIN_SHARE,
    C_SHARE,
    IPC_SHARE,
    EXE_ON_ADMIN,
    SERVICE_CREATE,
    SMBEXEC_SERVICE,
    PSEXEC_PIPE,
    OUTPUT_READ,
    WINREG,
    REMOTE_REGISTRY_SVC,
    SECRET_KEYS,
    TEMP_TMP,
    DCOM_ACTIVATION,
    WMI_LOGIN,
    WMI_EXEC,
    DISPATCH_EXEC,
    TASK_REGISTER,
    TASK_RUN,
    DRS_LOOKUP,
    DRS_REPLICATE,
    IMPACKET_NTLM,
    ATSVC_PIPE,
    DCOM_BIND,
    SERVICE_ENUM,
    IMPACKET_SMB,
    AP_REQ_NT_PRINCIPAL,
    SAMR_ENUM_USERS,
    SERVICE_START,
    SERVICE_DELETE,
    LDAP_SPN_QUERY,
    RC4_USER_TICKET,
    SYSTEM_DLL_WRITE,
    SERVICE_STOP,
    SAMR_OPEN_PRIV_GROUP,
    SAMR_GROUP_MEMBERS,
    SAMR_OPEN_DOMAIN_USER,
    SAMR_USER_GROUPS,
    SECRETS_SAVED,
    SAMR_MEMBER_ADDED,
    LDAP_NO_PREAUTH_QUERY,
    AS_REQ_NO_PREAUTH_RC4,
    IMPACKET_SCMR;

    /** The text the alert's chain shows for this step: its label in {@code rules/chains.yaml}. */
    String label;
    final long bit = 1L << ordinal();
    /** The name chains.yaml uses ({@code admin_share} ...). */
    final String id = name().toLowerCase(java.util.Locale.ROOT);

    static {
        // Every step the code classifies is declared, with its label, in chains.yaml, and the file
        // declares no step the code cannot produce (it would never advance a chain).
        io.impacketsensor.detection.rules.ChainCatalog chains = io.impacketsensor.detection.rules.ChainCatalog.builtin();
        for (Step s : values()) {
            s.label = chains.label(s.id);
            if (s.label == null) {
                throw new IllegalStateException("step " + s.id + " is not declared in "
                        + io.impacketsensor.detection.rules.ChainCatalog.RESOURCE);
            }
        }
        for (String id : chains.steps().keySet()) {
            byId(id);
        }
    }

    /** The step of a chains.yaml name; an unknown one is a packaging error that stops the engine. */
    static Step byId(String id) {
        for (Step s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalStateException("step " + id + " of " + io.impacketsensor.detection.rules.ChainCatalog.RESOURCE
                + " is not a step the engine classifies");
    }

    /** The steps this event is, as a bit mask (0 for most events), from its classification {@code c}. */
    static long classify(SensorEvent ev, Classification c, DomainControllers dcs) {
        switch (c.kind) {
            case SMB_TREE_CONNECT, SMB_FILE, SMB_PIPE, SMB2_NEGOTIATE, SMB1_NEGOTIATE, SMB_SESSION_SETUP -> {
                return smb(ev, c); // by the record classes, not SmbEvent (EventKind.of says why)
            }
            case DCERPC_REQUEST -> {
                return rpc((DcerpcEvent.DcerpcRequest) ev, c, dcs);
            }
            case DCERPC_BIND -> {
                DcerpcEvent.DcerpcBind b = (DcerpcEvent.DcerpcBind) ev;
                java.util.List<DcerpcEvent.Context> contexts = b.contexts();
                for (int i = 0; i < contexts.size(); i++) { // by index: no iterator per bind
                    DcerpcEvent.Context x = contexts.get(i);
                    // Whether the client is a DC only matters for a DRSUAPI context: asked then, not for every bind.
                    if (RpcCatalog.DRSUAPI.equals(x.interfaceUuid()) && !dcs.isDc(b.header().clientIp())) {
                        return DRS_LOOKUP.bit;
                    }
                    // DCOM activation goes to the endpoint mapper port (MS-DCOM 2.1); on a named pipe a context
                    // the server rejected (C706 12.6.3.1 provider_rejection, or BIND_NAK) is rpcmap.py
                    // -brute-uuids trying every UUID it knows, not DCOM. Over TCP a rejection still counts: a
                    // server without DCOM (Samba) rejects the activator wmiexec and dcomexec bind.
                    boolean rejectedOnPipe = b.namedPipe() != null && (b.nak() || x.result() == 2);
                    if (RpcCatalog.REMOTE_SCM_ACTIVATOR.equals(x.interfaceUuid()) && !rejectedOnPipe) {
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
                long spn = f != null && Text.contains(f, "servicePrincipalName=") ? LDAP_SPN_QUERY.bit : 0;
                // The shape ldap_no_preauth_query reads: a filter on the DONT_REQ_PREAUTH bit (GetNPUsers).
                long noPreauth = c.values.has(EventField.LDAP_FILTER_SHAPE)
                        && (c.values.number(EventField.LDAP_FILTER_SHAPE) & io.impacketsensor.detection.rules.LdapFilterShape.NO_PREAUTH) != 0
                        ? LDAP_NO_PREAUTH_QUERY.bit : 0;
                return spn | noPreauth;
            }
            case KRB_REQUEST -> {
                return Signals.asReqWithoutPreauthRc4((io.impacketsensor.core.event.KerberosEvent.KerberosRequest) ev)
                        ? AS_REQ_NO_PREAUTH_RC4.bit : 0;
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

    private static long smb(SensorEvent ev, Classification c) {
        EventKind kind = c.kind;
        switch (kind) {
            case SMB2_NEGOTIATE -> {
                return EventField.asciiLetters(((SmbEvent.Smb2Negotiate) ev).clientGuid()) ? IMPACKET_SMB.bit : 0;
            }
            case SMB1_NEGOTIATE -> {
                return EventField.impacketSmb1Dialects(((SmbEvent.Smb1Negotiate) ev).dialects()) ? IMPACKET_SMB.bit : 0;
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
                if (ev instanceof SmbEvent.SmbCreate cr) {
                    return file(cr.fileName(), kind == EventKind.SMB_PIPE,
                            Signals.writes(cr.desiredAccess(), cr.disposition()), c);
                }
                if (ev instanceof SmbEvent.SmbWrite w) {
                    return file(w.fileName(), kind == EventKind.SMB_PIPE, true, c);
                }
                SmbEvent.SmbRead r = (SmbEvent.SmbRead) ev;
                return file(r.fileName(), kind == EventKind.SMB_PIPE, false, c);
            }
        }
    }

    private static long file(String name, boolean pipe, boolean write, Classification c) {
        if (name == null || name.isEmpty()) {
            return 0;
        }
        if (pipe || Signals.isPipePath(name)) { // a read or write on a file handle named \PIPE\...
            // The pipe name's last component once for the three names (a pipe event's smb.pipe_name,
            // which the pipe rules read too): this runs on every pipe read and write.
            int b = pipe && c.values.has(EventField.SMB_PIPE_NAME) ? c.values.from(EventField.SMB_PIPE_NAME)
                    : Text.baseStart(name);
            int n = name.length() - b;
            if (Text.regionMatches(name, b, "PSEXESVC", 0, 8) || Text.regionMatches(name, b, "RemCom_", 0, 7)) {
                return PSEXEC_PIPE.bit; // Signals.psexecPipe
            }
            if (n == 5 && Text.regionMatches(name, b, "atsvc", 0, 5)) {
                return ATSVC_PIPE.bit;
            }
            return n == 6 && Text.regionMatches(name, b, "winreg", 0, 6) ? WINREG.bit : 0;
        }
        // ADMIN$ or a drive share: the smb.admin_share the data rules of this event are filed by, read once.
        boolean admin = write && c.values.has(EventField.SMB_ADMIN_SHARE) && adminOrDrive(c.values.number(EventField.SMB_ADMIN_SHARE));
        // The name's shape is the smb.file_shape the file-name data rules of this event test: read
        // once for the event, here and by them. Other than a write to an admin share, only the output
        // and temporary file shapes make a step, and those need a last component starting "__" or a
        // ".tmp" name: the bulk of file I/O is left without computing the shape.
        int shape = (admin || Text.endsWith(name, ".tmp") || name.startsWith("__", Text.baseStart(name)))
                && c.values.has(EventField.SMB_FILE_SHAPE) ? (int) c.values.number(EventField.SMB_FILE_SHAPE) : 0;
        long m = 0;
        if (admin && (shape & SmbFileShape.EXE) != 0) {
            m |= EXE_ON_ADMIN.bit;
        }
        if (admin && (shape & SmbFileShape.SYSTEM32) != 0 && Text.endsWith(name, ".dll")) {
            m |= SYSTEM_DLL_WRITE.bit; // a DLL written under System32 of an admin share
        }
        if ((shape & SmbFileShape.OUTPUT_FILE) != 0) {
            m |= OUTPUT_READ.bit;
        }
        if ((shape & SmbFileShape.TEMP_TMP) != 0) {
            m |= TEMP_TMP.bit;
        }
        if (Text.contains(name, "ntds.dit")) {
            m |= SECRET_KEYS.bit;
        }
        return m;
    }

    /** smb.admin_share 1 (ADMIN$) or 2 (a drive share): {@link Signals#adminShare}. */
    private static boolean adminOrDrive(long adminShare) {
        return adminShare == 1 || adminShare == 2;
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
                        // The svcctl.binary_path_shape the service rules test: a redirected shell (smbexec), vssadmin.
                        // Read once for the event: the service data rules test the same field.
                        int shape = a instanceof RpcArgs.ScmCreateService && c.values.has(EventField.SVCCTL_BINARY_PATH_SHAPE)
                                ? (int) c.values.number(EventField.SVCCTL_BINARY_PATH_SHAPE) : 0;
                        if ((shape & 1) != 0) {
                            m |= SMBEXEC_SERVICE.bit;
                        }
                        if ((shape & 2) != 0) {
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
                if (a instanceof RpcArgs.ScmOpenManager om && Text.eq(om.machineName(), "DUMMY")) {
                    // What impacket_scmr_dummy reads: Impacket's scmr opens the service manager of machine
                    // "DUMMY" (MS-SCMR 3.1.4.15 lpMachineName), in the same session as the calls that follow.
                    m |= IMPACKET_SCMR.bit;
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
                    case SAMR_ADD_MEMBER -> SAMR_MEMBER_ADDED.bit;
                    default -> 0;
                };
            }
            case RpcInterfaces.WINREG -> {
                long m = WINREG.bit;
                // A hive save, or an open of the boot key parts or the SAM/SECURITY hives (winreg.key_class).
                if (a instanceof RpcArgs.RegSaveKey || a instanceof RpcArgs.RegOpenKey
                        && c.values.has(EventField.WINREG_KEY_CLASS) && c.values.number(EventField.WINREG_KEY_CLASS) != 0) {
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
                return a instanceof RpcArgs.EpmMapRequest m && RpcCatalog.DRSUAPI.equals(m.interfaceUuid())
                        && !dcs.isDc(r.header().clientIp()) ? DRS_LOOKUP.bit : 0;
            }
            default -> {
                return 0;
            }
        }
    }
}
