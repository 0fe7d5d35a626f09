package io.impacketsensor.core.pipeline;

/**
 * Sizes of the pipeline.
 *
 * @param workers        decode workers; each frame goes to worker (symmetric flow hash % workers).
 *                       On a 2-core box 1 is best (JAVA-STACK.md §3): capture thread + 1 worker
 * @param ringSize       capture ring slots (power of two); each slot holds a 2 KB buffer
 * @param eventRingSize  event ring slots (power of two)
 * @param tickMillis     live capture: how often idle workers are woken to expire flows
 */
public record PipelineOptions(int workers, int ringSize, int eventRingSize, int tickMillis) {
    public static final int MAX_WORKERS = 64;

    public PipelineOptions {
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be 1.." + MAX_WORKERS + ", got " + workers);
        }
        if (ringSize < 64 || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("ring size must be a power of two >= 64, got " + ringSize);
        }
        if (eventRingSize < 64 || Integer.bitCount(eventRingSize) != 1) {
            throw new IllegalArgumentException("event ring size must be a power of two >= 64, got " + eventRingSize);
        }
        if (tickMillis < 10) {
            throw new IllegalArgumentException("tick must be >= 10 ms, got " + tickMillis);
        }
    }

    /** {@code workers} workers, 16384 capture slots (32 MB), 8192 event slots, 1-s ticks. */
    public static PipelineOptions of(int workers) {
        return new PipelineOptions(workers, 16384, 8192, 1000);
    }
}
