package io.impacketsensor.decoders.dcerpc.ndr;

import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.wire.Guids;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * IRemUnknown / IRemUnknown2 requests (MS-DCOM 3.1.1.5.6): RemQueryInterface (3) and
 * RemQueryInterface2 (6) name the IPID asked and the IIDs wanted, so their answers can be tied to
 * interfaces; RemAddRef (4) and RemRelease (5) name the IPIDs whose references change.
 */
final class RemUnknownStubs {
    private RemUnknownStubs() {
    }

    static boolean wants(int iface, int opnum) {
        return iface == RpcInterfaces.REM_UNKNOWN && opnum >= 3 && opnum <= 5
                || iface == RpcInterfaces.REM_UNKNOWN2 && opnum >= 3 && opnum <= 6;
    }

    /** Decodes a request named by {@link #wants}; null when the layout is not the expected one. */
    static RpcArgs request(int opnum, NdrReader r, int max) {
        Orpc.orpcThis(r);
        if (opnum == 3 || opnum == 6) {
            // RemQueryInterface: REFIPID ripid, unsigned long cRefs, unsigned short cIids, IID* iids
            // (3.1.1.5.6.1.1); RemQueryInterface2 has no cRefs (3.1.1.5.7.1).
            int ipid = r.guid();
            if (opnum == 3) {
                r.u32();
            }
            int cIids = r.u16();
            long count = r.u32();
            if (r.ok() && count != cIids) {
                r.fail();
            }
            int n = r.count(count, 16);
            List<UUID> iids = new ArrayList<>(Math.min(n, max));
            for (int i = 0; i < n; i++) {
                int g = r.guid();
                if (i < max && r.ok()) {
                    iids.add(KnownGuids.fromLittleEndian(r.array(), g));
                }
            }
            return r.ok() ? new RpcArgs.DcomQueryInterface(Guids.fromLittleEndian(r.array(), ipid), List.copyOf(iids)) : null;
        }
        // RemAddRef / RemRelease: unsigned short cInterfaceRefs, REMINTERFACEREF InterfaceRefs[]
        // (ipid, cPublicRefs, cPrivateRefs; 2.2.24) (3.1.1.5.6.1.2, 3.1.1.5.6.1.3).
        int refs = r.u16();
        long count = r.u32();
        if (r.ok() && count != refs) {
            r.fail();
        }
        int n = r.count(count, 24);
        List<UUID> ipids = new ArrayList<>(Math.min(n, max));
        for (int i = 0; i < n; i++) {
            int g = r.guid();
            r.u32();
            r.u32();
            if (i < max && r.ok()) {
                ipids.add(Guids.fromLittleEndian(r.array(), g));
            }
        }
        return r.ok() ? new RpcArgs.DcomReferences(opnum, List.copyOf(ipids)) : null;
    }
}
