package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.DcerpcEvent.InterfaceSource;

import java.util.UUID;

/**
 * The presentation contexts of one connection or pipe (C706 12.6.4.3): p_cont_id → abstract syntax,
 * with the bind ack's result. Fixed capacity ({@link DcerpcLimits#maxContexts()}); no allocation
 * after construction except the UUID reference kept from the bind event.
 */
final class ContextTable {
    private final int[] ids;
    private final int[] ifaceIndex;
    private final UUID[] uuids;
    private final int[] results;
    private final boolean[] ndr64;
    private final InterfaceSource[] sources;
    private int size;

    ContextTable(int capacity) {
        ids = new int[capacity];
        ifaceIndex = new int[capacity];
        uuids = new UUID[capacity];
        results = new int[capacity];
        ndr64 = new boolean[capacity];
        sources = new InterfaceSource[capacity];
    }

    /** Slot of a context id, or -1. */
    int find(int contextId) {
        for (int i = 0; i < size; i++) {
            if (ids[i] == contextId) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Adds or replaces a context; false when the table is full. {@code ndr64} says whether its stubs
     * are NDR64 as far as the bind tells (only NDR64 offered); the ack's accepted syntax overrides it.
     */
    boolean put(int contextId, UUID uuid, int index, boolean ndr64Only) {
        return put(contextId, uuid, index, ndr64Only, InterfaceSource.BIND);
    }

    /**
     * Adds a context whose BIND was not seen, named from {@code source} (the endpoint's knowledge or
     * an inference); its stubs are taken as NDR 2.0, the syntax every client offers first.
     */
    boolean put(int contextId, UUID uuid, int index, boolean ndr64Only, InterfaceSource source) {
        int i = find(contextId);
        if (i < 0) {
            if (size == ids.length) {
                return false;
            }
            i = size++;
        }
        ids[i] = contextId;
        uuids[i] = uuid;
        ifaceIndex[i] = index;
        results[i] = -1;
        ndr64[i] = ndr64Only;
        sources[i] = source;
        return true;
    }

    void setResult(int contextId, int result, boolean acceptedNdr64) {
        int i = find(contextId);
        if (i >= 0) {
            results[i] = result;
            if (result == 0) {
                ndr64[i] = acceptedNdr64;
            }
        }
    }

    boolean ndr64(int slot) {
        return ndr64[slot];
    }

    int ifaceIndex(int slot) {
        return ifaceIndex[slot];
    }

    /** How the slot's interface was found. */
    InterfaceSource source(int slot) {
        return sources[slot];
    }

    UUID uuid(int slot) {
        return uuids[slot];
    }

    int size() {
        return size;
    }
}
