package io.impacketsensor.detection.rules;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;

import java.util.List;
import java.util.Locale;

/**
 * The registry of named decoded fields an operator rule can test (like Suricata's sticky buffers).
 * A field is text, a number or an address; a field with several values (Kerberos etypes, LDAP
 * attributes) matches when any value does; an event without the field never matches.
 */
public enum EventField {
    SMB_SHARE("smb.share", Kind.TEXT, "share of a tree connect, create, read or write (\\\\server\\share or share)"),
    SMB_FILENAME("smb.filename", Kind.TEXT, "file or pipe name of an SMB2 create, read or write"),
    SMB_PIPE("smb.pipe", Kind.TEXT, "named pipe opened over SMB, or the pipe a DCE/RPC request travels on"),
    SMB_PIPE_NAME("smb.pipe_name", Kind.TEXT, "last component of the named pipe an SMB2 create, read or write opens "
            + "(svcctl, PSEXESVC ...)"),
    DCERPC_INTERFACE("dcerpc.interface", Kind.TEXT, "interface UUID of a DCE/RPC request, or its name (svcctl, samr ...)"),
    DCERPC_OPNUM("dcerpc.opnum", Kind.NUMBER, "operation number of a DCE/RPC request"),
    DCERPC_OPERATION("dcerpc.operation", Kind.TEXT, "operation name of a DCE/RPC request (CreateServiceW ...)"),
    SVCCTL_SERVICE_NAME("svcctl.service_name", Kind.TEXT, "service an SVCCTL call creates, opens, starts, stops or deletes"),
    SVCCTL_BINARY_PATH("svcctl.binary_path", Kind.TEXT, "binary path of CreateService or ChangeServiceConfig"),
    KRB5_SNAME("krb5.sname", Kind.TEXT, "service principal of a Kerberos request (sname)"),
    KRB5_CNAME("krb5.cname", Kind.TEXT, "client principal of a Kerberos request (cname)"),
    KRB5_ETYPES("krb5.etypes", Kind.NUMBER, "encryption types a Kerberos request offers"),
    KRB5_MSG_TYPE("krb5.msg_type", Kind.NUMBER, "Kerberos request message type (10 AS-REQ, 12 TGS-REQ)"),
    LDAP_FILTER("ldap.filter", Kind.TEXT, "filter of an LDAP search, as text"),
    LDAP_ATTRIBUTE("ldap.attribute", Kind.TEXT, "attribute an LDAP modify or add writes"),
    LDAP_DN("ldap.dn", Kind.TEXT, "DN of an LDAP modify or add, or the base of a search"),
    NTLM_FLAGS("ntlm.flags", Kind.NUMBER, "NegotiateFlags of an NTLM NEGOTIATE or AUTHENTICATE"),
    NTLM_USER("ntlm.user", Kind.TEXT, "user of an NTLM AUTHENTICATE"),
    NTLM_DOMAIN("ntlm.domain", Kind.TEXT, "domain of an NTLM AUTHENTICATE"),
    NTLM_WORKSTATION("ntlm.workstation", Kind.TEXT, "workstation of an NTLM NEGOTIATE or AUTHENTICATE"),
    DCOM_CLSID("dcom.clsid", Kind.TEXT, "CLSID of a DCOM activation request"),
    DCOM_STRING("dcom.string", Kind.TEXT, "a string argument of a DCOM call (WMI class and method names, command lines)"),
    WINREG_KEY("winreg.key", Kind.TEXT, "registry key a winreg OpenKey, CreateKey or SaveKey names"),
    TASK_COMMAND("task.command", Kind.TEXT, "command of an AT job, or the XML of a scheduled task registration"),
    EVENT("event", Kind.TEXT, "kind of decoded event: smb_tree_connect, smb_file (a create, read or write of a file), "
            + "smb_pipe (of a named pipe), dcerpc_bind, dcerpc_request, ntlm_negotiate, ntlm_authenticate, krb_request, "
            + "krb_reply, krb_ap_request, ldap_search, ldap_modify, ldap_add ..."),
    SRC_IP("src_ip", Kind.ADDRESS, "client address of the event"),
    DEST_IP("dest_ip", Kind.ADDRESS, "server address of the event"),
    KRB5_PADATA("krb5.padata", Kind.NUMBER, "PA-DATA types of a Kerberos request (2 PA-ENC-TIMESTAMP, 128 PA-PAC-REQUEST, "
            + "129 PA-FOR-USER, 161 KERB-KEY-LIST-REQ ...)"),
    SAMR_INFO_CLASS("samr.info_class", Kind.NUMBER, "USER_INFORMATION_CLASS of a SAMR SamrSetInformationUser(2) "
            + "(18 internal1, 21 all, 23-26 internal4/5 with a password)");

