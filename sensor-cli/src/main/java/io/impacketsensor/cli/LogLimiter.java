package io.impacketsensor.cli;

/**
 * At most one log line per period for a repeating fault (a full disk fails every write; a log line
 * each time would fill what is left), and one line when it clears. Thread-safe.
 */
final class LogLimiter {
    private final long periodNanos;
    private long last;
    private boolean logged;
    private boolean failing;

    LogLimiter(long periodMillis) {
        this.periodNanos = periodMillis * 1_000_000L;
    }

    /** The fault happened again: true when a line is due now. */
    synchronized boolean due() {
        failing = true;
        long now = System.nanoTime();
        if (!logged || now - last >= periodNanos) {
            logged = true;
            last = now;
            return true;
        }
        return false;
    }

    /** The fault cleared: true once after a run of faults (to log the recovery), then false. */
    synchronized boolean recovered() {
        if (failing) {
            failing = false;
            logged = false;
            return true;
        }
        return false;
    }
}
