package io.impacketsensor.detection.engine;

/** Receives alerts on the engine thread (an EVE writer, a test collector). Must not block for long. */
@FunctionalInterface
public interface AlertSink {
    void accept(Alert alert);

    /** Discards alerts. */
    AlertSink NONE = a -> {
    };
}
