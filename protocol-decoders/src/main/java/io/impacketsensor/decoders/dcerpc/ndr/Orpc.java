package io.impacketsensor.decoders.dcerpc.ndr;

/**
 * The ORPC headers every DCOM call starts with (MS-DCOM 2.2.13): ORPCTHIS in front of a request's
 * arguments, ORPCTHAT in front of a response's. Their extensions (ORPC_EXTENT_ARRAY, 2.2.14.2) are
 * skipped.
 */
final class Orpc {
    private Orpc() {
    }

    /**
     * ORPCTHIS (MS-DCOM 2.2.13.1): COMVERSION, flags, reserved1, causality id, then a unique pointer
     * to ORPC_EXTENT_ARRAY.
     */
    static void orpcThis(NdrReader r) {
        r.u16();
        r.u16();
        r.u32();
        r.u32();
        r.guid();
        extents(r);
    }

    /** ORPCTHAT (MS-DCOM 2.2.13.2): flags, then a unique pointer to ORPC_EXTENT_ARRAY. */
    static void orpcThat(NdrReader r) {
        r.u32();
        extents(r);
    }

    /**
     * A unique pointer to ORPC_EXTENT_ARRAY (2.2.14.2): size, reserved, a unique pointer to a
     * conformant array of ORPC_EXTENT pointers; each extent (2.2.14.1) is a conformant structure,
     * its max_count first, then id, size and the data.
     */
    private static void extents(NdrReader r) {
        if (r.pointer() == 0) {
            return;
        }
        r.u32(); // size
        r.u32(); // reserved
        if (r.pointer() == 0) {
            return;
        }
        int n = r.count(r.u32(), 4);
        int present = r.nonNullPointers(n);
        for (int i = 0; i < present && r.ok(); i++) {
            int bytes = r.count(r.u32(), 1);
            r.guid();
            r.u32();
            r.skip(bytes);
        }
    }
}
