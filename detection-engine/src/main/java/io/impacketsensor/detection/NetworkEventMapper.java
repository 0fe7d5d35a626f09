package io.impacketsensor.detection;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.detection.engine.RpcCatalog;
import io.impacketsensor.detection.rules.Text;
import io.impacketsensor.detection.response.AllowListMatcher;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Maps the flat {@link NetworkEvent} onto the typed events the decoders produce, in the order they
 * would appear on the wire (authentication, tree connect, file opens, service creation, pipe opens),
 * so the API and the packet pipeline run the same engine. Facts only an integration can know become
 * events of their own: a ticket's lifetime a {@link KerberosEvent.KerberosTicketLifetime}, "this was a
 * hash" a {@link ProtocolAnomaly} named {@code ntlm.hash_auth}.
 */
public final class NetworkEventMapper {
    /** Windows' NEGOTIATE flags with signing, VERSION and key exchange (a normal client). */
    static final int WINDOWS_NTLM_FLAGS = 0xE2888215;
    static final long STATUS_LOGON_FAILURE = 0xC000006DL;
    static final InetAddress UNKNOWN = AllowListMatcher.parseAddress("0.0.0.0");

    private long nextFlowId = 1;

    /** The typed events for one flat event; {@code nowNanos} is used when the event has no timestamp. */
    public List<SensorEvent> map(NetworkEvent ev, long nowNanos) {
        long ts = ev.timestamp() == null ? nowNanos
                : ev.timestamp().getEpochSecond() * 1_000_000_000L + ev.timestamp().getNano();
        InetAddress src = AllowListMatcher.parseAddress(ev.sourceIp());
        InetAddress dst = ev.destIp() == null ? UNKNOWN : AllowListMatcher.parseAddress(ev.destIp());
        int port = switch (ev.protocol()) {
            case SMB, NTLM -> 445;
            case KERBEROS -> 88;
            case RPC -> 135;
            case LDAP -> 389;
        };
        EventHeader h = new EventHeader(ts, nextFlowId++, src, 49152 + (int) (nextFlowId % 16000), dst, port,
                Transport.TCP);
        List<SensorEvent> out = new ArrayList<>(4);
        switch (ev.protocol()) {
            case SMB -> smb(ev, h, out);
            case RPC -> {
                if (ev.dcomClass() != null && !RpcCatalog.REMOTE_SCM_ACTIVATOR.equals(ev.interfaceUuid())) {
                    activation(ev, h, out);
                }
                if (ev.interfaceUuid() != null || ev.operation() != null || commandInterface(ev) != null
                        || ev.serviceName() != null || ev.binaryPath() != null) {
                    rpc(ev, h, out, null);
                }
                // An RPC event naming no interface says nothing to analyse (the field is optional).
            }
            case NTLM -> ntlm(ev, h, Carrier.RAW, out);
            case KERBEROS -> kerberos(ev, h, out);
            case LDAP -> ldap(ev, h, out);
        }
        return out;
    }

    private static boolean typeHas(NetworkEvent ev, String s) {
        return ev.eventType() != null && ev.eventType().toLowerCase(Locale.ROOT).contains(s);
    }

    /** Impacket's -hashes LMHASH:NTHASH, spelled LM:NTLM in the specification, and the plain names. */
    private static final String[] HASH_AUTH = {"hash", "pth", "pass_the_hash", "ntlm_hash", "nthash", "LM:NTLM",
        "LM:NT", "lmhash:nthash"};

    /** The interface {@code command} names ({@code SVCCTL}, {@code winreg} ...), or null for a command line. */
    private static RpcCatalog.Iface commandInterface(NetworkEvent ev) {
        String c = ev.command();
        return c == null || c.isEmpty() || c.length() > 32 ? null : RpcCatalog.byName(c.trim());
    }

    /**
     * The activation of {@code dcom_class}: IRemoteSCMActivator RemoteCreateInstance (MS-DCOM 3.1.2.5.2.3.2)
     * asking for IDispatch, the way dcomexec.py activates MMC20.Application and ShellWindows.
     */
    private static void activation(NetworkEvent ev, EventHeader h, List<SensorEvent> out) {
        out.add(new DcerpcEvent.DcerpcRequest(h, null, 1, 0, RpcCatalog.REMOTE_SCM_ACTIVATOR, 4, null, false, 0, 1, 0,
                0, new RpcArgs.DcomActivation(4, ev.dcomClass(), List.of(RpcCatalog.IDISPATCH))));
    }

    private static boolean authTypeIs(NetworkEvent ev, String... names) {
        if (ev.authType() == null) {
            return false;
        }
        for (String n : names) {
            if (ev.authType().equalsIgnoreCase(n)) {
                return true;
            }
        }
        return false;
    }