    /** What a field holds; decides which operators apply. */
    public enum Kind { TEXT, NUMBER, ADDRESS }

    private final String id;
    private final Kind kind;
    private final String description;

    EventField(String id, Kind kind, String description) {
        this.id = id;
        this.kind = kind;
        this.description = description;
    }

    public String id() {
        return id;
    }

    public Kind kind() {
        return kind;
    }

    public String description() {
        return description;
    }

    /**
     * The event kinds this field exists on, as an {@link EventKind} mask: a rule is only evaluated on
     * the kinds all its fields share (the data-rule index). Must cover every kind {@link #visit} reads.
     */
    public long kinds() {
        return switch (this) {
            case SMB_SHARE -> EventKind.SMB_TREE_CONNECT.bit | EventKind.SMB_FILE.bit | EventKind.SMB_PIPE.bit;
            case SMB_FILENAME -> EventKind.SMB_FILE.bit | EventKind.SMB_PIPE.bit;
            case SMB_PIPE -> EventKind.SMB_PIPE.bit | EventKind.DCERPC_REQUEST.bit;
            case SMB_PIPE_NAME -> EventKind.SMB_PIPE.bit;
            case DCERPC_INTERFACE, DCERPC_OPNUM, DCERPC_OPERATION, SVCCTL_SERVICE_NAME, SVCCTL_BINARY_PATH,
                 DCOM_CLSID, DCOM_STRING,
                 WINREG_KEY, TASK_COMMAND -> EventKind.DCERPC_REQUEST.bit;
            case KRB5_SNAME, KRB5_CNAME, KRB5_ETYPES, KRB5_MSG_TYPE -> EventKind.KRB_REQUEST.bit;
            case LDAP_FILTER -> EventKind.LDAP_SEARCH.bit;
            case LDAP_ATTRIBUTE -> EventKind.LDAP_MODIFY.bit | EventKind.LDAP_ADD.bit;
            case LDAP_DN -> EventKind.LDAP_MODIFY.bit | EventKind.LDAP_ADD.bit | EventKind.LDAP_SEARCH.bit;
            case NTLM_FLAGS, NTLM_WORKSTATION -> EventKind.NTLM_AUTHENTICATE.bit | EventKind.NTLM_NEGOTIATE.bit;
            case NTLM_USER, NTLM_DOMAIN -> EventKind.NTLM_AUTHENTICATE.bit;
            case EVENT, SRC_IP, DEST_IP -> EventKind.ALL;
            case KRB5_PADATA -> EventKind.KRB_REQUEST.bit;
            case SAMR_INFO_CLASS -> EventKind.DCERPC_REQUEST.bit;
        };
    }

    /** values() copies the array on every call; indicators look fields up per match. */
    private static final EventField[] ALL = values();

    /** The field of this name, or null. */
    public static EventField byId(String id) {
        for (EventField f : ALL) {
            if (f.id.equals(id)) {
                return f;
            }
        }
        return null;
    }

    /** The field named by {@code s[from, to)} (an indicator placeholder), or null; no copy of the name. */
    static EventField byId(String s, int from, int to) {
        for (EventField f : ALL) {
            if (f.id.length() == to - from && s.startsWith(f.id, from)) {
                return f;
            }
        }
        return null;
    }

    /** Receives the values of a field; returns true to stop (a match was found). */
    interface Visitor {
        boolean text(String v);

        boolean number(long v);

