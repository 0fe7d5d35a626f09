package io.impacketsensor.detection.response;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * What may be put on the blocklist, and on which clock. An attacker who can make the sensor see an
 * event (a crafted packet, a spoofed source, a request to the API) chooses the address the event
 * blames; with enforcement on, blocking the sensor's own loopback, its gateway, its DNS server or a
 * domain controller would cut the network for everyone. So:
 * <ul>
 *   <li><b>protected</b> addresses (networks in CIDR notation) are never blocked, whatever the
 *       event says; each refused attempt is counted;</li>
 *   <li>at most {@code maxPerMinute} <i>new</i> addresses are blocked in any 60 seconds (renewing a
 *       block that is still in force is not a new block); over it the block is refused and
 *       counted, so a flood of forged attackers cannot fill the firewall set;</li>
 *   <li>with a {@code clock}, blocks start and expire on that clock (the sensor's wall clock in a
 *       live service) instead of event time, so an event stamped in the year 2100 cannot expire
 *       every block. Without one (replay, the library default) event time is used, so a replay
 *       expires blocks as the traffic did.</li>
 * </ul>
 * Thread-safe (the counters are read by the service's stats thread).
 */
public final class BlockPolicy {
    /** Protects nothing, no cap, event time: the library default. */
    public static final BlockPolicy NONE = new BlockPolicy(List.of(), 0, null);

    /** Why a block was refused. */
    public enum Verdict { ALLOW, PROTECTED, RATE_LIMITED }

    private static final long WINDOW_NANOS = 60_000_000_000L;

    private final AllowListMatcher protectedNetworks;
    private final List<String> protectedList;
    private final int maxPerMinute;
    private final Supplier<Instant> clock;
    /** Times (ns) of the last maxPerMinute new blocks, a ring: the slot at {@link #next} is the oldest. */
    private final long[] recent;
    private int next;
    private int filled;
    private long protectedRefused;
    private long rateLimited;

    /**
     * @param protectedNetworks addresses or CIDR networks never blocked (IPv4 and IPv6 literals)
     * @param maxPerMinute      new blocks allowed in any 60 s; 0 = no cap
     * @param clock             the blocks' clock; null = event time
     * @throws IllegalArgumentException when an entry is not an address or network
     */
    public BlockPolicy(List<String> protectedNetworks, int maxPerMinute, Supplier<Instant> clock) {
        if (maxPerMinute < 0) {
            throw new IllegalArgumentException("maxPerMinute must be >= 0, not " + maxPerMinute);
        }
        for (String n : protectedNetworks) {
            String err = AllowListMatcher.checkNetwork(n);
            if (err != null) {
                throw new IllegalArgumentException(err);
            }
        }
        this.protectedList = List.copyOf(protectedNetworks);
        this.protectedNetworks = new AllowListMatcher(protectedList, List.of());
        this.maxPerMinute = maxPerMinute;
        this.clock = clock;
        this.recent = new long[maxPerMinute];
    }

    /** The protected networks as configured and discovered. */
    public List<String> protectedNetworks() {
        return protectedList;
    }

    public int maxPerMinute() {
        return maxPerMinute;
    }

    /** The blocks' own clock, or null for event time. */
    Supplier<Instant> clock() {
        return clock;
    }

    /** True when the address (a literal) is protected. */
    public boolean isProtected(String ip) {
        InetAddress a = AllowListMatcher.parseAddress(ip);
        return a != null && protectedNetworks.isAdmin(a);
    }

    /**
     * Decides a block of {@code ip} at {@code now}; {@code renewal} when the address is blocked and
     * the block is in force (a renewal is not a new block for the cap). Counts refusals; an allowed
     * new block takes one slot of the cap.
     */
    synchronized Verdict decide(String ip, boolean renewal, Instant now) {
        if (isProtected(ip)) {
            protectedRefused++;
            return Verdict.PROTECTED;
        }
        if (renewal || maxPerMinute == 0) {
            return Verdict.ALLOW;
        }
        long t = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        if (filled == maxPerMinute && t - recent[next] < WINDOW_NANOS) {
            rateLimited++;
            return Verdict.RATE_LIMITED;
        }
        recent[next] = t;
        next = next + 1 == maxPerMinute ? 0 : next + 1;
        if (filled < maxPerMinute) {
            filled++;
        }
        return Verdict.ALLOW;
    }

    /** Blocks refused because the address is protected. */
    public synchronized long protectedRefused() {
        return protectedRefused;
    }

    /** New blocks refused because the cap of blocks per minute was reached. */
    public synchronized long rateLimited() {
        return rateLimited;
    }
}
