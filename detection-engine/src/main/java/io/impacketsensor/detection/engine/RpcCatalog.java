package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.RpcInterfaces;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The DCE/RPC interfaces and operations that matter for detection (INDICATORS.md §2, from Impacket's
 * OPNUMS tables and MS-SCMR, MS-RRP, MS-TSCH, MS-DRSR, MS-LSAT, MS-SAMR, MS-SRVS, MS-DCOM, MS-WMI).
 * Interface and operation names are used for output and to map the flat event's
 * {@code interface_uuid}/{@code operation} names onto UUIDs and opnums.
 */
public final class RpcCatalog {
    public static final UUID SVCCTL = RpcInterfaces.uuid(RpcInterfaces.SVCCTL);
    public static final UUID TSCH = RpcInterfaces.uuid(RpcInterfaces.TSCH);
    public static final UUID ATSVC = RpcInterfaces.uuid(RpcInterfaces.ATSVC);
    public static final UUID WINREG = RpcInterfaces.uuid(RpcInterfaces.WINREG);
    public static final UUID DRSUAPI = RpcInterfaces.uuid(RpcInterfaces.DRSUAPI);
    public static final UUID SAMR = RpcInterfaces.uuid(RpcInterfaces.SAMR);
    public static final UUID LSARPC = RpcInterfaces.uuid(RpcInterfaces.LSARPC);
    public static final UUID SRVSVC = RpcInterfaces.uuid(RpcInterfaces.SRVSVC);
    public static final UUID EPM = RpcInterfaces.uuid(RpcInterfaces.EPMAPPER);
    public static final UUID REMOTE_SCM_ACTIVATOR = RpcInterfaces.uuid(RpcInterfaces.REMOTE_SCM_ACTIVATOR);
    public static final UUID OBJECT_EXPORTER = RpcInterfaces.uuid(RpcInterfaces.OBJECT_EXPORTER);
    public static final UUID REM_UNKNOWN2 = RpcInterfaces.uuid(RpcInterfaces.REM_UNKNOWN2);
    public static final UUID WBEM_LEVEL1_LOGIN = RpcInterfaces.uuid(RpcInterfaces.WBEM_LEVEL1_LOGIN);
    public static final UUID WBEM_SERVICES = RpcInterfaces.uuid(RpcInterfaces.WBEM_SERVICES);
    public static final UUID IDISPATCH = RpcInterfaces.uuid(RpcInterfaces.IDISPATCH);
    public static final UUID NETLOGON = RpcInterfaces.uuid(RpcInterfaces.NETLOGON);
    public static final UUID WKSSVC = RpcInterfaces.uuid(RpcInterfaces.WKSSVC);

    /** An interface: its name and the pipe it is normally reached on (null over TCP). */
    public record Iface(UUID uuid, String name, String pipe, Map<Integer, String> ops) {
        /** The operation's name, or {@code opnum N}. */
        public String opName(int opnum) {
            String n = ops.get(opnum);
            return n != null ? n : "opnum " + opnum;
        }
    }

    private static final Map<UUID, Iface> BY_UUID = new HashMap<>();
    private static final Map<String, Iface> BY_NAME = new HashMap<>();

    static {
        // Names and opnums come from the one shared table (RpcInterfaces); here only the names the
        // flat event and the indicators use, and the pipe each interface is normally reached on.
        add(RpcInterfaces.SVCCTL, "svcctl", "svcctl");
        add(RpcInterfaces.TSCH, "tsch", "atsvc");
        add(RpcInterfaces.ATSVC, "atsvc", "atsvc");
        add(RpcInterfaces.WINREG, "winreg", "winreg");
        add(RpcInterfaces.DRSUAPI, "drsuapi", null);
        add(RpcInterfaces.SAMR, "samr", "samr");
        add(RpcInterfaces.LSARPC, "lsarpc", "lsarpc");
        add(RpcInterfaces.SRVSVC, "srvsvc", "srvsvc");
        add(RpcInterfaces.EPMAPPER, "epmapper", null);
        add(RpcInterfaces.REMOTE_SCM_ACTIVATOR, "IRemoteSCMActivator", null);
        add(RpcInterfaces.OBJECT_EXPORTER, "IObjectExporter", null);
        add(RpcInterfaces.REM_UNKNOWN2, "IRemUnknown2", null);
        add(RpcInterfaces.WBEM_LEVEL1_LOGIN, "IWbemLevel1Login", null);
        add(RpcInterfaces.WBEM_SERVICES, "IWbemServices", null);
        add(RpcInterfaces.IDISPATCH, "IDispatch", null);
    }

    private RpcCatalog() {
    }

    private static void add(int index, String name, String pipe) {
        Map<Integer, String> m = new HashMap<>();
        for (int op = 0; op < 256; op++) { // the highest opnum of these interfaces is 77 (LsarLookupNames4)
            String n = RpcInterfaces.operation(index, op);
            if (n != null) {
                m.put(op, n);
            }
        }
        UUID uuid = RpcInterfaces.uuid(index);
        Iface f = new Iface(uuid, name, pipe, Map.copyOf(m));
        BY_UUID.put(uuid, f);
        BY_NAME.put(name.toLowerCase(Locale.ROOT), f);
    }

    /** The interface with this UUID, or null. */
    public static Iface byUuid(UUID uuid) {
        return uuid == null ? null : BY_UUID.get(uuid);
    }

    /** The interface with this name (svcctl, winreg, drsuapi, IWbemServices ...; case-insensitive), or null. */
    public static Iface byName(String name) {
        return BY_NAME.get(name.toLowerCase(Locale.ROOT));
    }

    /** The opnum of an operation name on an interface (case-insensitive), or -1. */
    public static int opnum(Iface iface, String opName) {
        for (Map.Entry<Integer, String> e : iface.ops().entrySet()) {
            if (e.getValue().equalsIgnoreCase(opName)) {
                return e.getKey();
            }
        }
        return -1;
    }

    /** The first interface defining an operation of this name, or null (so {@code operation} alone can name a call). */
    public static Iface interfaceOfOperation(String opName) {
        for (Iface f : BY_UUID.values()) {
            if (opnum(f, opName) >= 0) {
                return f;
            }
        }
        return null;
    }

    /** "svcctl CreateServiceW" or the UUID and opnum for unknown interfaces. */
    public static String describe(UUID uuid, int opnum) {
        return describe(new StringBuilder(48), uuid, opnum).toString();
    }

    /** {@link #describe(UUID, int)} appended to {@code b}; {@code b}. */
    static StringBuilder describe(StringBuilder b, UUID uuid, int opnum) {
        Iface f = byUuid(uuid);
        if (f == null) {
            return b.append(uuid == null ? "unknown interface" : uuid.toString()).append(" opnum ").append(opnum);
        }
        return b.append(f.name()).append(' ').append(f.opName(opnum));
    }
}