        /** A text value that starts at {@code from} in {@code v} (no copy on the event path). */
        default boolean text(String v, int from) {
            return text(v.substring(from));
        }
    }

    /** Feeds this field's values in {@code ev} to {@code v}; true when it stopped on a match. */
    boolean visit(SensorEvent ev, Visitor v) {
        switch (this) {
            case EVENT -> {
                return v.text(EventKind.of(ev).id);
            }
            case SMB_SHARE -> {
                if (ev instanceof SmbEvent.SmbTreeConnect t) {
                    return t.path() != null && v.text(t.path());
                }
                String s = ev instanceof SmbEvent.SmbCreate c ? c.share() : ev instanceof SmbEvent.SmbRead r ? r.share()
                        : ev instanceof SmbEvent.SmbWrite w ? w.share() : null;
                return s != null && v.text(s);
            }
            case SMB_FILENAME -> {
                String s = ev instanceof SmbEvent.SmbCreate c ? c.fileName() : ev instanceof SmbEvent.SmbRead r
                        ? r.fileName() : ev instanceof SmbEvent.SmbWrite w ? w.fileName() : null;
                return s != null && v.text(s);
            }
            case SMB_PIPE -> {
                if (ev instanceof SmbEvent.SmbCreate c && c.namedPipe()) {
                    return c.fileName() != null && v.text(c.fileName());
                }
                return ev instanceof DcerpcEvent.DcerpcRequest r && r.namedPipe() != null && v.text(r.namedPipe());
            }
            case SMB_PIPE_NAME -> {
                // As the signature layer decides a pipe: a create flagged as a pipe or naming \PIPE\...,
                // a read or write on a pipe handle.
                String name;
                boolean pipe;
                if (ev instanceof SmbEvent.SmbCreate c) {
                    name = c.fileName();
                    pipe = c.namedPipe() || Text.startsWith(name, "\\PIPE\\") || Text.startsWith(name, "PIPE\\");
                } else if (ev instanceof SmbEvent.SmbRead r) {
                    name = r.fileName();
                    pipe = r.namedPipe();
                } else if (ev instanceof SmbEvent.SmbWrite w) {
                    name = w.fileName();
                    pipe = w.namedPipe();
                } else {
                    return false;
                }
                return pipe && name != null && !name.isEmpty() && v.text(name, Text.baseStart(name));
            }
            case DCERPC_INTERFACE -> {
                if (ev instanceof DcerpcEvent.DcerpcRequest r && r.interfaceUuid() != null) {
                    String name = RpcInterfaces.name(r.interfaceUuid());
                    return v.text(r.interfaceUuid().toString()) || (name != null && v.text(name));
                }
                return false;
            }
            case DCERPC_OPNUM -> {
                return ev instanceof DcerpcEvent.DcerpcRequest r && v.number(r.opnum());
            }
            case DCERPC_OPERATION -> {
                if (ev instanceof DcerpcEvent.DcerpcRequest r) {
                    String op = RpcInterfaces.operation(r.interfaceUuid(), r.opnum());
                    return op != null && v.text(op);
                }
                return false;
            }
            case SVCCTL_SERVICE_NAME -> {
                RpcArgs a = args(ev);
                String s = a instanceof RpcArgs.ScmCreateService cs ? cs.serviceName() : a instanceof RpcArgs.ScmOpenService os
                        ? os.serviceName() : a instanceof RpcArgs.ScmServiceAction sa ? sa.serviceName() : null;
                return s != null && v.text(s);
            }
            case SVCCTL_BINARY_PATH -> {
                RpcArgs a = args(ev);
                String s = a instanceof RpcArgs.ScmCreateService cs ? cs.binaryPath()
                        : a instanceof RpcArgs.ScmChangeServiceConfig cc ? cc.binaryPath() : null;
                return s != null && v.text(s);
            }
            case KRB5_SNAME -> {
                return ev instanceof KerberosEvent.KerberosRequest k && k.sname() != null && v.text(k.sname().toString());
            }
            case KRB5_CNAME -> {
                return ev instanceof KerberosEvent.KerberosRequest k && k.cname() != null && v.text(k.cname().toString());
            }
            case KRB5_ETYPES -> {
                if (ev instanceof KerberosEvent.KerberosRequest k) {
                    List<Integer> l = k.etypes();
                    for (int i = 0; i < l.size(); i++) {
                        if (v.number(l.get(i))) {
                            return true;
                        }
                    }
                }
                return false;
            }
            case KRB5_MSG_TYPE -> {
                return ev instanceof KerberosEvent.KerberosRequest k && v.number(k.msgType());
            }
            case LDAP_FILTER -> {
                return ev instanceof LdapEvent.LdapSearch s && s.filter() != null && v.text(s.filter());
            }
            case LDAP_ATTRIBUTE -> {
                if (ev instanceof LdapEvent.LdapModify m) {
                    for (LdapEvent.Modification x : m.modifications()) {
                        if (v.text(x.attribute().name())) {
                            return true;
                        }
                    }
                } else if (ev instanceof LdapEvent.LdapAdd a) {
                    for (LdapEvent.Attribute x : a.attributes()) {
                        if (v.text(x.name())) {
                            return true;
                        }
                    }
                }
                return false;
            }
            case LDAP_DN -> {
                String s = ev instanceof LdapEvent.LdapModify m ? m.dn() : ev instanceof LdapEvent.LdapAdd a ? a.dn()
                        : ev instanceof LdapEvent.LdapSearch s2 ? s2.base() : null;
                return s != null && v.text(s);
            }
            case NTLM_FLAGS -> {
                return ev instanceof NtlmEvent.NtlmAuthenticate a ? v.number(a.flags() & 0xFFFFFFFFL)
                        : ev instanceof NtlmEvent.NtlmNegotiate n && v.number(n.flags() & 0xFFFFFFFFL);
            }
            case NTLM_USER -> {
                return ev instanceof NtlmEvent.NtlmAuthenticate a && a.user() != null && v.text(a.user());
            }
            case NTLM_DOMAIN -> {
                return ev instanceof NtlmEvent.NtlmAuthenticate a && a.domain() != null && v.text(a.domain());
            }
            case NTLM_WORKSTATION -> {
                String s = ev instanceof NtlmEvent.NtlmAuthenticate a ? a.workstation()
                        : ev instanceof NtlmEvent.NtlmNegotiate n ? n.workstation() : null;
                return s != null && v.text(s);
            }
            case DCOM_CLSID -> {
                return args(ev) instanceof RpcArgs.DcomActivation d && d.clsid() != null
                        && v.text(d.clsid().toString().toLowerCase(Locale.ROOT));
            }
            case DCOM_STRING -> {
                if (args(ev) instanceof RpcArgs.DcomStrings d) {
                    List<String> l = d.strings();
                    for (int i = 0; i < l.size(); i++) {
                        if (l.get(i) != null && v.text(l.get(i))) {
                            return true;
                        }
                    }
                }
                return false;
            }
            case WINREG_KEY -> {
                RpcArgs a = args(ev);
                String s = a instanceof RpcArgs.RegOpenKey k ? k.keyPath() : a instanceof RpcArgs.RegSaveKey k ? k.keyPath()
                        : null;
                return s != null && v.text(s);
            }
            case TASK_COMMAND -> {
                RpcArgs a = args(ev);
                String s = a instanceof RpcArgs.AtJobAdd j ? j.command() : a instanceof RpcArgs.TaskRegister t ? t.xml() : null;
                return s != null && v.text(s);
            }
            case KRB5_PADATA -> {
                if (ev instanceof KerberosEvent.KerberosRequest k) {
                    List<Integer> l = k.padataTypes();
                    for (int i = 0; i < l.size(); i++) {
                        if (v.number(l.get(i))) {
                            return true;
                        }
                    }
                }
                return false;
            }
            case SAMR_INFO_CLASS -> {
                return args(ev) instanceof RpcArgs.SamrSetUserInfo u && v.number(u.infoClass());
            }
            default -> {
                return false; // addresses: tested by the condition from the header
            }
        }
    }

    private static RpcArgs args(SensorEvent ev) {
        return ev instanceof DcerpcEvent.DcerpcRequest r ? r.args() : null;
    }
}
