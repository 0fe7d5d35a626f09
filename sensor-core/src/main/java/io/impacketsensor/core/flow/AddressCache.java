package io.impacketsensor.core.flow;

import java.net.InetAddress;

/**
 * One worker's recently made IPv4 {@code InetAddress} objects. An event header names its flow's
 * two addresses as objects; a capture has many short flows between few hosts (every DCE/RPC
 * endpoint-mapper query is a new connection), so the flows of the same host share one object
 * instead of each making its own ({@code InetAddress} is immutable). Direct-mapped: a clash
 * replaces the entry. IPv6 addresses are made per flow (rare here).
 */
final class AddressCache {
    private static final int SIZE = 1024;
    private final long[] keys = new long[SIZE];
    private final InetAddress[] values = new InetAddress[SIZE];

    /** The address for a flow key address (IPv4: {@code hi == 0}, {@code lo} the address). */
    InetAddress get(int ipVersion, long hi, long lo) {
        if (ipVersion != 4) {
            return FlowContextImpl.address(ipVersion, hi, lo);
        }
        // Fibonacci hashing: host parts vary in the low bits, subnets in the high ones.
        int i = (int) ((lo * 0x9E3779B97F4A7C15L) >>> 54);
        InetAddress a = values[i];
        if (a != null && keys[i] == lo) {
            return a;
        }
        a = FlowContextImpl.address(4, 0, lo);
        keys[i] = lo;
        values[i] = a;
        return a;
    }
}
