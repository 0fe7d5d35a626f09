package io.impacketsensor.core.event;

/** Receives events from analyzers (the pipeline puts them on ring #2; tests collect them). */
@FunctionalInterface
public interface EventSink {
    void accept(SensorEvent event);
}
