package io.impacketsensor.detection.rules;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.DcomClasses;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;

import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the {@link EventField}s of DCE/RPC binds, decoded call arguments (SVCCTL, SAMR, LSA, Task
 * Scheduler, DCOM activation) and LDAP account objects read their values. Every value handed over
 * is a string the event already holds, a constant of a table here, or a number, so reading a field
 * allocates nothing; the tables are the ones the rules quote (a service's phantom DLL, a privileged
 * RID's name).
 */
public final class CallFields {
    /** NDR 2.0 transfer syntax (C706 appendix I): 8a885d04-1ceb-11c9-9fe8-08002b104860 version 2. */
    static final UUID NDR = UUID.fromString("8a885d04-1ceb-11c9-9fe8-08002b104860");
    /** NDR64 transfer syntax (MS-RPCE 2.2.5.3.4.2): 71710533-beba-4937-8319-b5dbef9ccc36 version 1. */
    static final UUID NDR64 = UUID.fromString("71710533-beba-4937-8319-b5dbef9ccc36");

    /** The UUID text of each known interface, formatted once. */
    private static final String[] INTERFACE_UUIDS = new String[RpcInterfaces.count()];

    static {
        for (int i = 0; i < INTERFACE_UUIDS.length; i++) {
            INTERFACE_UUIDS[i] = RpcInterfaces.uuid(i).toString();
        }
    }

    /** "name {CLSID}" of each known DCOM class, formatted on first use (the class table is a handful of entries). */
    private static final ConcurrentHashMap<DcomClasses.Known, String> CLASS_LABELS = new ConcurrentHashMap<>();

    /** Control codes of RControlService's dwControl (MS-SCMR 3.1.4.2). */
    private static final String[] CONTROLS = {"control 0", "stop", "pause", "continue", "interrogate"};

    private CallFields() {
    }

    /** The bind fields ({@code dcerpc.max_xmit_frag} ... {@code dcerpc.transfer_syntax_count}) of a BIND or ALTER_CONTEXT. */
    static boolean bind(EventField f, DcerpcEvent.DcerpcBind b, EventField.Visitor v) {
        List<DcerpcEvent.Context> cs = b.contexts() == null ? List.of() : b.contexts();
        switch (f) {
            case DCERPC_MAX_XMIT_FRAG -> {
                return v.number(b.maxXmitFrag());
            }
            case DCERPC_AUTH_CONTEXT_ID -> {
                return v.number(b.authContextId());
            }
            case DCERPC_AUTH_TYPE -> {
                return v.number(b.authType());
            }
            case DCERPC_ALTER_CONTEXT -> {
                return v.number(b.alterContext() ? 1 : 0);
            }
            case DCERPC_CONTEXT_COUNT -> {
                return v.number(cs.size());
            }
            case DCERPC_BIND_INTERFACE -> {
                for (int i = 0; i < cs.size(); i++) {
                    UUID u = cs.get(i).interfaceUuid();
                    if (u == null) {
                        continue;
                    }
                    int x = RpcInterfaces.indexOf(u);
                    if (x >= 0 ? v.text(RpcInterfaces.name(x)) || v.text(INTERFACE_UUIDS[x]) : v.text(u.toString())) {
                        return true;
                    }
                }
                return false;
            }
            case DCERPC_TRANSFER_SYNTAX -> {
                for (int i = 0; i < cs.size(); i++) {
                    List<UUID> ts = cs.get(i).transferSyntaxes();
                    for (int j = 0; ts != null && j < ts.size(); j++) {
                        UUID u = ts.get(j);
                        if (u != null && v.text(NDR.equals(u) ? "ndr" : NDR64.equals(u) ? "ndr64" : u.toString())) {
                            return true;
                        }
                    }
                }
                return false;
            }
            case DCERPC_TRANSFER_SYNTAX_COUNT -> {
                int n = 0;
                for (int i = 0; i < cs.size(); i++) {
                    List<UUID> ts = cs.get(i).transferSyntaxes();
                    n += ts == null ? 0 : ts.size();
                }
                return v.number(n);
            }
            default -> {
                return false;
            }
        }
    }

    /** The fields read from a request's decoded arguments. */
    static boolean args(EventField f, RpcArgs a, EventField.Visitor v) {
        switch (f) {
            case SVCCTL_CONTROL_NAME -> {
                // Only RControlService (opnum 1) carries a control code; -1 is one the decoder could not read.
                return a instanceof RpcArgs.ScmServiceAction sa && sa.opnum() == 1 && v.text(controlName(sa.control()));
            }
            case SVCCTL_PHANTOM_DLL -> {
                String svc = a instanceof RpcArgs.ScmOpenService os ? os.serviceName()
                        : a instanceof RpcArgs.ScmServiceAction sa ? sa.serviceName() : null;
                String dll = phantomDll(svc);
                return dll != null && v.text(dll);
            }
            case SAMR_RID -> {
                long rid = a instanceof RpcArgs.SamrCall c && opensByRid(c.opnum()) ? digits(c.name()) : -1;
                return rid >= 0 && v.number(rid);
            }
            case SAMR_RID_NAME -> {
                String n = a instanceof RpcArgs.SamrCall c && opensByRid(c.opnum()) ? privilegedRidName(digits(c.name())) : null;
                return n != null && v.text(n);
            }
            case SAMR_OBJECT -> {
                if (a instanceof RpcArgs.SamrCall c && opensByRid(c.opnum())) {
                    return v.text(c.opnum() == 19 ? "group" : c.opnum() == 27 ? "alias" : "user");
                }
                return false;
            }
            case SAMR_ACCOUNT_NAME -> {
                return a instanceof RpcArgs.SamrCreateUser cu && cu.accountName() != null && v.text(cu.accountName());
            }
            case SAMR_ACCOUNT_TYPE -> {
                return a instanceof RpcArgs.SamrCreateUser cu && v.number(cu.accountType() & 0xFFFFFFFFL);
            }
            case LSA_SID_COUNT -> {
                return a instanceof RpcArgs.LsaLookupSids ls && v.number(ls.count());
            }
            case LSA_MIN_RID -> {
                return a instanceof RpcArgs.LsaLookupSids ls && v.number(ls.minRid());
            }
            case LSA_MAX_RID -> {
                return a instanceof RpcArgs.LsaLookupSids ls && v.number(ls.maxRid());
            }
            case TASK_PATH -> {
                return a instanceof RpcArgs.TaskRegister t && t.path() != null && v.text(t.path());
            }
            case TASK_SHAPE -> {
                return a instanceof RpcArgs.TaskRegister t && v.number(taskShape(t));
            }
            case DCOM_CLASS -> {
                DcomClasses.Known k = a instanceof RpcArgs.DcomActivation d ? DcomClasses.lookup(d.clsid()) : null;
                return k != null && v.text(CLASS_LABELS.computeIfAbsent(k, CallFields::classLabel));
            }
            case DCOM_CLASS_LATERAL -> {
                DcomClasses.Known k = a instanceof RpcArgs.DcomActivation d ? DcomClasses.lookup(d.clsid()) : null;
                return k != null && v.number(k.lateralMovement() ? 1 : 0);
            }
            default -> {
                return false;
            }
        }
    }

    private static String classLabel(DcomClasses.Known k) {
        return k.name() + " {" + k.clsid().toString().toUpperCase(Locale.ROOT) + "}";
    }

    /** SamrOpenGroup (19), SamrOpenAlias (27), SamrOpenUser (34): the decoder gives the RID as the call's name. */
    private static boolean opensByRid(int opnum) {
        return opnum == 19 || opnum == 27 || opnum == 34;
    }

    /** A decimal number of up to 10 digits, without a copy; -1 for anything else. */
    public static long digits(String s) {
        if (s == null || s.isEmpty() || s.length() > 10) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /**
     * The well-known privileged groups and aliases (MS-ADTS 6.1.1.6): Domain Admins 512, Schema Admins 518,
     * Enterprise Admins 519, Group Policy Creator Owners 520, and the builtin Administrators 544, Account
     * Operators 548, Server Operators 549, Backup Operators 551; null for another RID.
     */
    public static String privilegedRidName(long rid) {
        return switch ((int) Math.min(rid, Integer.MAX_VALUE)) {
            case 512 -> "Domain Admins";
            case 518 -> "Schema Admins";
            case 519 -> "Enterprise Admins";
            case 520 -> "Group Policy Creator Owners";
            case 544 -> "Administrators";
            case 548 -> "Account Operators";
            case 549 -> "Server Operators";
            case 551 -> "Backup Operators";
            default -> null;
        };
    }

    /**
     * Services whose binary loads a DLL that a default Windows install does not have, from System32:
     * dropping the DLL over an admin share and (re)starting the service runs it as SYSTEM. IKEEXT →
     * wlbsctrl.dll (High-Tech Bridge 2012, Empire/Covenant service DLL hijack modules), SessionEnv →
     * TSMSISrv.dll, MSDTC → oci.dll. Null for another service.
     */
    static String phantomDll(String service) {
        if (service == null) {
            return null;
        }
        if (Text.eq(service, "IKEEXT")) {
            return "wlbsctrl.dll";
        }
        if (Text.eq(service, "SessionEnv")) {
            return "TSMSISrv.dll";
        }
        return Text.eq(service, "MSDTC") ? "oci.dll" : null;
    }

    /** The name of a dwControl code; empty for -1 (not decoded). Allocates only for an unusual code. */
    static String controlName(int control) {
        if (control == -1) {
            return "";
        }
        return control >= 0 && control < CONTROLS.length ? CONTROLS[control] : "control " + control;
    }

    /**
     * The {@link EventField#TASK_SHAPE} bits: atexec's task XML runs {@code cmd.exe /C ... > %windir%\Temp\<8>.tmp}
     * (impacket atexec.py); its task path is {@code \} and 8 random letters.
     */
    static int taskShape(RpcArgs.TaskRegister t) {
        int s = 0;
        if (t.xml() != null && Text.contains(t.xml(), "cmd.exe") && Text.contains(t.xml(), "\\Temp\\")) {
            s |= 1;
        }
        String p = t.path();
        if (p != null && p.length() == 9 && p.charAt(0) == '\\' && Text.letters(p, 1, 9)) {
            s |= 2;
        }
        return s;
    }

    /**
     * The {@link EventField#ACCOUNT_NAME_SHAPE} bits of an account name (0 for null): Impacket addcomputer
     * names a machine {@code DESKTOP-} and 8 random characters, then {@code $} (0x1; the LDAP path's check,
     * 0x4, does not ask for the {@code $}), or 8 random letters and {@code $} (0x2).
     */
    static int accountNameShape(String n) {
        if (n == null) {
            return 0;
        }
        int s = 0;
        boolean desktop = n.length() == 17 && n.startsWith("DESKTOP-");
        if (desktop && n.endsWith("$")) {
            s |= 1;
        }
        if (n.length() == 9 && n.endsWith("$") && Text.letters(n, 0, 8)) {
            s |= 2;
        }
        if (desktop) {
            s |= 4;
        }
        return s;
    }

    /** The sAMAccountName an LDAP add sets (the last such attribute with a value), or null. */
    static String samAccountName(LdapEvent.LdapAdd a) {
        String sam = null;
        List<LdapEvent.Attribute> l = a.attributes();
        for (int i = 0; i < l.size(); i++) {
            LdapEvent.Attribute at = l.get(i);
            if (Text.eq(at.name(), "sAMAccountName") && !at.values().isEmpty()) {
                sam = at.values().get(0);
            }
        }
        return sam;
    }

    /** Feeds every objectClass value of an LDAP add. */
    static boolean objectClass(LdapEvent.LdapAdd a, EventField.Visitor v) {
        List<LdapEvent.Attribute> l = a.attributes();
        for (int i = 0; i < l.size(); i++) {
            LdapEvent.Attribute at = l.get(i);
            if (Text.eq(at.name(), "objectClass")) {
                List<String> vs = at.values();
                for (int j = 0; j < vs.size(); j++) {
                    if (vs.get(j) != null && v.text(vs.get(j))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
