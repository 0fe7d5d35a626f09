package io.impacketsensor.detection.model;

/**
 * One step of an attack chain as it was observed.
 *
 * @param timestampNanos when the step was seen (event time, ns since the epoch)
 * @param step           human-readable step, e.g. {@code service created over SVCCTL}
 */
public record ChainStep(long timestampNanos, String step) {
}
