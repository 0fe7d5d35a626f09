package io.impacketsensor.decoders.dcerpc.ndr;

import io.impacketsensor.core.event.RpcArgs;

import java.util.ArrayList;
import java.util.List;

/** lsarpc (MS-LSAT 3.1.4) LookupSids and LookupNames families. */
final class LsarpcStubs {
    private LsarpcStubs() {
    }

    static boolean wantsRequest(int opnum) {
        return opnum == 14 || opnum == 15 || opnum == 57 || opnum == 58 || opnum == 68 || opnum == 76 || opnum == 77;
    }

    static RpcArgs request(int opnum, NdrReader r) {
        // LsarLookupSids3 (76) and LsarLookupNames4 (77) bind with handle_t: no policy handle on the wire.
        if (opnum != 76 && opnum != 77) {
            r.contextHandle();
        }
        if (opnum == 15 || opnum == 57 || opnum == 76) {
            return lookupSids(r);
        }
        return new RpcArgs.LookupNames(names(r, r.u32()));
    }

    /**
     * LSAPR_SID_ENUM_BUFFER (2.2.18): Entries, [size_is(Entries)] unique SidInfo; deferred: the
     * conformant array of PRPC_SID pointers, then each SID.
     */
    private static RpcArgs lookupSids(NdrReader r) {
        long entries = r.u32();
        long ptr = r.pointer();
        if (ptr == 0 || !r.ok()) {
            return new RpcArgs.LsaLookupSids(0, null, -1, -1);
        }
        long max = r.u32();
        int n = r.count(entries, 4);
        if (!r.ok() || max != entries) {
            r.fail();
            return null;
        }
        int nonNull = r.nonNullPointers(n);
        String domain = null;
        long min = Long.MAX_VALUE;
        long maxRid = -1;
        for (int i = 0; i < nonNull && r.ok(); i++) {
            long rid = r.sid();
            if (i == 0 && r.ok()) {
                String s = r.sidString();
                int dash = s.lastIndexOf('-');
                domain = dash > 0 ? s.substring(0, dash) : s;
            }
            min = Math.min(min, rid);
            maxRid = Math.max(maxRid, rid);
        }
        return r.ok() ? new RpcArgs.LsaLookupSids(n, domain, nonNull == 0 ? -1 : min, maxRid) : null;
    }

    /**
     * An array of RPC_UNICODE_STRING whose count was just read: conformance (and variance when
     * {@code varying}), the fixed parts, then the deferred strings. Shared with samr LookupNamesInDomain.
     */
    static List<String> names(NdrReader r, long count) {
        return names(r, count, false);
    }

    static List<String> names(NdrReader r, long count, boolean varying) {
        r.u32(); // max_count
        if (varying) {
            long offset = r.u32();
            long actual = r.u32();
            if (offset != 0 || actual != count) {
                r.fail();
                return List.of();
            }
        }
        int n = r.count(count, 8);
        if (!r.ok()) {
            return List.of();
        }
        // Fixed parts first (Length, MaximumLength, Buffer referent id), then the non-null buffers in order.
        int nonNull = 0;
        for (int i = 0; i < n; i++) {
            int len = r.u16();
            int maxLen = r.u16();
            if (len > maxLen) {
                r.fail();
            }
            if (r.pointer() != 0) {
                nonNull++;
            }
        }
        List<String> out = new ArrayList<>(Math.min(nonNull, 64));
        for (int i = 0; i < nonNull && r.ok(); i++) {
            if (r.varyingString(2)) {
                out.add(r.string());
            }
        }
        return r.ok() ? out : List.of();
    }
}
