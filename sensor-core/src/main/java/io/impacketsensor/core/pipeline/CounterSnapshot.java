package io.impacketsensor.core.pipeline;

import io.impacketsensor.core.spi.CounterVisitor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named counters gathered at one moment (never per packet). Values reported twice under the same
 * name (one per worker) are summed, so a snapshot of N workers reads like one.
 */
public final class CounterSnapshot implements CounterVisitor {
    private final Map<String, Long> values = new LinkedHashMap<>();

    @Override
    public void counter(String name, long value) {
        values.merge(name, value, Long::sum);
    }

    /** The value of a counter, 0 when it was not reported. */
    public long get(String name) {
        Long v = values.get(name);
        return v == null ? 0 : v;
    }

    /** True when the counter was reported. */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** All counters in report order. */
    public Map<String, Long> asMap() {
        return Collections.unmodifiableMap(values);
    }

    /** Counters whose names start with {@code prefix}, with the prefix removed. */
    public Map<String, Long> withPrefix(String prefix) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : values.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                out.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        return out;
    }
}
