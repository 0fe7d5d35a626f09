package io.impacketsensor.cli;

import io.impacketsensor.core.capture.PacketSource;
import io.impacketsensor.core.spi.CounterVisitor;

import java.util.List;

/**
 * A source that changes only how frames are read from another one ({@code replay -c},
 * {@code evaluate --perturb}): waiting, failure, wake-up, counters, warnings and closing are the
 * inner source's.
 */
abstract class ForwardingPacketSource implements PacketSource {
    protected final PacketSource inner;

    ForwardingPacketSource(PacketSource inner) {
        this.inner = inner;
    }

    @Override
    public void awaitFrames() {
        inner.awaitFrames();
    }

    @Override
    public boolean lossless() {
        return inner.lossless();
    }

    @Override
    public String failure() {
        return inner.failure();
    }

    @Override
    public void wakeUp(boolean stop) {
        inner.wakeUp(stop);
    }

    @Override
    public void reportCounters(CounterVisitor visitor) {
        inner.reportCounters(visitor);
    }

    @Override
    public List<String> warnings() {
        return inner.warnings();
    }

    @Override
    public void close() {
        inner.close();
    }
}
