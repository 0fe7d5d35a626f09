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
    /**
     * Eviction order: lowest confidence first, then the oldest block (none first), then the address.
     * Written out rather than composed from method references: the lambda bootstraps of a composed
     * comparator cost every engine start a few milliseconds.
     */
    private static final Comparator<BlockEntry> EVICTION_ORDER = new Comparator<>() {
        @Override
        public int compare(BlockEntry a, BlockEntry b) {
            int c = Double.compare(a.confidence(), b.confidence());
            if (c != 0) {
                return c;
            }
            if (a.blockedAt() == null || b.blockedAt() == null) {
                c = a.blockedAt() == null ? (b.blockedAt() == null ? 0 : -1) : 1;
            } else {
                c = a.blockedAt().compareTo(b.blockedAt());
            }
            return c != 0 ? c : a.ip().compareTo(b.ip());
        }
    };

    private final Map<String, BlockEntry> entries = new LinkedHashMap<>();
    /** The same entries in {@link #EVICTION_ORDER}. */
    private final TreeSet<BlockEntry> byEviction = new TreeSet<>(EVICTION_ORDER);
    private final BlocklistStore store;
    private final long ttlSeconds;
    private final int maxEntries;
    private long evictions;
    private BlockPolicy policy = BlockPolicy.NONE;
    /**
     * Addresses held because another sensor of a fleet blocked them ({@link #applyRemote}). They are
     * not saved to the store (a restarted sensor reads them again from the fleet) and this list does
     * not report their lapse or their eviction to the {@link Listener} (their owner does).
     */
    private final java.util.Set<String> remote = new java.util.HashSet<>();
    private Listener listener;
    private long remoteApplied;
    private long remoteProtected;
    private long remoteExpired;
    private long remoteRemoved;

    /** Told of this list's own decisions, to share them with other sensors (a fleet). */
    public interface Listener {
        /** A block this list decided (new or renewed). */
        void blocked(BlockEntry e);

        /** A block this list held ended: removed by an operator, or its own block lapsed. */
        void unblocked(String ip);
    }

    /** What {@link #applyRemote} did with another sensor's block. */
    public enum RemoteResult { APPLIED, PROTECTED, EXPIRED }

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
        remote.remove(ip);
        BlockEntry old = entries.remove(ip);
        if (old != null) {
            byEviction.remove(old);
        }
        return old;
    }

    /** Tells the store an address is no longer held: unsaved for this list's own, released for another's. */
    private void forget(String ip) {
        if (remote.remove(ip)) {
            store.released(ip);
        } else {
            store.unblocked(ip);
        }
    }

    private void evictOne() {
        BlockEntry victim = byEviction.pollFirst();
        entries.remove(victim.ip());
        evictions++;
        forget(victim.ip());
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
                forget(e.ip());
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
        // A block this sensor decided itself is its own from now on, even over another's.
        remote.remove(ip);
        store.blocked(e);
        if (listener != null) {
            listener.blocked(e);
        }
        return e;
    }

    /** Sets who hears of this list's own blocks and unblocks (null: nobody). */
    public void listener(Listener l) {
        this.listener = l;
    }

    /**
     * Applies a block another sensor decided, under this list's rules: a protected address is
     * refused and counted ({@link #remoteProtected()}); the block lapses at its own expiry or after
     * this list's TTL from {@code eventTime} (the policy's clock when it has one), whichever comes
     * first; the list's size cap holds as for local blocks. The per-minute cap of new blocks is not
     * applied: every sensor's own decisions were already capped, and a sensor rebuilding its list
     * after a restart must take back every block in force at once. A block this sensor holds itself
     * stays its own (the later expiry of the two is kept). Not saved to the store.
     */
    public RemoteResult applyRemote(BlockEntry e, Instant eventTime) {
        if (policy.isProtected(e.ip())) {
            remoteProtected++;
            return RemoteResult.PROTECTED;
        }
        Instant now = time(eventTime);
        Instant expiry = e.expiresAt();
        if (ttlSeconds > 0) {
            Instant local = now.plusSeconds(ttlSeconds);
            expiry = expiry == null || local.isBefore(expiry) ? local : expiry;
        }
        if (expiry != null && !now.isBefore(expiry)) {
            remoteExpired++;
            return RemoteResult.EXPIRED;
        }
        BlockEntry old = entries.get(e.ip());
        boolean own = old != null && !remote.contains(e.ip());
        if (own && !old.expired(now)) {
            if (old.expiresAt() != null && (expiry == null || expiry.isAfter(old.expiresAt()))) {
                BlockEntry longer = new BlockEntry(old.ip(), old.reason(), old.attackType(), old.confidence(),
                        old.blockedAt(), expiry);
                put(longer);
                store.blocked(longer);
            }
            remoteApplied++;
            return RemoteResult.APPLIED;
        }
        if (old == null && entries.size() >= maxEntries) {
            evictOne();
        }
        if (own) {
            // A lapsed block of this sensor's own, replaced by another's in force.
            store.unblocked(e.ip());
        }
        BlockEntry held = new BlockEntry(e.ip(), e.reason(), e.attackType(), e.confidence(), e.blockedAt(), expiry);
        put(held);
        remote.add(e.ip());
        store.enforced(held);
        remoteApplied++;
        return RemoteResult.APPLIED;
    }

    /**
     * Ends a block because the sensor that decided it unblocked it (or an operator did anywhere in
     * the fleet): removed whether it was another's or this list's own. True when it was held.
     */
    public boolean removeRemote(String ip) {
        boolean wasRemote = remote.contains(ip);
        if (remove(ip) == null) {
            return false;
        }
        if (wasRemote) {
            store.released(ip);
        } else {
            store.unblocked(ip);
        }
        remoteRemoved++;
        return true;
    }

    /** Other sensors' blocks applied (new or renewed). */
    public long remoteApplied() {
        return remoteApplied;
    }

    /** Other sensors' blocks refused because the address is protected here. */
    public long remoteProtected() {
        return remoteProtected;
    }

    /** Other sensors' blocks that had lapsed (their expiry or this list's TTL) when they arrived. */
    public long remoteExpired() {
        return remoteExpired;
    }

    /** Blocks ended by another sensor's unblock. */
    public long remoteRemoved() {
        return remoteRemoved;
    }

    /** Addresses held because another sensor blocked them. */
    public int remoteSize() {
        return remote.size();
    }

    /** True when the address is blocked and the block has not lapsed at {@code now}. */
    public boolean isBlocked(String ip, Instant eventTime) {
        BlockEntry e = entries.get(ip);
        return e != null && !e.expired(time(eventTime));
    }

    /**
     * {@link #isBlocked(String, Instant)} at the event time {@code eventNanos} (ns since the
     * epoch, as {@code Instant.ofEpochSecond(0, eventNanos)}), making no Instant unless the policy
     * has a clock of its own.
     */
    public boolean isBlocked(String ip, long eventNanos) {
        BlockEntry e = entries.get(ip);
        if (e == null) {
            return false;
        }
        java.util.function.Supplier<Instant> c = policy.clock();
        if (c != null) {
            return !e.expired(c.get());
        }
        if (e.expiresAt() == null) {
            return true;
        }
        // not expired: the event time is before the expiry (BlockEntry.expired)
        long seconds = Math.floorDiv(eventNanos, 1_000_000_000L);
        long exp = e.expiresAt().getEpochSecond();
        return seconds < exp || seconds == exp && Math.floorMod(eventNanos, 1_000_000_000L) < e.expiresAt().getNano();
    }

    /** Removes an address; true when it was there. */
    public boolean unblock(String ip) {
        boolean wasRemote = remote.contains(ip);
        boolean had = remove(ip) != null;
        if (had) {
            if (wasRemote) {
                store.released(ip);
            } else {
                store.unblocked(ip);
            }
            // An operator's unblock ends the block for the whole fleet, whoever decided it.
            if (listener != null) {
                listener.unblocked(ip);
            }
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
                if (remote.remove(e.ip())) {
                    store.released(e.ip());
                } else {
                    store.unblocked(e.ip());
                    if (listener != null) {
                        listener.unblocked(e.ip());
                    }
                }
            }
        }
        return List.copyOf(new ArrayList<>(entries.values()));
    }

    public int size() {
        return entries.size();
    }
}
