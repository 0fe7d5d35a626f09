package io.impacketsensor.core.pipeline;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.impacketsensor.core.event.EventSink;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.CounterVisitor;

import java.io.Flushable;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Ring #2: events from every decode worker to one consumer thread (the detection engine, or an
 * EVE writer), so whatever sits downstream owns its state without locks. Workers call
 * {@link #accept}; the consumer calls the downstream {@link EventSink} in order, and flushes it
 * at the end of each batch when it is {@link Flushable}.
 *
 * <p>Replay is lossless (a full ring makes the worker wait); live capture drops the event and
 * counts {@code events.dropped_ring} rather than stall packet decoding.
 */
public final class EventRing implements EventSink {
    private static final EventTranslatorOneArg<Holder, SensorEvent> PUT = (h, seq, e) -> h.event = e;

    /** One slot of the event ring. */
    static final class Holder {
        SensorEvent event;
    }

    /**
     * The consumer spins, then yields, then sleeps {@link #IDLE_SLEEP_NANOS} between polls: workers
     * publish one event at a time, and a blocking strategy makes every publish take a lock and
     * signal the consumer (a futex wake per event). Sleeping costs the producers nothing; the price
     * is up to a millisecond of latency after an idle spell and about a thousand wake-ups a second
     * while idle.
     */
    private static final int SPIN_RETRIES = 200;
    private static final long IDLE_SLEEP_NANOS = 1_000_000L;

    private final Disruptor<Holder> disruptor;
    private final RingBuffer<Holder> ring;
    private final boolean lossless;
    private final EventSink downstream;
    private final ErrorCounter errors = new ErrorCounter("event");
    private final LongAdder published = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private volatile long consumed;

    public EventRing(EventSink downstream, int size, boolean lossless) {
        this.downstream = downstream;
        this.lossless = lossless;
        this.disruptor = new Disruptor<>(Holder::new, size, r -> {
            Thread t = new Thread(r, "events");
            t.setDaemon(true);
            return t;
        }, ProducerType.MULTI, new SleepingWaitStrategy(SPIN_RETRIES, IDLE_SLEEP_NANOS));
        disruptor.handleEventsWith(new Consumer());
        disruptor.setDefaultExceptionHandler(errors);
        this.ring = disruptor.getRingBuffer();
    }

    /** See CapturePipeline#workersRunning: the drain check skips a consumer that has not started. */
    private final java.util.concurrent.CountDownLatch consumerRunning = new java.util.concurrent.CountDownLatch(1);

    private final class Consumer implements EventHandler<Holder> {
        @Override
        public void onStart() {
            consumerRunning.countDown();
        }

        @Override
        public void onEvent(Holder h, long sequence, boolean endOfBatch) throws IOException {
            SensorEvent e = h.event;
            h.event = null; // let the event be collected once handled
            consumed++;
            try {
                downstream.accept(e);
            } finally {
                if (endOfBatch && downstream instanceof Flushable f) {
                    f.flush();
                }
            }
        }
    }

    public void start() {
        disruptor.start();
        try {
            consumerRunning.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the event consumer started", e);
        }
    }

    @Override
    public void accept(SensorEvent event) {
        if (lossless) {
            ring.publishEvent(PUT, event);
            published.increment();
        } else if (ring.tryPublishEvent(PUT, event)) {
            published.increment();
        } else {
            dropped.increment();
        }
    }

    /**
     * Waits until every published event has been handed downstream, then stops the consumer.
     *
     * @param timeout how long to wait; {@code Long.MAX_VALUE} waits as long as it takes
     * @return false when the consumer did not catch up within the timeout (it is halted anyway)
     */
    public boolean shutdown(long timeout, TimeUnit unit) {
        try {
            if (timeout == Long.MAX_VALUE) {
                // Disruptor adds the timeout to nanoTime(): a huge value overflows and times out at once.
                disruptor.shutdown();
                return true;
            }
            disruptor.shutdown(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            disruptor.halt();
            return false;
        }
    }

    /** {@code events.published}, {@code events.dropped_ring}, {@code events.handler_errors}. */
    public void reportCounters(CounterVisitor v) {
        v.counter("events.published", published.sum());
        v.counter("events.dropped_ring", dropped.sum());
        v.counter("events.handler_errors", errors.errors());
    }

    /** Events handed downstream so far. */
    public long consumed() {
        return consumed;
    }
}
