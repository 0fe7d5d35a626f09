package io.impacketsensor.detection.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The keys of one configuration mapping: typed reads with their defaults and bounds, then
 * {@link #finish} rejects the keys nobody read. Every error is a {@link ConfigException} naming the
 * key's full path, so the sensor's sections and the Kafka section report bad input the same way.
 */
public final class ConfigKeys {
    private final JsonNode node;
    private final String path;
    private final Set<String> read = new HashSet<>();

    public ConfigKeys(JsonNode node, String path) {
        if (node != null && !node.isNull() && !node.isObject()) {
            throw new ConfigException(path + ": must be a mapping");
        }
        this.node = node == null || node.isNull() ? null : node;
        this.path = path;
    }

    private JsonNode get(String key) {
        read.add(key);
        JsonNode v = node == null ? null : node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    public String string(String key, String def) {
        JsonNode v = get(key);
        if (v == null) {
            return def;
        }
        if (!v.isTextual()) {
            throw new ConfigException(path + "." + key + ": must be a string");
        }
        return v.textValue();
    }

    /** A list of strings (a YAML sequence). */
    public List<String> strings(String key, List<String> def) {
        JsonNode v = get(key);
        if (v == null) {
            return def;
        }
        if (!v.isArray()) {
            throw new ConfigException(path + "." + key + ": must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw new ConfigException(path + "." + key + ": must be a list of strings, not '" + e.asText() + "'");
            }
            out.add(e.textValue());
        }
        return List.copyOf(out);
    }

    public boolean bool(String key, boolean def) {
        JsonNode v = get(key);
        if (v == null) {
            return def;
        }
        if (!v.isBoolean()) {
            throw new ConfigException(path + "." + key + ": must be true or false");
        }
        return v.booleanValue();
    }

    /** A sub-mapping, marked read (its own {@link ConfigKeys} checks its keys). */
    public JsonNode node(String key) {
        return get(key);
    }

    public long number(String key, long def, long min, long max) {
        JsonNode v = get(key);
        if (v == null) {
            return def;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new ConfigException(path + "." + key + ": must be an integer, not '" + v.asText() + "'");
        }
        long x = v.longValue();
        if (x < min || x > max) {
            throw new ConfigException(path + "." + key + ": must be within " + min + ".." + max + ", not " + x);
        }
        return x;
    }

    public int integer(String key, int def, int min, int max) {
        JsonNode v = get(key);
        if (v == null) {
            return def;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new ConfigException(path + "." + key + ": must be an integer, not '" + v.asText() + "'");
        }
        int x = v.intValue();
        if (x < min || x > max) {
            throw new ConfigException(path + "." + key + ": must be within " + min + ".." + max + ", not " + x);
        }
        return x;
    }

    public void finish() {
        if (node == null) {
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!read.contains(k)) {
                throw new ConfigException(path + "." + k + ": unknown key");
            }
        }
    }
}
