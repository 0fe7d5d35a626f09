package io.impacketsensor.core.flow;

import io.impacketsensor.core.event.EventSink;
import io.impacketsensor.core.packet.Packet;
import io.impacketsensor.core.spi.EventOrder;

/**
 * A bounded table of flows keyed on primitives: an open-addressing index (linear probing,
 * backward-shift deletion, no tombstones) over slot numbers, with the canonical 5-tuple of each
 * slot in parallel arrays. The key is symmetric: endpoint A is the lower (address, port), so both
 * directions of a connection find the same slot.
 *
 * <p>Every slot is on one of four idle lists (TCP new, TCP established, TCP closed, UDP), each
 * ordered by last activity, so expiry only looks at list tails. When the table is full a new flow
 * evicts the flow whose idle deadline is nearest (least recently used in its class).
 *
 * <p>Each slot also keeps the ring sequence of the frame that last touched it ({@link #sequence}
 * at the time), which orders the idle lists globally: the flows one worker would end on an expiry
 * are the union of what N workers end, and keying each ended flow's events by (list, that
 * sequence) lets the event consumer put them back into one worker's order ({@link EventOrder}).
 */
final class FlowTable {
    /** Why a flow leaves the table. */
    static final int END_TIMEOUT = 0;
    static final int END_EVICTED = 1;

    /** Told when a flow leaves the table, before its slot is reused. */
    interface EndListener {
        void onFlowEnd(Flow f, int reason);
    }

    private static final int CLASSES = 4;

    private final int capacity;
    private final int[] index;
    private final int indexMask;
    private final int[] slotHash;
    private final int[] kVersion;
    private final long[] kAHi;
    private final long[] kALo;
    private final long[] kBHi;
    private final long[] kBLo;
    /** aPort << 16 | bPort. */
    private final int[] kPorts;
    private final int[] kProto;
    private final Flow[] flows;
    private final int[] prev;
    private final int[] next;
    private final int[] listOf;
    private final int[] heads = new int[CLASSES];
    private final int[] tails = new int[CLASSES];
    private final long[] timeout = new long[CLASSES];
    private final int[] free;
    private int freeCount;
    private int active;

    private final EventSink sink;
    private final Expectations expectations;
    private final long[] emitted;
    /** The address objects of this worker's event headers, shared by its flows. */
    private final AddressCache addresses = new AddressCache();
    private final EndListener listener;
    private final EventOrder order;
    /** Per slot: {@link #sequence} when the slot was last linked or touched. */
    private final long[] touchedAt;
    /** Ring sequence of the frame being handled (set by the processor; 0 without an {@link EventOrder}). */
    long sequence;

    long timedOut;
    long evicted;

    /** Set by {@link #find}: true when the packet's source is endpoint A. */
    boolean lastFromA;
    private long keyAHi;
    private long keyALo;
    private long keyBHi;
    private long keyBLo;
    private int keyPorts;
    private int keyHash;
    /** The flow the last {@link #find} returned or {@link #create} made, while it is in the table. */
    private Flow last;

    private final BufferBudget budget;

