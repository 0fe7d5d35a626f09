package io.impacketsensor.decoders.dcerpc;

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
    private int size;

    ContextTable(int capacity) {
        ids = new int[capacity];
        ifaceIndex = new int[capacity];
        uuids = new UUID[capacity];
        results = new int[capacity];
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

    /** Adds or replaces a context; false when the table is full. */
    boolean put(int contextId, UUID uuid, int index) {
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
        return true;
    }

    void setResult(int contextId, int result) {
        int i = find(contextId);
        if (i >= 0) {
            results[i] = result;
        }
    }

    int ifaceIndex(int slot) {
        return ifaceIndex[slot];
    }

    UUID uuid(int slot) {
        return uuids[slot];
    }

    int size() {
        return size;
    }
}
