package io.impacketsensor.decoders.dcerpc.ndr;

import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;

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

    private DcomStubs() {
    }

    static boolean wants(int iface, int opnum) {
        switch (iface) {
            case RpcInterfaces.WBEM_SERVICES:
                return opnum == 3 || opnum == 6 || opnum == 20 || opnum == 24 || opnum == 25;
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

    static RpcArgs strings(NdrReader r, int maxStrings) {
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
                out.add(new String(b, i, Math.min(wide, MAX_CHARS) * 2, StandardCharsets.UTF_16LE));
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
        return new RpcArgs.DcomStrings(List.copyOf(out));
    }
}
