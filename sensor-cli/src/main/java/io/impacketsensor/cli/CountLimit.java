package io.impacketsensor.cli;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PacketSource;
import io.impacketsensor.core.spi.CounterVisitor;

import java.util.List;

/**
 * {@code replay -c N}: the source ends after N frames (those that passed the filter, as with
 * tcpdump's {@code -c}); the frames already read are decoded and reported in full.
 */
final class CountLimit implements PacketSource {
    private final PacketSource inner;
    private final long limit;
    /** Capture thread only. */
    private long frames;

    CountLimit(PacketSource inner, long limit) {
        this.inner = inner;
        this.limit = limit;
    }

    PacketSource inner() {
        return inner;
    }

    @Override
    public int read(FrameSlot into) {
        if (frames >= limit) {
            return END;
        }
        int status = inner.read(into);
        if (status == FRAME) {
            frames++;
        }
        return status;
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