    private void smb(NetworkEvent ev, EventHeader h, List<SensorEvent> out) {
        boolean auth = typeHas(ev, "auth") || typeHas(ev, "login") || typeHas(ev, "logon") || typeHas(ev, "session")
                || ev.ntlmFlags() != null || ev.micPresent() != null || (ev.success() != null && ev.username() != null);
        if (auth) {
            long status = ev.success() == null ? 0 : ev.success() ? 0 : STATUS_LOGON_FAILURE;
            ntlm(ev, h, Carrier.SMB2, out);
            out.add(new SmbEvent.SmbSessionSetup(h, 1, 1, 0, "ntlmssp", 0, 0, status));
        }
        String server = "\\\\" + h.serverIp().getHostAddress() + "\\";
        String share = ev.share() == null ? "" : server + ev.share();
        if (ev.share() != null) {
            out.add(new SmbEvent.SmbTreeConnect(h, 1, 1, share, Text.eq(ev.share(), "IPC$") ? 2 : 1, 0));
        }
        String path = ev.path();
        boolean pipe = path != null && (path.regionMatches(true, 0, "\\PIPE\\", 0, 6)
                || path.regionMatches(true, 0, "PIPE\\", 0, 5) || Text.eq(ev.share(), "IPC$"));
        boolean write = typeHas(ev, "write") || typeHas(ev, "upload") || typeHas(ev, "copy") || typeHas(ev, "put");
        if (path != null && !pipe) {
            out.add(new SmbEvent.SmbCreate(h, 1, 1, share, strip(path), false, write ? 0x0012019F : 0x00120089,
                    write ? 5 : 1, 0x40, 0x80, -1, -1, 0, 0));
            if (!write) {
                out.add(new SmbEvent.SmbRead(h, 1, 1, share, strip(path), false, 0, 65536, -1, 0));
            }
        }
        if (ev.dcomClass() != null && !RpcCatalog.REMOTE_SCM_ACTIVATOR.equals(ev.interfaceUuid())) {
            activation(ev, h, out);
        }
        if (ev.serviceName() != null || ev.binaryPath() != null || typeHas(ev, "service")
                || ev.interfaceUuid() != null || ev.operation() != null || commandInterface(ev) != null) {
            rpc(ev, h, out, ev.interfaceUuid() == null && ev.operation() == null ? RpcCatalog.SVCCTL : null);
        }
        if (pipe) {
            String name = path.substring(path.lastIndexOf('\\') + 1);
            if (ev.share() == null) {
                out.add(new SmbEvent.SmbTreeConnect(h, 1, 2, server + "IPC$", 2, 0));
            }
            out.add(new SmbEvent.SmbCreate(h, 1, 2, server + "IPC$", name, true, 0x0012019F, 1, 0x40, 0x80, -1, -1,
                    0, 0));
        }
    }

    private static String strip(String p) {
        return p.startsWith("\\") ? p.substring(1) : p;
    }

