package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.pipeline.PipelineOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The packet-path keys of the YAML config file ({@code --config}); other sections of the same
 * file belong to other parts of the sensor and are ignored here. Validated once at start.
 *
 * <pre>
 * pipeline:
 *   workers: 1            # decode workers (flow hash % N); 1 is best on 2 cores
 *   ring_size: 16384      # capture ring slots (power of two, 2 KB each)
 *   event_ring_size: 8192 # event ring slots (power of two)
 * flow:
 *   max_flows: 65536      # per worker; the oldest idle flow is evicted beyond it
 * </pre>
 */
record CaptureConfig(int workers, int ringSize, int eventRingSize, int maxFlows) {
    static final CaptureConfig DEFAULTS = new CaptureConfig(1, 16384, 8192, FlowLimits.DEFAULTS.maxFlows());

    /** Thrown with a one-line message naming the file and the key. */
    static final class ConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        ConfigException(String message) {
            super(message);
        }
    }

    static CaptureConfig load(Path file) throws ConfigException {
        if (file == null) {
            return DEFAULTS;
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config " + file + ": no such file");
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            int nl = m.indexOf('\n');
            throw new ConfigException("config " + file + ": not valid YAML (" + (nl > 0 ? m.substring(0, nl) : m) + ")");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return DEFAULTS;
        }
        if (!root.isObject()) {
            throw new ConfigException("config " + file + ": expected a mapping at the top level");
        }
        int workers = intKey(file, root, "pipeline", "workers", DEFAULTS.workers);
        int ring = intKey(file, root, "pipeline", "ring_size", DEFAULTS.ringSize);
        int events = intKey(file, root, "pipeline", "event_ring_size", DEFAULTS.eventRingSize);
        int flows = intKey(file, root, "flow", "max_flows", DEFAULTS.maxFlows);
        CaptureConfig c = new CaptureConfig(workers, ring, events, flows);
        try {
            c.pipeline(workers);
            FlowLimits.DEFAULTS.withMaxFlows(flows);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config " + file + ": " + e.getMessage());
        }
        return c;
    }

    private static int intKey(Path file, JsonNode root, String section, String key, int dflt) throws ConfigException {
        JsonNode s = root.get(section);
        if (s == null || s.isNull()) {
            return dflt;
        }
        JsonNode v = s.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new ConfigException("config " + file + ": " + section + "." + key + " must be an integer, got '"
                    + v.asText() + "'");
        }
        return v.intValue();
    }

    PipelineOptions pipeline(int workersOverride) {
        return new PipelineOptions(workersOverride > 0 ? workersOverride : workers, ringSize, eventRingSize, 1000);
    }

    FlowLimits flowLimits() {
        return FlowLimits.DEFAULTS.withMaxFlows(maxFlows);
    }
}
