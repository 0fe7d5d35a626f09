package io.impacketsensor.core.event;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Names of the DCOM classes (CLSIDs) that matter in a {@link RpcArgs.DcomActivation}, and which of them
 * are known remote-execution ("lateral movement") objects. Events keep the raw CLSID; this table names
 * it at output and for the detection engine. Unknown CLSIDs give null / false.
 *
 * <p>Sources: Impacket {@code examples/dcomexec.py} (MMC20.Application, ShellWindows,
 * ShellBrowserWindow), the OTRF Security-Datasets DCOM captures (Excel.Application RegisterXLL,
 * InternetExplorer.Application iertutil.dll hijack), MS-WMI 1.9 (CLSID_WbemLevel1Login).
 */
public final class DcomClasses {
    /** One known class: its CLSID, name, and whether activating it remotely is a known way to run code. */
    public record Known(UUID clsid, String name, boolean lateralMovement) {
        // Written out: a record's generated equals and hashCode are linked through method handles on
        // first use, which the detection engine's thread pays for when it keys a label by class.
        @Override
        public boolean equals(Object o) {
            return o instanceof Known k && k.lateralMovement == lateralMovement && java.util.Objects.equals(k.clsid, clsid)
                    && java.util.Objects.equals(k.name, name);
        }

        @Override
        public int hashCode() {
            return (java.util.Objects.hashCode(clsid) * 31 + java.util.Objects.hashCode(name)) * 31
                    + Boolean.hashCode(lateralMovement);
        }
    }

    private static final Known[] TABLE = {
        new Known(UUID.fromString("49b2791a-b1ae-4c90-9b8e-e860ba07f889"), "MMC20.Application", true),
        new Known(UUID.fromString("9ba05972-f6a8-11cf-a442-00a0c90a8f39"), "ShellWindows", true),
        new Known(UUID.fromString("c08afd90-f2a1-11d1-8455-00a0c91f3880"), "ShellBrowserWindow", true),
        new Known(UUID.fromString("00024500-0000-0000-c000-000000000046"), "Excel.Application", true),
        new Known(UUID.fromString("0002df01-0000-0000-c000-000000000046"), "InternetExplorer.Application", true),
        // WMI's entry point: every remote WMI session (wmic, PowerShell CIM, wmiexec) activates it, so
        // on its own it names the session, not an attack.
        new Known(UUID.fromString("8bc3f05e-d86b-11d0-a075-00c04fb68820"), "WbemLevel1Login", false),
    };

    private static final Map<UUID, Known> BY_CLSID = new HashMap<>();

    static {
        for (Known k : TABLE) {
            BY_CLSID.put(k.clsid(), k);
        }
    }

    private DcomClasses() {
    }

    /** The known class, or null. */
    public static Known lookup(UUID clsid) {
        return clsid == null ? null : BY_CLSID.get(clsid);
    }

    /** The known class of this name ({@code MMC20.Application}; case-insensitive), or null. */
    public static Known byName(String name) {
        for (Known k : TABLE) {
            if (k.name().equalsIgnoreCase(name)) {
                return k;
            }
        }
        return null;
    }

    /** The class name (e.g. {@code ShellWindows}), or null when unknown. */
    public static String name(UUID clsid) {
        Known k = lookup(clsid);
        return k == null ? null : k.name();
    }

    /** True for the classes whose remote activation is a known remote-execution technique. */
    public static boolean lateralMovement(UUID clsid) {
        Known k = lookup(clsid);
        return k != null && k.lateralMovement();
    }
}