    FlowTable(FlowLimits limits, EventSink sink, Expectations expectations, long[] emittedCounter, EndListener listener,
              EventOrder order, BufferBudget budget) {
        this.budget = budget;
        capacity = limits.maxFlows();
        int size = Integer.highestOneBit(Math.max(capacity * 2, 4) - 1) << 1;
        index = new int[size];
        indexMask = size - 1;
        slotHash = new int[capacity];
        kVersion = new int[capacity];
        kAHi = new long[capacity];
        kALo = new long[capacity];
        kBHi = new long[capacity];
        kBLo = new long[capacity];
        kPorts = new int[capacity];
        kProto = new int[capacity];
        flows = new Flow[capacity];
        prev = new int[capacity];
        next = new int[capacity];
        listOf = new int[capacity];
        touchedAt = new long[capacity];
        free = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            free[i] = capacity - 1 - i;
        }
        freeCount = capacity;
        for (int c = 0; c < CLASSES; c++) {
            heads[c] = -1;
            tails[c] = -1;
        }
        timeout[Flow.TCP_NEW] = FlowLimits.nanos(limits.tcpNewTimeoutSec());
        timeout[Flow.TCP_ESTABLISHED] = FlowLimits.nanos(limits.tcpEstablishedTimeoutSec());
        timeout[Flow.TCP_CLOSED] = FlowLimits.nanos(limits.tcpClosedTimeoutSec());
        timeout[Flow.UDP] = FlowLimits.nanos(limits.udpTimeoutSec());
        this.sink = sink;
        this.expectations = expectations;
        this.emitted = emittedCounter;
        this.listener = listener;
        this.order = order;
    }

    int active() {
        return active;
    }

    int capacity() {
        return capacity;
    }

    /** True when (hi1, lo1, port1) sorts before or equal to (hi2, lo2, port2), unsigned. */
    private static boolean lowerOrEqual(long hi1, long lo1, int port1, long hi2, long lo2, int port2) {
        if (hi1 != hi2) {
            return Long.compareUnsigned(hi1, hi2) < 0;
        }
        if (lo1 != lo2) {
            return Long.compareUnsigned(lo1, lo2) < 0;
        }
        return port1 <= port2;
    }

    private static int hash(int version, long aHi, long aLo, long bHi, long bLo, int ports, int proto) {
        long h = aHi * 0x9E3779B97F4A7C15L;
        h = (h ^ aLo) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ bHi) * 0x9E3779B97F4A7C15L;
        h = (h ^ bLo) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ ((long) ports << 16 ^ proto << 8 ^ version)) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        return (int) h;
    }

    /**
     * The flow of the packet's 5-tuple, or null; sets {@link #lastFromA}. The packet's ports
     * and {@code ipProto} must be decoded.
     */
    Flow find(Packet p) {
        Flow m = last;
        if (m != null && m.proto == p.ipProto && m.ipVersion == p.ipVersion) {
            // Consecutive frames of one flow (a burst, a request and its answer) skip the hash
            // and the probe: the last flow found or made is compared first, both ways.
            if (m.aLo == p.srcLo && m.bLo == p.dstLo && m.aPort == p.srcPort && m.bPort == p.dstPort
                    && m.aHi == p.srcHi && m.bHi == p.dstHi) {
                return lastAgain(m, true);
            }
            if (m.aLo == p.dstLo && m.bLo == p.srcLo && m.aPort == p.dstPort && m.bPort == p.srcPort
                    && m.aHi == p.dstHi && m.bHi == p.srcHi) {
                return lastAgain(m, false);
            }
        }
        boolean srcIsA = lowerOrEqual(p.srcHi, p.srcLo, p.srcPort, p.dstHi, p.dstLo, p.dstPort);
        lastFromA = srcIsA;
        long aHi = srcIsA ? p.srcHi : p.dstHi;
        long aLo = srcIsA ? p.srcLo : p.dstLo;
        long bHi = srcIsA ? p.dstHi : p.srcHi;
        long bLo = srcIsA ? p.dstLo : p.srcLo;
        int ports = srcIsA ? (p.srcPort << 16 | p.dstPort) : (p.dstPort << 16 | p.srcPort);
        int h = hash(p.ipVersion, aHi, aLo, bHi, bLo, ports, p.ipProto);
        // Kept for create(), which always follows a find() that returned null.
        keyAHi = aHi;
        keyALo = aLo;
        keyBHi = bHi;
        keyBLo = bLo;
        keyPorts = ports;
        keyHash = h;
        for (int i = h & indexMask; ; i = (i + 1) & indexMask) {
            int e = index[i];
            if (e == 0) {
                return null;
            }
            int s = e - 1;
            if (slotHash[s] == h && kALo[s] == aLo && kBLo[s] == bLo && kPorts[s] == ports && kProto[s] == p.ipProto
                    && kAHi[s] == aHi && kBHi[s] == bHi && kVersion[s] == p.ipVersion) {
                Flow f = flows[s];
                last = f;
                return f;
            }
        }
    }

    /**
     * {@link #find}'s answer when the packet is of the last flow: sets what a probe would have set
     * ({@link #lastFromA}, the canonical key a following {@link #create} reuses after a port reuse).
     * When A and B are the same endpoint the first test of {@link #find} matches, as
     * {@link #lowerOrEqual} says of equal endpoints.
     */
    private Flow lastAgain(Flow m, boolean fromA) {
        lastFromA = fromA;
        keyAHi = m.aHi;
        keyALo = m.aLo;
        keyBHi = m.bHi;
        keyBLo = m.bLo;
        keyPorts = m.aPort << 16 | m.bPort;
        keyHash = slotHash[m.slot];
        return m;
    }

    /**
     * Creates the flow of the packet, evicting one when full. Must directly follow a {@link #find}
     * of the same packet that returned null: it reuses that call's canonical key and
     * {@link #lastFromA}.
     */
    Flow create(Packet p, long id, long now) {
        long aHi = keyAHi;
        long aLo = keyALo;
        long bHi = keyBHi;
        long bLo = keyBLo;
        int ports = keyPorts;
        int h = keyHash;
        if (freeCount == 0) {
            evictOne();
        }
        int s = free[--freeCount];
        slotHash[s] = h;
        kVersion[s] = p.ipVersion;
        kAHi[s] = aHi;
        kALo[s] = aLo;
        kBHi[s] = bHi;
        kBLo[s] = bLo;
        kPorts[s] = ports;
        kProto[s] = p.ipProto;
        int i = h & indexMask;
        while (index[i] != 0) {
            i = (i + 1) & indexMask;
        }
        index[i] = s + 1;
        Flow f = flows[s];
        if (f == null) {
            f = new Flow(s, new FlowContextImpl(sink, expectations, emitted, budget, addresses));
            flows[s] = f;
        }
        f.init(id, p.ipVersion, aHi, aLo, ports >>> 16, bHi, bLo, ports & 0xFFFF, p.ipProto, now);
        last = f;
        listOf[s] = f.state;
        linkHead(s, f.state);
        active++;
        return f;
    }

    /** Marks activity: the flow moves to the head of the idle list of its (possibly new) state. */
    void touch(Flow f, long now) {
        f.lastSeen = now;
        int s = f.slot;
        if (heads[f.state] == s && listOf[s] == f.state) {
            // Already the most recent of its list (a burst of one flow): nothing moves.
            touchedAt[s] = sequence;
            return;
        }
        unlink(s);
        listOf[s] = f.state;
        linkHead(s, f.state);
    }

    /** Removes a flow (the caller has closed it). */
    void remove(Flow f) {
        if (last == f) {
            last = null;
        }
        int s = f.slot;
        unlink(s);
        int i = slotHash[s] & indexMask;
        while (index[i] != s + 1) {
            i = (i + 1) & indexMask;
        }
        // Backward-shift deletion keeps every entry reachable from its home position.
        index[i] = 0;
        int j = i;
        while (true) {
            j = (j + 1) & indexMask;
            int e = index[j];
            if (e == 0) {
                break;
            }
            int home = slotHash[e - 1] & indexMask;
            boolean movable = j > i ? (home <= i || home > j) : (home <= i && home > j);
            if (movable) {
                index[i] = e;
                index[j] = 0;
                i = j;
            }
        }
        free[freeCount++] = s;
        active--;
    }

    /** Ends flows idle for longer than their state's timeout. */
    void expire(long now) {
        for (int c = 0; c < CLASSES; c++) {
            while (tails[c] >= 0) {
                Flow f = flows[tails[c]];
                if (now - f.lastSeen < timeout[c]) {
                    break;
                }
                timedOut++;
                ordered(c, tails[c]);
                listener.onFlowEnd(f, END_TIMEOUT);
                remove(f);
            }
        }
        ordered(-1, -1);
    }

    /** Ends every flow (end of input). */
    void drain(int reason) {
        for (int c = 0; c < CLASSES; c++) {
            while (tails[c] >= 0) {
                Flow f = flows[tails[c]];
                ordered(c, tails[c]);
                listener.onFlowEnd(f, reason);
                remove(f);
            }
        }
        ordered(-1, -1);
    }

    /**
     * Keys the events of the flow in slot {@code s} of idle list {@code c}, about to end, for the
     * event consumer; {@code c < 0}: back to the frame's own events.
     */
    private void ordered(int c, int s) {
        if (order != null) {
            order.within(c < 0 ? EventOrder.FRAME : EventOrder.flowEndKey(c, touchedAt[s]));
        }
    }

    private void evictOne() {
        int victim = -1;
        long best = Long.MAX_VALUE;
        for (int c = 0; c < CLASSES; c++) {
            int t = tails[c];
            if (t >= 0) {
                long deadline = flows[t].lastSeen + timeout[c];
                if (deadline < best) {
                    best = deadline;
                    victim = t;
                }
            }
        }
        Flow f = flows[victim];
        evicted++;
        listener.onFlowEnd(f, END_EVICTED);
        remove(f);
    }

    private void linkHead(int s, int c) {
        touchedAt[s] = sequence;
        prev[s] = -1;
        next[s] = heads[c];
        if (heads[c] >= 0) {
            prev[heads[c]] = s;
        }
        heads[c] = s;
        if (tails[c] < 0) {
            tails[c] = s;
        }
    }

    private void unlink(int s) {
        int c = listOf[s];
        int p = prev[s];
        int n = next[s];
        if (p >= 0) {
            next[p] = n;
        } else {
            heads[c] = n;
        }
        if (n >= 0) {
            prev[n] = p;
        } else {
            tails[c] = p;
        }
        prev[s] = -1;
        next[s] = -1;
    }
}
