package io.impacketsensor.decoders.dcerpc.dcom;

import io.impacketsensor.core.collections.LruMap;
import io.impacketsensor.core.event.RpcInterfaces;

import java.net.InetAddress;
import java.util.UUID;

/**
 * The DCOM interfaces the sensor has seen handed out: IPID → (IID, CLSID, server, client), learned
 * from activation answers and RemQueryInterface answers (MS-DCOM 3.1.2.5.2.3, 3.1.1.5.6.1.1) and
 * used to name the interface of every later ORPC request whose object UUID is that IPID
 * (MS-DCOM 2.2.13: an ORPC request carries the IPID of the interface it calls in the object UUID
 * of its request header, C706 12.6.4.9 / PFC_OBJECT_UUID).
 *
 * <p>One table per pipeline, shared by all decode workers. The activation travels on the client's
 * connection to port 135 and the calls on another connection to the object exporter's port; the
 * workers' frame hash includes the TCP ports (so each connection has its two directions on one
 * worker), and the two connections of one DCOM session therefore land on different workers as
 * often as not. A per-worker table would miss those calls; the shared one takes a lock, which is
 * paid once per DCOM answer that hands out IPIDs and once per ORPC request (never per packet, and
 * the lock is uncontended unless two workers decode DCOM at the same instant), and lookups allocate
 * nothing (the key is the object UUID the request header already carries).
 *
 * <p>Ordering: every entry records the ring sequence of the frame whose answer created it, and a
 * lookup made for frame {@code s} sees only entries created before {@code s}, so a worker that runs
 * ahead never learns from a later frame (as {@code Expectations}). An answer decoded by a worker that
 * lags behind can still be missed; the request is then named by its context's BIND when that was
 * seen, else left unnamed. With one worker (the default, and every replay test) naming is exact.
 *
 * <p>Bounded: at most {@code capacity} entries, the least recently used evicted first (counted), and
 * an entry not used for {@code timeoutNanos} of capture time is forgotten (DCOM clients ping their
 * objects every two minutes and servers collect them after three missed pings, MS-DCOM 3.1.2.2,
 * so an IPID idle for much longer than that no longer names a live interface). A
 * RemRelease does not remove an entry: the client may hold further references, and an IPID is never
 * reused for another interface, so a stale entry can only fail to be used, never misname a call.
 */
public final class DcomObjects {
    /** One interface handed out. Mutable only under the table's lock. */
    static final class Entry {
        final UUID iid;
        final int ifaceIndex;
        final UUID clsid;
        final InetAddress server;
        final InetAddress client;
        final long announcedAt;
        long lastUsed;

        Entry(UUID iid, UUID clsid, InetAddress server, InetAddress client, long now, long announcedAt) {
            this.iid = iid;
            this.ifaceIndex = RpcInterfaces.indexOf(iid);
            this.clsid = clsid;
            this.server = server;
            this.client = client;
            this.lastUsed = now;
            this.announcedAt = announcedAt;
        }
    }

    /** What a lookup found, copied out under the lock into the caller's reused holder. */
    public static final class View {
        public UUID iid;
        public int ifaceIndex;
        public UUID clsid;

        void set(Entry e) {
            iid = e.iid;
            ifaceIndex = e.ifaceIndex;
            clsid = e.clsid;
        }
    }

    private final LruMap<UUID, Entry> map;
    private final int capacity;
    private final long timeoutNanos;
    private long learned;
    private long expired;

    /**
     * @param capacity     IPIDs remembered (0 disables tracking)
     * @param timeoutNanos capture time an unused IPID is remembered
     */
    public DcomObjects(int capacity, long timeoutNanos) {
        this.map = new LruMap<>(Math.max(1, capacity));
        this.capacity = capacity;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * Records that {@code server} handed out {@code ipid} for interface {@code iid} of an object of
     * class {@code clsid} (null when unknown) to {@code client}, in the answer of frame {@code sequence}
     * (-1 outside a pipeline). Called when an answer event is created, not per packet.
     */
    public synchronized void put(UUID ipid, UUID iid, UUID clsid, InetAddress server, InetAddress client, long now,
                                 long sequence) {
        if (capacity == 0 || ipid == null || iid == null) {
            return;
        }
        map.put(ipid, new Entry(iid, clsid, server, client, now, sequence));
        learned++;
    }

    /** The class recorded for an IPID (to carry it over to the interfaces a RemQueryInterface returns), or null. */
    public synchronized UUID clsidOf(UUID ipid, InetAddress server) {
        Entry e = ipid == null ? null : map.get(ipid);
        return e != null && e.server.equals(server) ? e.clsid : null;
    }

    /**
     * Looks up the IPID a request to {@code server} carries, as known before frame {@code sequence}
     * (-1 outside a pipeline); fills {@code out} and returns true when found. An entry of another
     * server is not used (an IPID names an interface of one object exporter), and an expired one is
     * dropped. Allocates nothing.
     */
    public boolean find(UUID ipid, InetAddress server, long now, long sequence, View out) {
        if (capacity == 0 || ipid == null) {
            return false;
        }
        long before = sequence < 0 ? Long.MAX_VALUE : sequence;
        synchronized (this) {
            if (map.isEmpty()) {
                return false;
            }
            Entry e = map.get(ipid);
            if (e == null || e.announcedAt >= before || !e.server.equals(server)) {
                return false;
            }
            if (now - e.lastUsed > timeoutNanos) {
                map.remove(ipid);
                expired++;
                return false;
            }
            e.lastUsed = Math.max(e.lastUsed, now);
            out.set(e);
            return true;
        }
    }

    public synchronized int size() {
        return map.size();
    }

    /** IPIDs learned since construction. */
    public synchronized long learned() {
        return learned;
    }

    /** IPIDs evicted to make room since construction. */
    public synchronized long evicted() {
        return map.evictions();
    }

    /** IPIDs forgotten after their timeout since construction. */
    public synchronized long expired() {
        return expired;
    }
}
