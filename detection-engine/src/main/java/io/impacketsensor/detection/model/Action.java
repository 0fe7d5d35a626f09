package io.impacketsensor.detection.model;

/**
 * What the engine recommends for an analysed event, from its confidence (thresholds in config,
 * defaults of the specification): below 0.3 {@link #LOG}, 0.3–0.5 {@link #MONITOR} (interactive
 * integrations may require a challenge), 0.5–0.7 {@link #ALERT} (alert and rate-limit the source),
 * 0.7 and above {@link #BLOCK} (attack confirmed: alert, block the source unless allow-listed,
 * report). Ordered from least to most severe.
 */
public enum Action {
    LOG, MONITOR, ALERT, BLOCK;

    /** Made once: every alert written quotes it. */
    private final String id = name().toLowerCase(java.util.Locale.ROOT);

    /** Lower-case name used in output. */
    public String id() {
        return id;
    }
}
