package io.impacketsensor.detection.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/** A map bounded by entry count that evicts the least recently used entry; counts evictions. */
final class LruMap<K, V> extends LinkedHashMap<K, V> {
    private final int max;
    long evictions;

    LruMap(int max) {
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
}
