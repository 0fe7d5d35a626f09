package io.impacketsensor.core.collections;

import java.util.LinkedHashMap;
import java.util.Map;

/** A map bounded by entry count that evicts the least recently used entry; counts evictions. */
public final class LruMap<K, V> extends LinkedHashMap<K, V> {
    private final int max;
    private long evictions;

    public LruMap(int max) {
        super(Math.min(max, 1 << 16), 0.75f, true);
        this.max = max;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        if (size() > max) {
            evictions++;
            return true;
        }
        return false;
    }

    /** Entries evicted to make room since construction. */
    public long evictions() {
        return evictions;
    }
}
