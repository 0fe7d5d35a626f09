package io.impacketsensor.core.pipeline;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PacketSource;
import io.impacketsensor.core.spi.CounterVisitor;

import java.util.List;

/**
 * A live-like test source: {@code count} frames as fast as asked (frame i = [i % 256, ...]), then
 * IDLE at once like a non-blocking libpcap handle on an idle link; {@link #awaitFrames} sleeps
 * until {@link #wakeUp} (then IDLE) or a stop (then END).
 */
final class ScriptedSource implements PacketSource {
    private final int count;
    private final boolean lossless;
    private volatile int produced;
    private boolean wake;
    private boolean stop;

    ScriptedSource(int count, boolean lossless) {
        this.count = count;
        this.lossless = lossless;
    }

    @Override
    public int read(FrameSlot into) {
        if (produced < count) {
            into.ensureCapacity(60);
            into.data[0] = (byte) produced;
            into.data[1] = (byte) (produced >> 8);
            into.caplen = 60;
            into.wirelen = 60;
            into.linkType = 1;
            into.tsNanos = produced;
            produced++;
            return FRAME;
        }
        synchronized (this) {
            return stop ? END : IDLE;
        }
    }

    @Override
    public synchronized void awaitFrames() {
        while (!wake && !stop) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        wake = false;
    }

    int producedSoFar() {
        return produced;
    }

    @Override
    public boolean lossless() {
        return lossless;
    }

    @Override
    public String failure() {
        return null;
    }

    @Override
    public synchronized void wakeUp(boolean stopNow) {
        if (stopNow) {
            stop = true;
        }
        wake = true;
        notifyAll();
    }

    @Override
    public void reportCounters(CounterVisitor visitor) {
        visitor.counter("capture.records", produced);
    }

    @Override
    public List<String> warnings() {
        return List.of();
    }

    @Override
    public void close() {
    }
}
