package io.impacketsensor.core.pipeline;

import com.lmax.disruptor.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The exception handler of both rings. An exception out of a worker or the event consumer is a
 * bug: it is counted, logged once per distinct error (exception class and throwing frame, so an
 * attacker cannot flood our log by repeating a packet), and the ring keeps running. Disruptor's
 * default handler would rethrow and stop the consumer.
 */
public final class ErrorCounter implements ExceptionHandler<Object> {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorCounter.class);
    /** Distinct errors remembered; past this, new ones are counted but not logged. */
    static final int MAX_DISTINCT = 256;

    private final String ring;
    private final LongAdder errors = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> distinct = new ConcurrentHashMap<>();

    public ErrorCounter(String ring) {
        this.ring = ring;
    }

    @Override
    public void handleEventException(Throwable ex, long sequence, Object event) {
        record(ex, "while handling an event");
    }

    @Override
    public void handleOnStartException(Throwable ex) {
        record(ex, "at start");
    }

    @Override
    public void handleOnShutdownException(Throwable ex) {
        record(ex, "at shutdown");
    }

    /** Counts an error and logs it when it is the first of its kind. */
    public void record(Throwable ex, String when) {
        errors.increment();
        StackTraceElement[] st = ex.getStackTrace();
        String key = ex.getClass().getName() + (st.length > 0 ? "@" + st[0] : "");
        LongAdder n = distinct.get(key);
        if (n == null) {
            if (distinct.size() >= MAX_DISTINCT) {
                return;
            }
            LongAdder fresh = new LongAdder();
            n = distinct.putIfAbsent(key, fresh);
            if (n == null) {
                n = fresh;
                if (ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException) {
                    // An output that failed (a full disk) is the environment, not a bug: one line.
                    LOG.error("{} ring: {} {} (further identical errors are only counted)", ring,
                            ex instanceof java.io.UncheckedIOException u ? u.getCause() : ex, when);
                } else {
                    LOG.error("{} ring: {} {} (further identical errors are only counted)", ring, ex, when, ex);
                }
            }
        }
        n.increment();
    }

    /** Errors counted so far. */
    public long errors() {
        return errors.sum();
    }

    /** Distinct errors seen so far. */
    public int distinctErrors() {
        return distinct.size();
    }
}
