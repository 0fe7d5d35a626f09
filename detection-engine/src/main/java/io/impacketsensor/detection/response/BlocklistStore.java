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
