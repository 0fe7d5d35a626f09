package io.impacketsensor.detection.response;

import io.impacketsensor.detection.model.BlockEntry;

import java.util.List;

/**
 * Where blocklist entries live beyond the engine's memory. The engine calls it on its own thread,
 * for each change; an implementation that persists (a state file, an nftables set) must not block
 * for long. {@link #NONE} keeps nothing (the default: the blocklist is in memory only).
 */
public interface BlocklistStore {

    /** Entries to start with (a persisted blocklist). */
    List<BlockEntry> load();

    /** An address was blocked (or its block renewed). */
    void blocked(BlockEntry entry);

    /** An address was unblocked (by an operator or by expiry). */
    void unblocked(String ip);

    /**
     * Another sensor's block is held (a fleet's shared blocklist): enforce it, do not save it (it is
     * read again from the fleet at start). By default nothing: a store that only saves ignores it.
     */
    default void enforced(BlockEntry entry) {
    }

    /** Another sensor's block is no longer held: stop enforcing it. By default nothing. */
    default void released(String ip) {
    }

    /** Keeps nothing. */
    BlocklistStore NONE = new BlocklistStore() {
        @Override
        public List<BlockEntry> load() {
            return List.of();
        }

        @Override
        public void blocked(BlockEntry entry) {
        }

        @Override
        public void unblocked(String ip) {
        }
    };
}