    private static void rpc(NetworkEvent ev, EventHeader h, List<SensorEvent> out, UUID defaultIface) {
        RpcCatalog.Iface iface = ev.interfaceUuid() != null ? RpcCatalog.byUuid(ev.interfaceUuid()) : null;
        UUID uuid = ev.interfaceUuid();
        if (uuid == null && commandInterface(ev) != null) {
            iface = commandInterface(ev);
            uuid = iface.uuid();
        }
        if (uuid == null && ev.operation() != null && !isNumber(ev.operation())) {
            iface = RpcCatalog.interfaceOfOperation(ev.operation());
            if (iface == null) {
                throw new NetworkEventException("operation", "unknown operation '" + ev.operation()
                        + "' (give interface_uuid and an opnum)");
            }
            uuid = iface.uuid();
        }
        if (uuid == null) {
            uuid = defaultIface != null ? defaultIface
                    : ev.serviceName() != null || ev.binaryPath() != null ? RpcCatalog.SVCCTL : null;
            iface = RpcCatalog.byUuid(uuid);
        }
        if (uuid == null) {
            throw new NetworkEventException("interface_uuid", "required for an RPC event (or an operation name)");
        }
        int opnum;
        if (ev.operation() == null) {
            opnum = uuid.equals(RpcCatalog.SVCCTL) ? 12 : 0;
        } else if (isNumber(ev.operation())) {
            opnum = Integer.parseInt(ev.operation());
        } else {
            opnum = iface == null ? -1 : RpcCatalog.opnum(iface, ev.operation());
            if (opnum < 0) {
                throw new NetworkEventException("operation", "unknown operation '" + ev.operation() + "' for "
                        + (iface == null ? uuid : iface.name()));
            }
        }
        String pipe = iface == null ? null : iface.pipe();
        RpcArgs args = args(ev, uuid, opnum);
        out.add(new DcerpcEvent.DcerpcRequest(h, pipe, 2, 0, uuid, opnum, null, false, 0, 1, 0, 0, args,
                ev.interfaceSource() != null ? ev.interfaceSource() : DcerpcEvent.InterfaceSource.BIND, null));
        if (uuid.equals(RpcCatalog.SVCCTL) && opnum == 12 && typeHas(ev, "start")) {
            out.add(new DcerpcEvent.DcerpcRequest(h, pipe, 3, 0, uuid, 19, null, false, 0, 1, 0, 0,
                    new RpcArgs.ScmServiceAction(19, ev.serviceName(), -1)));
        }
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty() || s.length() > 6) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static RpcArgs args(NetworkEvent ev, UUID uuid, int op) {
        String cmd = commandInterface(ev) != null ? null : ev.command();
        if (uuid.equals(RpcCatalog.SVCCTL)) {
            return switch (op) {
                case 12 -> new RpcArgs.ScmCreateService(ev.serviceName(), ev.serviceName(),
                        ev.binaryPath() != null ? ev.binaryPath() : cmd, 0x10, 3, 0xF01FF);
                case 16 -> new RpcArgs.ScmOpenService(ev.serviceName(), 0xF01FF);
                case 11 -> new RpcArgs.ScmChangeServiceConfig(-1, -1, ev.binaryPath() != null ? ev.binaryPath() : cmd);
                case 1, 2, 19 -> new RpcArgs.ScmServiceAction(op, ev.serviceName(), -1);
                default -> null;
            };
        }
        if (uuid.equals(RpcCatalog.WINREG)) {
            return switch (op) {
                case 6, 15 -> ev.path() == null ? null : new RpcArgs.RegOpenKey(op == 6, ev.path());
                case 20 -> new RpcArgs.RegSaveKey(cmd != null ? cmd : ev.path(), ev.path());
                case 17 -> new RpcArgs.RegQueryValue(cmd, ev.path());
                default -> null;
            };
        }
        if (uuid.equals(RpcCatalog.WBEM_SERVICES) || uuid.equals(RpcCatalog.IDISPATCH)
                || uuid.equals(RpcCatalog.WBEM_LEVEL1_LOGIN)) {
            List<String> s = new ArrayList<>();
            if (uuid.equals(RpcCatalog.WBEM_SERVICES) && op == 24) {
                s.add("Win32_Process");
                s.add("Create");
            }
            if (ev.path() != null) {
                s.add(ev.path());
            }
            if (cmd != null) {
                s.add(cmd);
            }
            return s.isEmpty() ? null : new RpcArgs.DcomStrings(List.copyOf(s));
        }
        if (uuid.equals(RpcCatalog.REMOTE_SCM_ACTIVATOR) && (op == 3 || op == 4) && ev.dcomClass() != null) {
            return new RpcArgs.DcomActivation(op, ev.dcomClass(), List.of(RpcCatalog.IDISPATCH));
        }
        if (uuid.equals(RpcCatalog.TSCH)) {
            return new RpcArgs.TaskRegister(op, ev.path(), cmd);
        }
        if (uuid.equals(RpcCatalog.ATSVC) && op == 0) {
            return new RpcArgs.AtJobAdd(cmd);
        }
        if (uuid.equals(RpcCatalog.DRSUAPI) && op == 3) {
            return new RpcArgs.DrsGetNcChanges();
        }
        if (uuid.equals(RpcCatalog.SAMR) && op == 50) {
            return new RpcArgs.SamrCreateUser(ev.username(), ev.username() != null && ev.username().endsWith("$")
                    ? 0x80 : 0x10, 0xF07FF);
        }
        return null;
    }

    private static void ntlm(NetworkEvent ev, EventHeader h, Carrier carrier, List<SensorEvent> out) {
        int flags = ev.ntlmFlags() == null ? WINDOWS_NTLM_FLAGS : ev.ntlmFlags();
        boolean v1 = authTypeIs(ev, "ntlmv1", "ntlm1", "v1");
        boolean mic = ev.micPresent() == null || ev.micPresent();
        // A relay integration may say the MIC was stripped: MsvAvFlags still announces it (MS-NLMP 2.2.2.1).
        int avFlags = mic || typeHas(ev, "mic_removed") || typeHas(ev, "relay") ? 0x2 : -1;
        long status = ev.success() == null ? SensorEvent.NO_STATUS : ev.success() ? 0 : STATUS_LOGON_FAILURE;
        String user = ev.username() == null ? "" : ev.username();
        String domain = "";
        int bs = user.indexOf('\\');
        if (bs > 0) {
            domain = user.substring(0, bs);
            user = user.substring(bs + 1);
        }
        NtlmEvent.Version version = (flags & 0x02000000) != 0 ? new NtlmEvent.Version(10, 0, 19041, 15) : null;
        out.add(new NtlmEvent.NtlmAuthenticate(h, carrier, flags, 24, v1 ? 24 : 300, v1 ? 1 : 2, domain, user, "",
                true, version, mic, avFlags, "", null, null, user.isEmpty(), status));
        if (authTypeIs(ev, HASH_AUTH)) {
            out.add(new ProtocolAnomaly(h, "ntlm.hash_auth", user));
        }
    }

