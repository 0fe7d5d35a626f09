package io.impacketsensor.core.flow;

import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.spi.CounterVisitor;

/**
 * The memory budget of one decode worker for bytes a peer makes it hold: partial PDUs buffered
 * by the analyzers (a Kerberos record, an LDAP message, a DCE/RPC fragment, an SMB PDU prefix,
 * a DCE/RPC stub) and the out-of-order holds of TCP reassembly. Each of those has its own
 * per-flow limit; the budget bounds their sum over all flows, so that many flows each sending the
 * start of a large PDU (700 flows announcing a 1 MB Kerberos record) cannot exhaust the heap.
 *
 * <p>Every buffer is an {@link Account}: its owner calls {@link Account#grow} before growing the
 * buffer and {@link Account#touch} when it adds bytes. Accounts are kept least recently fed first
 * (an intrusive list: no allocation). When a growth would pass the limit, the least recently fed
 * buffers of <em>other</em> flows are taken back ({@link Owner#dropBuffer}): a buffer holding a
 * partial PDU is lost and its direction resynchronises as after a gap (counted in
 * {@code flow.buffer_budget_exceeded}, and a {@code flow.buffer_budget_exceeded} anomaly on that
 * flow); a buffer kept only for reuse is freed (counted in {@code flow.buffer_budget_reclaimed}).
 * Buffers of the growing flow itself are never taken (their owner may be on the call stack); when
 * only they are left, the growth is refused and the grower's own partial PDU is dropped the same
 * way.
 *
 * <p>One instance per worker, used on that worker's thread only. The accounts of a flow are
 * released when its analysis ends ({@link #releaseFlow}).
 */
public final class BufferBudget {
    /** The anomaly emitted on a flow whose partial PDU the budget dropped. */
    public static final String ANOMALY = "flow.buffer_budget_exceeded";
    /**
     * Default budget of a worker: 64 MiB, room for 64 partial PDUs at the largest per-flow limit
     * (1 MiB Kerberos and LDAP messages) or hundreds of ordinary ones.
     */
    public static final long DEFAULT_BYTES = 64L << 20;

    /** The owner of a budgeted buffer. */
    public interface Owner {
        /**
         * Drops the buffer (lets go of the array) and, when it held part of a PDU, resynchronises
         * that direction as after a gap. Called on the worker thread while another flow (or, on a
         * refused growth, this owner's own {@code grow} call) is being processed; must not call back
         * into the budget.
         *
         * @return true when bytes of an unfinished PDU were lost, false when the buffer was idle
         */
        boolean dropBuffer();
    }

    /** One budgeted buffer. */
    public static final class Account {
        private final BufferBudget budget;
        private final Owner owner;
        private final String name;
        /** The flow charged (null outside a flow table: unit tests, tools). */
        Flow flow;
        long charged;
        private Account prev;
        private Account next;
        private Account nextInFlow;
        private boolean linked;

        Account(BufferBudget budget, Flow flow, String name, Owner owner) {
            this.budget = budget;
            this.flow = flow;
            this.name = name;
            this.owner = owner;
        }

        /**
         * Asks to hold {@code capacity} bytes in all (the buffer's new size). True: charged, grow.
         * False: refused (the budget is spent by this flow's own buffers): the owner's
         * {@link Owner#dropBuffer} has already been called and the anomaly emitted, so the caller
         * stops using the partial PDU.
         */
        public boolean grow(long capacity) {
            return budget.charge(this, capacity);
        }

        /** The buffer received bytes: it becomes the most recently fed. */
        public void touch() {
            if (linked) {
                budget.moveToTail(this);
            }
        }

        /** The buffer was dropped: nothing is charged any more. Idempotent. */
        public void release() {
            budget.uncharge(this);
        }

        /** Bytes charged now. */
        public long charged() {
            return charged;
        }

        /** The protocol named in the anomaly when the buffer is dropped. */
        public String name() {
            return name;
        }

        /** What drops the buffer. */
        public Owner owner() {
            return owner;
        }

        /**
         * A kept array of {@code [min, max]} bytes, the smallest there is, to grow into instead
         * of allocating one (charge it with {@link #grow} like a new one); null when none fits.
         */
        public byte[] spare(int min, int max) {
            return budget.takeSpare(min, max);
        }

