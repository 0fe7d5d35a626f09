package io.impacketsensor.detection.engine;

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
    public static final UUID SVCCTL = UUID.fromString("367abb81-9844-35f1-ad32-98f038001003");
    public static final UUID TSCH = UUID.fromString("86d35949-83c9-4044-b424-db363231fd0c");
    public static final UUID ATSVC = UUID.fromString("1ff70682-0a51-30e8-076d-740be8cee98b");
    public static final UUID WINREG = UUID.fromString("338cd001-2244-31f1-aaaa-900038001003");
    public static final UUID DRSUAPI = UUID.fromString("e3514235-4b06-11d1-ab04-00c04fc2dcd2");
    public static final UUID SAMR = UUID.fromString("12345778-1234-abcd-ef00-0123456789ac");
    public static final UUID LSARPC = UUID.fromString("12345778-1234-abcd-ef00-0123456789ab");
    public static final UUID SRVSVC = UUID.fromString("4b324fc8-1670-01d3-1278-5a47bf6ee188");
    public static final UUID EPM = UUID.fromString("e1af8308-5d1f-11c9-91a4-08002b14a0fa");
    public static final UUID REMOTE_SCM_ACTIVATOR = UUID.fromString("000001a0-0000-0000-c000-000000000046");
    public static final UUID OBJECT_EXPORTER = UUID.fromString("99fcfec4-5260-101b-bbcb-00aa0021347a");
    public static final UUID REM_UNKNOWN2 = UUID.fromString("00000143-0000-0000-c000-000000000046");
    public static final UUID WBEM_LEVEL1_LOGIN = UUID.fromString("f309ad18-d86a-11d0-a075-00c04fb68820");
    public static final UUID WBEM_SERVICES = UUID.fromString("9556dc99-828c-11cf-a37e-00aa003240c7");
    public static final UUID IDISPATCH = UUID.fromString("00020400-0000-0000-c000-000000000046");

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
        add(SVCCTL, "svcctl", "svcctl", 0, "CloseServiceHandle", 1, "ControlService", 2, "DeleteService",
                6, "QueryServiceStatus", 11, "ChangeServiceConfigW", 12, "CreateServiceW", 14, "EnumServicesStatusW",
                15, "OpenSCManagerW", 16, "OpenServiceW", 17, "QueryServiceConfigW", 19, "StartServiceW");
        add(TSCH, "tsch", "atsvc", 1, "SchRpcRegisterTask", 12, "SchRpcRun", 13, "SchRpcDelete",
                16, "SchRpcGetLastRunInfo");
        add(ATSVC, "atsvc", "atsvc", 0, "NetrJobAdd");
        add(WINREG, "winreg", "winreg", 2, "OpenLocalMachine", 5, "BaseRegCloseKey", 6, "BaseRegCreateKey",
                15, "BaseRegOpenKey", 16, "BaseRegQueryInfoKey", 17, "BaseRegQueryValue", 20, "BaseRegSaveKey");
        add(DRSUAPI, "drsuapi", null, 0, "DRSBind", 1, "DRSUnbind", 3, "DRSGetNCChanges", 12, "DRSCrackNames",
                16, "DRSDomainControllerInfo");
        add(SAMR, "samr", "samr", 0, "SamrConnect", 1, "SamrCloseHandle", 5, "SamrLookupDomainInSamServer",
                6, "SamrEnumerateDomainsInSamServer", 7, "SamrOpenDomain", 13, "SamrEnumerateUsersInDomain",
                17, "SamrLookupNamesInDomain", 34, "SamrOpenUser", 47, "SamrQueryInformationUser2",
                50, "SamrCreateUser2InDomain", 58, "SamrSetInformationUser2", 64, "SamrConnect5");
        add(LSARPC, "lsarpc", "lsarpc", 14, "LsarLookupNames", 15, "LsarLookupSids", 44, "LsarOpenPolicy2",
                46, "LsarQueryInformationPolicy2", 57, "LsarLookupSids2", 76, "LsarLookupSids3");
        add(SRVSVC, "srvsvc", "srvsvc", 12, "NetrSessionEnum", 15, "NetrShareEnum", 21, "NetrServerGetInfo");
        add(EPM, "epmapper", null, 3, "ept_map");
        add(REMOTE_SCM_ACTIVATOR, "IRemoteSCMActivator", null, 3, "RemoteGetClassObject", 4, "RemoteCreateInstance");
        add(OBJECT_EXPORTER, "IObjectExporter", null, 1, "SimplePing", 2, "ComplexPing");
        add(REM_UNKNOWN2, "IRemUnknown2", null, 3, "RemQueryInterface", 4, "RemAddRef", 5, "RemRelease");
        add(WBEM_LEVEL1_LOGIN, "IWbemLevel1Login", null, 6, "NTLMLogin");
        add(WBEM_SERVICES, "IWbemServices", null, 6, "GetObject", 20, "ExecQuery", 24, "ExecMethod");
        add(IDISPATCH, "IDispatch", null, 5, "GetIDsOfNames", 6, "Invoke");
    }

    private RpcCatalog() {
    }

    private static void add(UUID uuid, String name, String pipe, Object... ops) {
        Map<Integer, String> m = new HashMap<>();
        for (int i = 0; i < ops.length; i += 2) {
            m.put((Integer) ops[i], (String) ops[i + 1]);
        }
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
        Iface f = byUuid(uuid);
        if (f == null) {
            return (uuid == null ? "unknown interface" : uuid.toString()) + " opnum " + opnum;
        }
        return f.name() + " " + f.opName(opnum);
    }
}
