package io.impacketsensor.detection.response;

import io.impacketsensor.detection.BlockEntry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The in-memory blocklist: address → entry with reason, attack type, blocked-at and expiry. Times
 * are event times, so a replay expires entries as the traffic did. Changes go to the
 * {@link BlocklistStore}. Not thread-safe: owned by the engine thread.
 */
public final class Blocklist {
    private final Map<String, BlockEntry> entries = new LinkedHashMap<>();
    private final BlocklistStore store;
    private final long ttlSeconds;

    public Blocklist(BlocklistStore store, long ttlSeconds) {
        this.store = store;
        this.ttlSeconds = ttlSeconds;
        for (BlockEntry e : store.load()) {
            entries.put(e.ip(), e);
        }
    }

    /** Blocks (or renews) an address; returns the entry. */
    public BlockEntry block(String ip, String reason, String attackType, double confidence, Instant now) {
        Instant expiry = ttlSeconds == 0 ? null : now.plusSeconds(ttlSeconds);
        BlockEntry old = entries.get(ip);
        Instant since = old != null && !old.expired(now) ? old.blockedAt() : now;
        BlockEntry e = new BlockEntry(ip, reason, attackType, confidence, since, expiry);
        entries.put(ip, e);
        store.blocked(e);
        return e;
    }

    /** True when the address is blocked and the block has not lapsed at {@code now}. */
    public boolean isBlocked(String ip, Instant now) {
        BlockEntry e = entries.get(ip);
        return e != null && !e.expired(now);
    }

    /** Removes an address; true when it was there. */
    public boolean unblock(String ip) {
        boolean had = entries.remove(ip) != null;
        if (had) {
            store.unblocked(ip);
        }
        return had;
    }

    /** Drops lapsed entries and returns the others, oldest first. */
    public List<BlockEntry> current(Instant now) {
        for (Iterator<BlockEntry> it = entries.values().iterator(); it.hasNext(); ) {
            BlockEntry e = it.next();
            if (e.expired(now)) {
                it.remove();
                store.unblocked(e.ip());
            }
        }
        return List.copyOf(new ArrayList<>(entries.values()));
    }

    public int size() {
        return entries.size();
    }
}
