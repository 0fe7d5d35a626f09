package io.impacketsensor.core.flow;

import io.impacketsensor.core.wire.Bytes;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Pending {@link FlowContext#expect} announcements: "a later TCP connection to server:port carries
 * protocol X" (an endpoint-mapper answer naming a dynamic DCE/RPC port). Shared by all workers of
 * a pipeline, because the announced connection may hash to another worker than the flow that
 * announced it.
 *
 * <p>Bounded (the oldest entry is overwritten when full) and expiring. Writes are rare and take a
 * lock; lookups happen once per new TCP flow and read a volatile count first, so a run without
 * expectations pays one volatile read per new flow.
 *
 * <p>In a pipeline each entry also records the ring sequence of the frame that announced it, and
 * a lookup for a flow opened by frame {@code s} sees only entries announced before {@code s}:
 * what a flow finds does not depend on how far ahead another worker's thread happens to be. (An
 * announcement by a worker that lags behind can still be missed; the flow is then probed.)
 */
public final class Expectations {
    private final int capacity;
    private final long timeoutNanos;
    private final int[] version;
    private final long[] hi;
    private final long[] lo;
    private final int[] port;
    private final String[] name;
    /** What the announcement said of the endpoint besides the protocol (an interface), or null. */
    private final Object[] detail;
    private final long[] expires;
    private final long[] announcedAt;
    private int next;
    private volatile int size;
    /**
     * Entries in the table per server port (expired ones included, until overwritten): a lookup for
     * a port no entry names, nearly every new flow, skips the scan and the lock. Written under the
     * lock; {@link #writes} publishes it to the other workers' lookups.
     */
    private final int[] entriesPerPort;
    /**
     * One bit per server port, set while {@link #entriesPerPort} is not 0: what a lookup reads.
     * 8 KB stay in the worker's cache where the 256 KB of counts do not (one miss per new flow).
     */
    private final long[] portNamed;
    /** Bumped after each {@link #add}: its volatile write makes {@link #entriesPerPort} visible. */
    private volatile int writes;
    /** Announcements accepted (for counters). */
    private long added;
    /**
     * The address {@link #add} read last, as version and bits: announcers name the same server
     * object again and again (a flow's server, from its worker's address cache), and reading an
     * {@code InetAddress}'s bits copies them into a new array. Written under the lock.
     */
    private InetAddress lastServer;
    private int lastVersion;
    private long lastHi;
    private long lastLo;

    public Expectations(int capacity, long timeoutNanos) {
        this.capacity = capacity;
        this.timeoutNanos = timeoutNanos;
        version = new int[capacity];
        hi = new long[capacity];
        lo = new long[capacity];
        port = new int[capacity];
        name = new String[capacity];
        detail = new Object[capacity];
        expires = new long[capacity];
        announcedAt = new long[capacity];
        entriesPerPort = new int[capacity == 0 ? 0 : 65536];
        portNamed = new long[capacity == 0 ? 0 : 65536 / 64];
    }

    public static Expectations of(FlowLimits limits) {
        return new Expectations(limits.maxExpectations(), FlowLimits.nanos(limits.expectationTimeoutSec()));
    }

    /** Records an expectation (called from an analyzer when it creates an event, not per packet). */
    public void add(InetAddress server, int serverPort, String analyzerName, long nowNanos) {
        add(server, serverPort, analyzerName, nowNanos, -1);
    }

    /**
     * Records an expectation announced by the frame at ring sequence {@code sequence} (-1 outside
     * a pipeline).
     */
    public void add(InetAddress server, int serverPort, String analyzerName, long nowNanos, long sequence) {
        add(server, serverPort, analyzerName, nowNanos, sequence, null);
    }

    /**
     * As {@link #add(InetAddress, int, String, long, long)}, with what the announcement said of the
     * endpoint besides the protocol ({@code detail}, an immutable value such as the interface an
     * endpoint-mapper answer mapped there; null for none).
     */
    public synchronized void add(InetAddress server, int serverPort, String analyzerName, long nowNanos, long sequence,
                                 Object detail) {
        if (capacity == 0 || server == null || analyzerName == null) {
            return;
        }
        if (server != lastServer) {
            byte[] a = server.getAddress();
            lastVersion = server instanceof Inet4Address ? 4 : 6;
            lastHi = lastVersion == 4 ? 0 : Bytes.i64be(a, 0);
            lastLo = lastVersion == 4 ? Bytes.u32be(a, 0) : Bytes.i64be(a, 8);
            lastServer = server;
        }
        int v = lastVersion;
        long h = lastHi;
        long l = lastLo;
        int i = next;
        next = (next + 1) % capacity;
        if (i < size) {
            int old = port[i] & 0xFFFF;
            if (--entriesPerPort[old] == 0) {
                portNamed[old >>> 6] &= ~(1L << old);
            }
        }
        int p = serverPort & 0xFFFF;
        entriesPerPort[p]++;
        portNamed[p >>> 6] |= 1L << p;
        version[i] = v;
        hi[i] = h;
        lo[i] = l;
        port[i] = serverPort;
        name[i] = analyzerName;
        this.detail[i] = detail;
        expires[i] = nowNanos + timeoutNanos;
        announcedAt[i] = sequence;
        added++;
        if (size < capacity) {
            size = size + 1;
        }
        writes = writes + 1;
    }

    /** The analyzer name expected for a connection to this server endpoint, or null. */
    public String lookup(int ipVersion, long serverHi, long serverLo, int serverPort, long nowNanos) {
        return lookup(ipVersion, serverHi, serverLo, serverPort, nowNanos, Long.MAX_VALUE);
    }

    /**
     * The analyzer name expected for a connection to this server endpoint announced before ring
     * sequence {@code sequence}, or null.
     */
    public String lookup(int ipVersion, long serverHi, long serverLo, int serverPort, long nowNanos, long sequence) {
        if (size == 0 || writes == 0 || !named(serverPort)) {
            return null;
        }
        synchronized (this) {
            for (int i = 0; i < size; i++) {
                if (port[i] == serverPort && lo[i] == serverLo && hi[i] == serverHi && version[i] == ipVersion
                        && nowNanos <= expires[i] && announcedAt[i] < sequence) {
                    return name[i];
                }
            }
        }
        return null;
    }

    /**
     * What the announcements of this server endpoint made before ring sequence {@code sequence}
     * said besides the protocol, when they all say the same (one server port often serves several
     * interfaces: Windows' lsass answers LSARPC, SAMR, NETLOGON and DRSUAPI on one); null when none
     * says anything or they differ. Called once per call on a context nothing else names, not per packet.
     */
    public Object detail(int ipVersion, long serverHi, long serverLo, int serverPort, long nowNanos, long sequence) {
        if (size == 0 || writes == 0 || !named(serverPort)) {
            return null;
        }
        Object found = null;
        synchronized (this) {
            for (int i = 0; i < size; i++) {
                if (port[i] == serverPort && lo[i] == serverLo && hi[i] == serverHi && version[i] == ipVersion
                        && nowNanos <= expires[i] && announcedAt[i] < sequence) {
                    if (detail[i] == null || found != null && !found.equals(detail[i])) {
                        return null;
                    }
                    found = detail[i];
                }
            }
        }
        return found;
    }

    /** True when an entry (expired or not) names {@code serverPort}. */
    private boolean named(int serverPort) {
        int p = serverPort & 0xFFFF;
        return (portNamed[p >>> 6] & (1L << p)) != 0;
    }

    public synchronized long added() {
        return added;
    }
}
