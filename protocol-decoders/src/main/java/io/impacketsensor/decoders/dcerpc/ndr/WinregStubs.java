package io.impacketsensor.decoders.dcerpc.ndr;

import io.impacketsensor.core.event.RpcArgs;

/**
 * winreg (MS-RRP 3.1.5) stubs: key paths of OpenKey/CreateKey, value names, SaveKey file names.
 * Key paths are reported from the hive down when the parent handle was seen (HKLM\SYSTEM\...).
 */
final class WinregStubs {
    private WinregStubs() {
    }

    /** Hive names of the OpenXxx calls (opnums 0-4, 27). */
    private static String hive(int opnum) {
        switch (opnum) {
            case 0: return "HKCR";
            case 1: return "HKCU";
            case 2: return "HKLM";
            case 3: return "HKPD";
            case 4: return "HKU";
            case 27: return "HKCC";
            default: return null;
        }
    }

    static boolean wantsRequest(int opnum) {
        return opnum == 6 || opnum == 15 || opnum == 17 || opnum == 20 || opnum == 31;
    }

    static boolean wantsResponse(int opnum) {
        return opnum == 6 || opnum == 15 || hive(opnum) != null;
    }

    static RpcArgs request(int opnum, NdrReader r, HandleNames handles) {
        int h = r.contextHandle();
        String parent = handles.get(r.array(), h);
        boolean present = r.unicodeString(); // lpSubKey / lpValueName / lpFile: RRP_UNICODE_STRING
        String s = r.stringOrNull(present);
        switch (opnum) {
            case 6:
            case 15:
                return new RpcArgs.RegOpenKey(opnum == 6, join(parent, s));
            case 17:
                return new RpcArgs.RegQueryValue(s, parent);
            case 20:
            case 31:
                return new RpcArgs.RegSaveKey(s, parent);
            default:
                return null;
        }
    }

    private static String join(String parent, String sub) {
        if (parent == null) {
            return sub;
        }
        return sub == null || sub.isEmpty() ? parent : parent + '\\' + sub;
    }

    /** Remembers the key behind the handle an OpenXxx / OpenKey / CreateKey returned (phkResult first). */
    static void response(int opnum, NdrReader r, RpcArgs request, HandleNames handles) {
        String name = hive(opnum);
        if (name == null && request instanceof RpcArgs.RegOpenKey open) {
            name = open.keyPath();
        }
        int h = r.contextHandle();
        if (r.ok()) {
            handles.put(r.array(), h, name);
        }
    }
}
