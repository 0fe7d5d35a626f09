package io.impacketsensor.decoders.dcerpc.ndr;

import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.wire.Utf16;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * DCOM/WMI stubs (MS-WMI IWbemServices/IWbemLevel1Login, MS-OAUT IDispatch): the class, method and
 * member names travel as BSTRs or inside encoded WMI objects (MS-WMIO 2.2.78 Encoded-String: Latin-1
 * or UTF-16). Rather than decode OBJREF and class-object encodings, the printable runs are taken:
 * UTF-16LE runs of at least {@value #MIN_WIDE} characters and single-byte runs of at least
 * {@value #MIN_NARROW} (that is how {@code Win32_Process}, {@code Create} and Impacket's
 * {@code cmd.exe /Q /c ...} command line appear). Bounded by a count and a length per string.
 */
final class DcomStubs {
    static final int MIN_WIDE = 4;
    static final int MIN_NARROW = 6;
    static final int MAX_CHARS = 1024;
    /** Names of one GetIDsOfNames call (MS-OAUT 3.1.4.3: one member name and its parameter names). */
    static final int MAX_NAMES = 64;

    private DcomStubs() {
    }

    static boolean wants(int iface, int opnum) {
        switch (iface) {
            case RpcInterfaces.WBEM_SERVICES:
                return opnum == 3 || opnum == 6 || opnum == 14 || opnum == 15 || opnum >= 20 && opnum <= 25;
            case RpcInterfaces.WBEM_LEVEL1_LOGIN:
                return opnum == 6;
            case RpcInterfaces.IDISPATCH:
                return opnum == 5 || opnum == 6;
            default:
                return false;
        }
    }

    private static boolean printable(int ch) {
        return ch >= 0x20 && ch < 0x7f;
    }

    /**
     * The printable strings of the stub and, where the operation's arguments are read one by one
     * ({@link #call}), those arguments.
     */
    static RpcArgs request(int iface, int opnum, NdrReader r, int maxStrings) {
        List<String> strings = strings(r, maxStrings);
        // The arguments are read by a reader of their own: a stub they cannot be read from (another
        // layout than the IDL's, counts past its end) still gives its strings, which is what the
        // WMI and DCOM signatures match, and is reported by the absence of the call.
        NdrReader own = new NdrReader().wrap(r.array(), r.stubStart(), r.length(), MAX_NAMES, MAX_CHARS);
        RpcArgs.DcomCall call = call(iface, opnum, own, maxStrings);
        return new RpcArgs.DcomStrings(strings, own.ok() ? call : null);
    }

    /**
     * The arguments read at their places: IWbemLevel1Login::NTLMLogin (MS-WMI 3.1.4.1.4:
     * [unique, string] wszNetworkResource), IWbemServices ExecQuery / ExecQueryAsync /
     * ExecNotificationQuery / ExecNotificationQueryAsync (3.1.4.3.18-.21: BSTR strQueryLanguage, BSTR
     * strQuery) and ExecMethod / ExecMethodAsync (3.1.4.3.22-.23: BSTR strObjectPath, BSTR
     * strMethodName), IDispatch GetIDsOfNames (MS-OAUT 3.1.4.3: REFIID riid, LPOLESTR* rgszNames,
     * cNames) and Invoke (3.1.4.4: DISPID dispIdMember first). Null for the other operations. Every
     * argument follows ORPCTHIS.
     */
    static RpcArgs.DcomCall call(int iface, int opnum, NdrReader r, int maxNames) {
        Orpc.orpcThis(r);
        if (!r.ok()) {
            return null;
        }
        if (iface == RpcInterfaces.WBEM_LEVEL1_LOGIN && opnum == 6) {
            boolean present = r.uniqueWideString();
            return r.ok() ? new RpcArgs.DcomCall(r.stringOrNull(present), null, null, null, List.of(), -1) : null;
        }
        if (iface == RpcInterfaces.WBEM_SERVICES && opnum >= 20 && opnum <= 23) {
            bstr(r); // strQueryLanguage ("WQL")
            String query = bstr(r);
            return r.ok() ? new RpcArgs.DcomCall(null, null, null, query, List.of(), -1) : null;
        }
        if (iface == RpcInterfaces.WBEM_SERVICES && (opnum == 24 || opnum == 25)) {
            String path = bstr(r);
            String method = bstr(r);
            return r.ok() ? new RpcArgs.DcomCall(null, className(path), method, null, List.of(), -1) : null;
        }
        if (iface == RpcInterfaces.IDISPATCH && opnum == 5) {
            r.guid(); // riid (IID_NULL)
            long count = r.u32(); // rgszNames: a reference pointer to a conformant array of string pointers
            int n = r.count(count, 4);
            int present = r.nonNullPointers(n);
            List<String> names = new ArrayList<>(Math.min(present, maxNames));
            for (int i = 0; i < present && r.ok(); i++) {
                boolean ok = r.varyingString(2);
                if (ok && i < maxNames) {
                    names.add(r.string());
                }
            }
            if (r.ok() && r.u32() != count) {
                r.fail();
            }
            return r.ok() ? new RpcArgs.DcomCall(null, null, null, null, List.copyOf(names), -1) : null;
        }
        if (iface == RpcInterfaces.IDISPATCH && opnum == 6) {
            long dispid = r.i32();
            return r.ok() ? new RpcArgs.DcomCall(null, null, null, null, List.of(), dispid) : null;
        }
        return null;
    }

    /**
     * A BSTR argument (MS-OAUT 2.2.23.2): a unique pointer to FLAGGED_WORD_BLOB {cBytes, clSize,
     * asData[clSize]}, the conformant array's max_count first. Null for a null pointer; at most
     * {@value #MAX_CHARS} characters are kept.
     */
    private static String bstr(NdrReader r) {
        if (r.pointer() == 0) {
            return null;
        }
        long max = r.u32();
        long cBytes = r.u32();
        long clSize = r.u32();
        if (!r.ok()) {
            return null;
        }
        if (max != clSize || cBytes > clSize * 2 || clSize * 2 > r.remaining()) {
            r.fail();
            return null;
        }
        byte[] b = r.array();
        int at = r.stubStart() + r.position();
        int chars = (int) Math.min(cBytes / 2, MAX_CHARS);
        r.skip((int) clSize * 2);
        return new String(b, at, chars * 2, StandardCharsets.UTF_16LE);
    }

    /**
     * The class of a WMI object path (MS-WMI 2.2.1.1 / DMTF object paths): what follows the namespace
     * ({@code \\host\root\cimv2:}) and precedes the keys ({@code .Handle="4"}) or the singleton
     * marker ({@code =@}).
     */
    static String className(String path) {
        if (path == null) {
            return null;
        }
        int start = path.indexOf(':') + 1;
        int end = path.length();
        for (int i = start; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '.' || c == '=') {
                end = i;
                break;
            }
        }
        return path.substring(start, end);
    }

    static List<String> strings(NdrReader r, int maxStrings) {
        byte[] b = r.array();
        int start = r.stubStart();
        int end = start + r.length();
        List<String> out = new ArrayList<>();
        int i = start;
        while (i < end && out.size() < maxStrings) {
            // UTF-16LE run
            int j = i;
            while (j + 1 < end && printable(b[j] & 0xFF) && b[j + 1] == 0) {
                j += 2;
            }
            int wide = (j - i) / 2;
            if (wide >= MIN_WIDE) {
                // printable characters only: Utf16 makes them from the low bytes, without a charset decoder
                out.add(Utf16.decode(b, i, Math.min(wide, MAX_CHARS) * 2));
                i = j;
                continue;
            }
            // single-byte run
            j = i;
            while (j < end && printable(b[j] & 0xFF)) {
                j++;
            }
            if (j - i >= MIN_NARROW) {
                out.add(new String(b, i, Math.min(j - i, MAX_CHARS), StandardCharsets.ISO_8859_1));
                i = j;
                continue;
            }
            i = Math.max(i + 1, j);
        }
        return List.copyOf(out);
    }
}
