package io.impacketsensor.detection.engine;

import io.impacketsensor.core.collections.LruMap;
import io.impacketsensor.core.event.KerberosEvent;

import java.net.InetAddress;

/**
 * Tells a host that relays Kerberos (a proxy in front of a KDC, Impacket's kintercept.py) from one
 * that answers it: a relay's answer to its client answers a request the relay itself forwarded to
 * another KDC moments before. The request's nonce ties them: the client picks it at random (RFC 4120
 * 5.4.1), the KDC must return it in the reply's encrypted part, which only the client's key
 * opens (5.4.2, checked by the client, 3.1.5), so a proxy passes it on unchanged. A KDC answering a
 * request it was sent does not send the same nonce to another KDC itself.
 *
 * <p>A relayed answer is not evidence that the host is a DC ({@link DcLearning}): answering Kerberos
 * is what makes a host a learned DC whose DRSUAPI replication is not DCSync, and any host can sit in
 * front of a real KDC. A read-only DC forwarding to a writable DC a request for an account whose
 * secrets it does not hold is a relay for that answer too; what it answers itself and its LDAP, CLDAP and
 * DRSUAPI service still show it.
 *
 * <p>Recent KDC requests are kept in a fixed table of primitive slots indexed by a hash of the
 * sender's address and the nonce (a later request may overwrite an older one in its slot: a relay
 * forwards at once, so only the last moments matter); nothing is allocated per event. Hosts seen
 * relaying are kept, bounded, with the KDC they relayed to, for the analyst. The fleet's DC facts
 * (sensor-fleet) use the same test: one instance per events thread, not thread-safe.
 */
public final class KdcRelays {
    /** Slots of the request table (a power of two). */
    static final int SLOTS = 1024;
    /** How long after a host's own KDC request its answer to a client with the same nonce is a relay. */
    static final long WINDOW_NANOS = 30L * 1_000_000_000L;
    static final int MAX_RELAYS = 256;

    private final long[] keys = new long[SLOTS];
    private final long[] times = new long[SLOTS];
    /** The KDC each request went to (the reference the event carried; nothing is copied). */
    private final InetAddress[] kdcs = new InetAddress[SLOTS];
    /** Hosts seen relaying, with the KDC they relayed to (the latest). */
    private final LruMap<InetAddress, InetAddress> relays = new LruMap<>(MAX_RELAYS);
    private long hosts;

    /** A KDC request (AS-REQ or TGS-REQ) sent by the event's client. */
    public void request(KerberosEvent.KerberosRequest q) {
        InetAddress from = q.header().clientIp();
        if (from == null || q.nonce() == 0) {
            return;
        }
        long key = key(from, q.nonce());
        int i = slot(key);
        keys[i] = key;
        times[i] = q.header().timestampNanos();
        kdcs[i] = q.header().serverIp();
    }

    /**
     * True when {@code answer} (a KDC reply or KRB-ERROR from the event's server to its client)
     * answers a request whose nonce the server itself sent to another host's KDC within
     * {@link #WINDOW_NANOS} before: the server relayed it. The host is then remembered as a relay.
     */
    public boolean relayed(KerberosEvent answer) {
        KerberosEvent.KerberosRequest q = answer instanceof KerberosEvent.KerberosReply r ? r.request()
                : answer instanceof KerberosEvent.KerberosError e ? e.request() : null;
        InetAddress host = answer.header().serverIp();
        if (q == null || host == null || q.nonce() == 0) {
            return false;
        }
        long key = key(host, q.nonce());
        int i = slot(key);
        long at = answer.header().timestampNanos();
        InetAddress kdc = kdcs[i];
        if (keys[i] != key || kdc == null || at - times[i] > WINDOW_NANOS || at < times[i]
                || kdc.equals(answer.header().clientIp()) || kdc.equals(host)) {
            return false;
        }
        if (relays.put(host, kdc) == null) {
            hosts++; // a new relay: rare, the map entry is the only allocation
        }
        return true;
    }

    /** The KDC {@code host} was seen relaying its clients' Kerberos to, or null. */
    InetAddress relayedTo(InetAddress host) {
        return host == null || relays.isEmpty() ? null : relays.get(host);
    }

    /** Hosts seen relaying Kerberos since start. */
    long hosts() {
        return hosts;
    }

    private static long key(InetAddress host, long nonce) {
        return ((long) host.hashCode() << 32) ^ (nonce & 0xffffffffL);
    }

    private static int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 54) & (SLOTS - 1);
    }
}