        /**
         * Offers the array of a buffer whose contents are no longer needed (its analysis ended,
         * or it grew into another array) for another buffer of this worker to grow into. Must
         * not be called with an array that anything still reads.
         */
        public void recycle(byte[] array) {
            budget.keepSpare(array);
        }
    }

    /**
     * Arrays kept for reuse. Flows of the same kind come again and again (one LDAP session after
     * another, each of whose SASL buffers of a search's results is hundreds of kilobytes), and
     * every new flow's buffer was a new array of that size; a few arrays of finished analyses are
     * kept to grow into instead. They are bounded in number and bytes ({@link #spareLimit}) and
     * are not charged: nothing a peer sends makes them more.
     */
    private static final int SPARES = 16;
    /**
     * Smaller arrays come from the allocator's thread-local buffer cheaply enough. Arrays of a few
     * hundred bytes are kept: most Kerberos messages and LDAP SASL and DCE/RPC PDUs are that size,
     * and each new connection's first one cost a new array.
     */
    static final int MIN_SPARE = 256;
    private static final long MAX_SPARE_BYTES = 4L << 20;
    private final byte[][] spares = new byte[SPARES][];
    private final long spareLimit;
    private long spareBytes;

    private final long limit;
    private final boolean tracking;
    private long used;
    private long peak;
    private Account head;
    private Account tail;
    /** Partial PDUs dropped (evicted or refused): an anomaly each. */
    long exceeded;
    /** Idle buffers freed to make room. */
    long reclaimed;
    /** Growths refused because only the growing flow's own buffers were left. */
    long refused;

    /** A budget of {@code limitBytes} (≥ 1) for one worker. */
    public BufferBudget(long limitBytes) {
        if (limitBytes < 1) {
            throw new IllegalArgumentException("buffer budget must be positive");
        }
        this.limit = limitBytes;
        this.tracking = limitBytes != Long.MAX_VALUE;
        this.spareLimit = Math.min(MAX_SPARE_BYTES, limitBytes / 16);
    }

    /** A budget without a limit that tracks nothing (contexts outside a flow table). */
    public static BufferBudget unlimited() {
        return new BufferBudget(Long.MAX_VALUE);
    }

    /** A new account for a buffer of a flow's analyzer (no bytes charged yet). */
    public Account account(String name, Owner owner) {
        return new Account(this, null, name, owner);
    }

    Account account(Flow flow, String name, Owner owner) {
        return new Account(this, flow, name, owner);
    }

    /**
     * {@code kept} for {@code flow} when it is this budget's and released (nothing charged, in no
     * list), else a new account of its name and owner.
     */
    Account account(Account kept, Flow flow) {
        if (kept.budget != this || kept.linked || kept.charged != 0) {
            return new Account(this, flow, kept.name, kept.owner);
        }
        kept.flow = flow;
        kept.nextInFlow = null;
        return kept;
    }

    public long limit() {
        return limit;
    }

    /** Bytes charged now. */
    public long used() {
        return used;
    }

    public long peak() {
        return peak;
    }

    public long exceeded() {
        return exceeded;
    }

    public long reclaimed() {
        return reclaimed;
    }

    public long refused() {
        return refused;
    }

    private boolean charge(Account a, long capacity) {
        if (!tracking) {
            return true;
        }
        long delta = capacity - a.charged;
        if (delta <= 0) {
            used += delta;
            a.charged = capacity;
            if (capacity == 0) {
                unlink(a);
            }
            return true;
        }
        while (used + delta > limit) {
            Account victim = head;
            while (victim != null && victim.flow != null && victim.flow == a.flow) {
                victim = victim.next;
            }
            if (victim == null || victim == a) {
                refused++;
                drop(a);
                return false;
            }
            drop(victim);
        }
        used += delta;
        a.charged = capacity;
        if (used > peak) {
            peak = used;
        }
        if (!a.linked) {
            link(a);
        } else {
            moveToTail(a);
        }
        return true;
    }

