package io.impacketsensor.detection.response;

import io.impacketsensor.detection.model.BlockEntry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The in-memory blocklist: address → entry with reason, attack type, blocked-at and expiry. Times
 * are event times, so a replay expires entries as the traffic did, unless the {@link BlockPolicy}
 * brings its own clock (a live service: the sensor's wall clock). The policy also refuses protected
 * addresses and new blocks over its rate cap. Changes go to the {@link BlocklistStore}. Not
 * thread-safe: owned by the engine thread.
 *
 * <p>The list holds at most {@code maxEntries} addresses, so that a flood of blocks (many spoofed
 * sources) cannot exhaust the heap. A new block on a full list always goes in: the entry with the
 * lowest confidence goes out, the oldest block among equals (counted in {@link #evictions()}).
 */
public final class Blocklist {
    /** Default of {@code engine.blocking.max_entries}. */
    public static final int DEFAULT_MAX_ENTRIES = 100_000;
    /** Eviction order: lowest confidence first, then the oldest block, then the address. */
    private static final Comparator<BlockEntry> EVICTION_ORDER = Comparator.comparingDouble(BlockEntry::confidence)
            .thenComparing(BlockEntry::blockedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(BlockEntry::ip);

    private final Map<String, BlockEntry> entries = new LinkedHashMap<>();
    /** The same entries in {@link #EVICTION_ORDER}. */
    private final TreeSet<BlockEntry> byEviction = new TreeSet<>(EVICTION_ORDER);
    private final BlocklistStore store;
    private final long ttlSeconds;
    private final int maxEntries;
    private long evictions;
    private BlockPolicy policy = BlockPolicy.NONE;

    public Blocklist(BlocklistStore store, long ttlSeconds) {
        this(store, ttlSeconds, DEFAULT_MAX_ENTRIES);
    }

    /** @param maxEntries addresses held at most (≥ 1) */
    public Blocklist(BlocklistStore store, long ttlSeconds, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("blocklist max entries must be positive");
        }
        this.store = store;
        this.ttlSeconds = ttlSeconds;
        this.maxEntries = maxEntries;
        for (BlockEntry e : store.load()) {
            put(e);
        }
        // A list saved under a larger cap.
        while (entries.size() > maxEntries) {
            evictOne();
        }
    }

    private void put(BlockEntry e) {
        BlockEntry old = entries.put(e.ip(), e);
        if (old != null) {
            byEviction.remove(old);
        }
        byEviction.add(e);
    }

    private BlockEntry remove(String ip) {
        BlockEntry old = entries.remove(ip);
        if (old != null) {
            byEviction.remove(old);
        }
        return old;
    }

    private void evictOne() {
        BlockEntry victim = byEviction.pollFirst();
        entries.remove(victim.ip());
        evictions++;
        store.unblocked(victim.ip());
    }

    /** Entries evicted because the list was full. */
    public long evictions() {
        return evictions;
    }

    /**
     * Sets the policy; entries already held for a now-protected address are dropped (a blocklist
     * saved before the address was protected must not keep cutting it off).
     */
    public void policy(BlockPolicy p) {
        this.policy = p;
        for (Iterator<BlockEntry> it = entries.values().iterator(); it.hasNext(); ) {
            BlockEntry e = it.next();
            if (p.isProtected(e.ip())) {
                it.remove();
                byEviction.remove(e);
                store.unblocked(e.ip());
            }
        }
    }

    /** The policy's clock when it has one, else the event time given. */
    private Instant time(Instant eventTime) {
        java.util.function.Supplier<Instant> c = policy.clock();
        return c == null ? eventTime : c.get();
    }

    /**
     * Blocks (or renews) an address; returns the entry, or null when the policy refused it (a
     * protected address, or the cap of new blocks per minute reached).
     */
    public BlockEntry block(String ip, String reason, String attackType, double confidence, Instant eventTime) {
        Instant now = time(eventTime);
        BlockEntry current = entries.get(ip);
        if (policy.decide(ip, current != null && !current.expired(now), now) != BlockPolicy.Verdict.ALLOW) {
            return null;
        }
        Instant expiry = ttlSeconds == 0 ? null : now.plusSeconds(ttlSeconds);
        BlockEntry old = entries.get(ip);
        Instant since = old != null && !old.expired(now) ? old.blockedAt() : now;
        BlockEntry e = new BlockEntry(ip, reason, attackType, confidence, since, expiry);
        if (old == null && entries.size() >= maxEntries) {
            evictOne();
        }
        put(e);
        store.blocked(e);
        return e;
    }

    /** True when the address is blocked and the block has not lapsed at {@code now}. */
    public boolean isBlocked(String ip, Instant eventTime) {
        BlockEntry e = entries.get(ip);
        return e != null && !e.expired(time(eventTime));
    }

    /** Removes an address; true when it was there. */
    public boolean unblock(String ip) {
        boolean had = remove(ip) != null;
        if (had) {
            store.unblocked(ip);
        }
        return had;
    }

    /** Drops lapsed entries and returns the others, oldest first. */
    public List<BlockEntry> current(Instant eventTime) {
        Instant now = time(eventTime);
        for (Iterator<BlockEntry> it = entries.values().iterator(); it.hasNext(); ) {
            BlockEntry e = it.next();
            if (e.expired(now)) {
                it.remove();
                byEviction.remove(e);
                store.unblocked(e.ip());
            }
        }
        return List.copyOf(new ArrayList<>(entries.values()));
    }

    public int size() {
        return entries.size();
    }
}
