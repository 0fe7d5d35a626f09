package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.RpcArgs;

import java.util.UUID;

/**
 * Requests awaiting their RESPONSE or FAULT on one connection: call_id → context, interface, opnum
 * and the decoded request arguments (a response decoder may need them: ept_map, OpenServiceW).
 * Fixed capacity; when full the oldest entry is replaced and counted, so a capture that misses the
 * answers does not stop the analysis.
 */
final class CallTable {
    private final int[] callIds;
    private final int[] opnums;
    private final int[] ifaceIndex;
    private final UUID[] uuids;
    private final RpcArgs[] args;
    private final boolean[] used;
    private int next;
    /**
     * Set in an opnum slot when the request carried an object UUID (an ORPC call). An opnum is 16
     * bits (C706 12.6.4.9), so the flag shares its int instead of a table of its own per connection.
     */
    private static final int ORPC = 1 << 30;

    CallTable(int capacity) {
        callIds = new int[capacity];
        opnums = new int[capacity];
        ifaceIndex = new int[capacity];
        uuids = new UUID[capacity];
        args = new RpcArgs[capacity];
        used = new boolean[capacity];
    }

    int find(int callId) {
        for (int i = 0; i < used.length; i++) {
            if (used[i] && callIds[i] == callId) {
                return i;
            }
        }
        return -1;
    }

    /** Records a call; returns true when an unanswered entry had to be evicted. */
    boolean put(int callId, int opnum, int index, UUID uuid, RpcArgs a) {
        int i = find(callId);
        boolean evicted = false;
        if (i < 0) {
            i = -1;
            for (int k = 0; k < used.length; k++) {
                if (!used[k]) {
                    i = k;
                    break;
                }
            }
            if (i < 0) {
                i = next;
                next = (next + 1) % used.length;
                evicted = true;
            }
        }
        used[i] = true;
        callIds[i] = callId;
        opnums[i] = opnum;
        ifaceIndex[i] = index;
        uuids[i] = uuid;
        args[i] = a;
        return evicted;
    }

    /** Marks the call of {@code callId} as an ORPC call (its request carried an object UUID). */
    void setOrpc(int callId) {
        int i = find(callId);
        if (i >= 0) {
            opnums[i] |= ORPC;
        }
    }

    boolean orpc(int slot) {
        return (opnums[slot] & ORPC) != 0;
    }

    void remove(int slot) {
        used[slot] = false;
        uuids[slot] = null;
        args[slot] = null;
    }

    int opnum(int slot) {
        return opnums[slot] & ~ORPC;
    }

    int ifaceIndex(int slot) {
        return ifaceIndex[slot];
    }

    UUID uuid(int slot) {
        return uuids[slot];
    }

    RpcArgs args(int slot) {
        return args[slot];
    }
}
