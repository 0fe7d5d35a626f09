package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.RpcArgs;

import java.util.UUID;

/**
 * Requests awaiting their RESPONSE or FAULT on one connection: call_id → context, interface, opnum
 * and the decoded request arguments (a response decoder may need them: ept_map, OpenServiceW).
 * Bounded; when full the oldest entry is replaced and counted, so a capture that misses the
 * answers does not stop the analysis. The arrays start at {@link #INITIAL} slots and double up to
 * the bound only when every slot is in use (a client rarely has more than one call outstanding):
 * a free slot is the lowest free index and eviction starts once the bound is reached, exactly as in
 * a table made full-size.
 */
final class CallTable {
    /** Slots made with the table. */
    static final int INITIAL = 2;
    private final int capacity;
    private int[] callIds;
    private int[] opnums;
    private int[] ifaceIndex;
    private UUID[] uuids;
    private RpcArgs[] args;
    private boolean[] used;
    private int next;
    /**
     * Set in an opnum slot when the request carried an object UUID (an ORPC call). An opnum is 16
     * bits (C706 12.6.4.9), so the flag shares its int instead of a table of its own per connection.
     */
    private static final int ORPC = 1 << 30;

    CallTable(int capacity) {
        this.capacity = capacity;
        int n = Math.min(INITIAL, capacity);
        callIds = new int[n];
        opnums = new int[n];
        ifaceIndex = new int[n];
        uuids = new UUID[n];
        args = new RpcArgs[n];
        used = new boolean[n];
    }

    /** Doubles the arrays toward the bound; returns the first new slot, or -1 at the bound. */
    private int grow() {
        int old = used.length;
        if (old >= capacity) {
            return -1;
        }
        int n = Math.min(capacity, Math.max(1, old * 2));
        callIds = java.util.Arrays.copyOf(callIds, n);
        opnums = java.util.Arrays.copyOf(opnums, n);
        ifaceIndex = java.util.Arrays.copyOf(ifaceIndex, n);
        uuids = java.util.Arrays.copyOf(uuids, n);
        args = java.util.Arrays.copyOf(args, n);
        used = java.util.Arrays.copyOf(used, n);
        return old;
    }

    /**
     * Empty again, answering as a new table: a free slot is the lowest free index and eviction
     * starts only at the bound, so arrays that grew before change nothing but allocation.
     */
    void clear() {
        java.util.Arrays.fill(used, false);
        java.util.Arrays.fill(uuids, null);
        java.util.Arrays.fill(args, null);
        next = 0;
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
                i = grow();
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