    private static KerberosEvent.PrincipalName principal(String spn) {
        String s = spn;
        int at = s.indexOf('@');
        if (at >= 0) {
            s = s.substring(0, at);
        }
        List<String> parts = List.of(s.split("/", -1));
        return new KerberosEvent.PrincipalName(parts.size() > 1 ? 2 : 1, parts);
    }

    private static void kerberos(NetworkEvent ev, EventHeader h, List<SensorEvent> out) {
        KerberosEvent.PrincipalName sname = ev.servicePrincipal() == null ? null : principal(ev.servicePrincipal());
        String realm = "";
        if (ev.servicePrincipal() != null && ev.servicePrincipal().indexOf('@') >= 0) {
            realm = ev.servicePrincipal().substring(ev.servicePrincipal().indexOf('@') + 1);
        }
        KerberosEvent.PrincipalName cname = ev.username() == null ? null
                : new KerberosEvent.PrincipalName(1, List.of(ev.username()));
        boolean noPreauth = authTypeIs(ev, "no_preauth", "nopreauth", "asrep", "as-rep") || Text.eq(ev.ticketType(), "AS-REP");
        boolean tgt = Text.eq(ev.ticketType(), "TGT") || typeHas(ev, "as_req") || typeHas(ev, "as-req")
                || typeHas(ev, "as_request") || typeHas(ev, "tgt_request") || noPreauth
                || (sname != null && Text.eq(sname.components().get(0), "krbtgt") && !Text.eq(ev.ticketType(), "TGS")
                && !typeHas(ev, "tgs"));
        boolean hash = authTypeIs(ev, HASH_AUTH) || authTypeIs(ev, "rc4_hash", "overpass");
        int etype = ev.encryptionType() == null ? (hash ? 23 : 18) : ev.encryptionType();
        List<Integer> etypes = ev.encryptionType() != null || hash ? List.of(etype) : List.of(18, 17, 23);
        long till = ev.ticketLifetime() == null ? KerberosEvent.NO_TIME : h.timestampNanos() / 1_000_000_000L + ev.ticketLifetime();
        String forUser = typeHas(ev, "s4u") ? ev.username() : null;
        int msgType = tgt ? 10 : 12;
        List<Integer> padata = tgt ? (noPreauth ? List.of(128) : List.of(2, 128)) : List.of(1);
        KerberosEvent.KerberosRequest req = new KerberosEvent.KerberosRequest(h, msgType, padata,
                tgt && !noPreauth ? etype : -1, 1, forUser, forUser == null ? null : realm,
                forUser == null ? 0 : -138, false, -1, false,
                null, 0x40810010, tgt ? cname : null, realm, sname, KerberosEvent.NO_TIME, till, KerberosEvent.NO_TIME,
                1, etypes, false, List.of());
        out.add(req);
        if (ev.ticketLifetime() != null) {
            out.add(new KerberosEvent.KerberosTicketLifetime(h, sname, ev.ticketType(), ev.ticketLifetime()));
        }
        if (Boolean.FALSE.equals(ev.success())) {
            int code = typeHas(ev, "unknown") || typeHas(ev, "enum") ? 6 : tgt ? 24 : 7;
            out.add(new KerberosEvent.KerberosError(h, code, null, realm, sname, cname, req));
        } else if (Boolean.TRUE.equals(ev.success()) || noPreauth || ev.encryptionType() != null) {
            KerberosEvent.TicketInfo ticket = new KerberosEvent.TicketInfo(realm, sname, etype, 2);
            out.add(new KerberosEvent.KerberosReply(h, tgt ? 11 : 13, realm, cname, ticket, etype, req));
        }
        if (hash) {
            out.add(new ProtocolAnomaly(h, "ntlm.hash_auth", ev.username() == null ? "" : ev.username()));
        }
    }

    private static void ldap(NetworkEvent ev, EventHeader h, List<SensorEvent> out) {
        if (typeHas(ev, "bind") || ev.success() != null && ev.ldapFilter() == null) {
            int rc = ev.success() == null ? 0 : ev.success() ? 0 : 49;
            out.add(new LdapEvent.LdapBind(h, 1, 3, ev.username() == null ? "" : ev.username(),
                    LdapEvent.BindType.SIMPLE, null, true, rc, null));
        }
        if (ev.ldapFilter() != null) {
            out.add(new LdapEvent.LdapSearch(h, 2, "", 2, 0, 0, 0, false, ev.ldapFilter(), List.of(), List.of(), -1,
                    0, 0, false));
        }
    }
}
