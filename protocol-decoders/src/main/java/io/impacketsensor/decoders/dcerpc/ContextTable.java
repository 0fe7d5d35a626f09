package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.DcerpcEvent.InterfaceSource;

import java.util.UUID;

/**
 * The presentation contexts of one connection or pipe (C706 12.6.4.3): p_cont_id → abstract syntax,
 * with the bind ack's result. Bounded ({@link DcerpcLimits#maxContexts()}): the arrays start at
 * {@link #INITIAL} slots and double up to the bound, because almost every association binds one or
 * two contexts and most analyzers never see a BIND at all (a flow the probe attached to, a pipe
 * opened and closed). Slots are taken in the same order as in a table made full-size, so what
 * the table answers does not depend on its growth.
 */
final class ContextTable {
    /** Slots made with the table. */
    static final int INITIAL = 2;
    private final int capacity;
    private int[] ids;
    private int[] ifaceIndex;
    private UUID[] uuids;
    private int[] results;
    private boolean[] ndr64;
    private InterfaceSource[] sources;
    private int size;

    ContextTable(int capacity) {
        this.capacity = capacity;
        int n = Math.min(INITIAL, capacity);
        ids = new int[n];
        ifaceIndex = new int[n];
        uuids = new UUID[n];
        results = new int[n];
        ndr64 = new boolean[n];
        sources = new InterfaceSource[n];
    }

    /** Room for one more slot: false at the bound. */
    private boolean grow() {
        if (ids.length >= capacity) {
            return false;
        }
        int n = Math.min(capacity, ids.length * 2);
        ids = java.util.Arrays.copyOf(ids, n);
        ifaceIndex = java.util.Arrays.copyOf(ifaceIndex, n);
        uuids = java.util.Arrays.copyOf(uuids, n);
        results = java.util.Arrays.copyOf(results, n);
        ndr64 = java.util.Arrays.copyOf(ndr64, n);
        sources = java.util.Arrays.copyOf(sources, n);
        return true;
    }

    /**
     * Empty again, answering as a new table: the arrays keep the size they grew to, and since
     * slots are taken in order from 0 whatever their number, that changes nothing but allocation.
     */
    void clear() {
        size = 0;
        java.util.Arrays.fill(uuids, null);
        java.util.Arrays.fill(sources, null);
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
            if (size == ids.length && !grow()) {
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
