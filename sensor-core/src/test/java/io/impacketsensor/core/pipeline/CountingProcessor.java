package io.impacketsensor.core.pipeline;

import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.EventSink;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.spi.FrameProcessor;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A test {@link FrameProcessor}: counts frames and bytes, remembers each frame's first byte,
 * emits one event per frame whose first byte is {@link #EMIT}, throws on {@link #BOOM}, and can
 * be held (to fill the ring) until {@link #release} is counted down.
 */
final class CountingProcessor implements FrameProcessor {
    static final byte EMIT = 0x45;
    static final byte BOOM = 0x66;

    final int worker;
    final EventSink events;
    final List<Integer> firstBytes = new ArrayList<>();
    volatile CountDownLatch release;
    long frames;
    long bytes;
    long ticks;
    String processThread;
    String finishThread;
    int finishCalls;

    CountingProcessor(int worker, EventSink events) {
        this.worker = worker;
        this.events = events;
    }

    @Override
    public void process(int linkType, long tsNanos, byte[] buf, int off, int caplen, int wirelen) {
        byte[] frame = java.util.Arrays.copyOfRange(buf, off, off + caplen);
        CountDownLatch r = release;
        if (r != null) {
            try {
                r.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processThread = Thread.currentThread().getName();
        if (caplen > 0 && frame[0] == BOOM) {
            throw new IllegalStateException("test processor: boom");
        }
        frames++;
        bytes += caplen;
        if (caplen > 0) {
            firstBytes.add(frame[0] & 0xFF);
            if (frame[0] == EMIT) {
                events.accept(new ProtocolAnomaly(new EventHeader(tsNanos, frames, InetAddress.getLoopbackAddress(), 1,
                        InetAddress.getLoopbackAddress(), 2, Transport.TCP), "test.frame", worker + ":" + (frame[1] & 0xFF)));
            }
        }
    }

    @Override
    public void tick(long nowNanos) {
        ticks++;
    }

    @Override
    public void finish() {
        finishCalls++;
        finishThread = Thread.currentThread().getName();
    }

    @Override
    public void reportCounters(CounterVisitor visitor) {
        visitor.counter("test.frames", frames);
        visitor.counter("test.bytes", bytes);
    }
}