    /** Takes a buffer back from its owner. */
    private void drop(Account a) {
        long bytes = a.charged;
        uncharge(a);
        if (a.owner.dropBuffer()) {
            exceeded++;
            Flow f = a.flow;
            if (f != null && f.mode == Flow.MODE_ANALYZER) {
                FlowContextImpl ctx = f.ctx;
                ctx.emit(new ProtocolAnomaly(ctx.header(), ANOMALY, a.name + " buffer of " + bytes
                        + " bytes dropped: worker buffer budget " + limit + " bytes"));
            }
        } else {
            reclaimed++;
        }
    }

    private void uncharge(Account a) {
        if (a.linked) {
            used -= a.charged;
            unlink(a);
        }
        a.charged = 0;
    }

    /** The flow's analysis ended: its buffers are garbage with their analyzer, nothing is charged. */
    void releaseFlow(Flow f) {
        Account a = f.budgetAccounts;
        f.budgetAccounts = null;
        while (a != null) {
            Account n = a.nextInFlow;
            a.nextInFlow = null;
            if (a.linked) {
                used -= a.charged;
                a.charged = 0;
                unlinkLru(a);
                a.linked = false;
            }
            a = n;
        }
    }

    private void link(Account a) {
        a.linked = true;
        a.prev = tail;
        a.next = null;
        if (tail == null) {
            head = a;
        } else {
            tail.next = a;
        }
        tail = a;
        if (a.flow != null) {
            a.nextInFlow = a.flow.budgetAccounts;
            a.flow.budgetAccounts = a;
        }
    }

    private void unlink(Account a) {
        if (!a.linked) {
            return;
        }
        unlinkLru(a);
        a.linked = false;
        Flow f = a.flow;
        if (f != null) {
            // A flow holds a handful of accounts (two directions of one or a few analyzers).
            Account p = null;
            for (Account x = f.budgetAccounts; x != null; p = x, x = x.nextInFlow) {
                if (x == a) {
                    if (p == null) {
                        f.budgetAccounts = x.nextInFlow;
                    } else {
                        p.nextInFlow = x.nextInFlow;
                    }
                    break;
                }
            }
            a.nextInFlow = null;
        }
    }

    private void unlinkLru(Account a) {
        if (a.prev == null) {
            head = a.next;
        } else {
            a.prev.next = a.next;
        }
        if (a.next == null) {
            tail = a.prev;
        } else {
            a.next.prev = a.prev;
        }
        a.prev = null;
        a.next = null;
    }

    private void moveToTail(Account a) {
        if (tail == a) {
            return;
        }
        unlinkLru(a);
        a.prev = tail;
        tail.next = a;
        tail = a;
    }

    private byte[] takeSpare(int min, int max) {
        int best = -1;
        for (int i = 0; i < SPARES; i++) {
            byte[] a = spares[i];
            if (a != null && a.length >= min && a.length <= max
                    && (best < 0 || a.length < spares[best].length)) {
                best = i;
            }
        }
        if (best < 0) {
            return null;
        }
        byte[] a = spares[best];
        spares[best] = null;
        spareBytes -= a.length;
        return a;
    }

    private void keepSpare(byte[] a) {
        if (a.length < MIN_SPARE || a.length > spareLimit) {
            return;
        }
        // An empty slot, or else the smallest kept array when this one is larger.
        int slot = -1;
        for (int i = 0; i < SPARES; i++) {
            byte[] k = spares[i];
            if (k == null) {
                slot = i;
                break;
            }
            if (k.length < a.length && (slot < 0 || k.length < spares[slot].length)) {
                slot = i;
            }
        }
        if (slot < 0) {
            return;
        }
        long freed = spares[slot] == null ? 0 : spares[slot].length;
        if (spareBytes - freed + a.length > spareLimit) {
            return;
        }
        spares[slot] = a;
        spareBytes += a.length - freed;
    }

    /** Counters ({@code flow.buffer_*}). */
    void reportCounters(CounterVisitor v) {
        v.counter("flow.buffer_budget_bytes", tracking ? limit : 0);
        v.counter("flow.buffer_bytes", tracking ? used : 0);
        v.counter("flow.buffer_bytes_peak", tracking ? peak : 0);
        v.counter("flow.buffer_budget_exceeded", exceeded);
        v.counter("flow.buffer_budget_reclaimed", reclaimed);
        v.counter("flow.buffer_budget_refused", refused);
    }
}
