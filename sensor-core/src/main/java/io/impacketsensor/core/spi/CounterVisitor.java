package io.impacketsensor.core.spi;

/** Receives named counters when statistics are gathered (never per packet). */
@FunctionalInterface
public interface CounterVisitor {
    void counter(String name, long value);
}
