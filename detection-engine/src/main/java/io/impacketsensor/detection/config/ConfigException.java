package io.impacketsensor.detection.config;

/** A configuration error; the message names the key, e.g. {@code engine.thresholds.block: must be within 0..1}. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
