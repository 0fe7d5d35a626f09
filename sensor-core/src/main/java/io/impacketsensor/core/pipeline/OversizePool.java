package io.impacketsensor.core.pipeline;

import com.lmax.disruptor.RingBuffer;
import io.impacketsensor.core.capture.FrameSlot;

import java.util.concurrent.locks.LockSupport;

/**
 * Buffers for frames larger than a ring slot, lent round-robin by the capture thread. Buffer
 * {@code j} is reused only once the slowest worker has consumed the frame that last used it (its
 * ring sequence is remembered), so nothing is copied twice and nothing is overwritten early.
 *
 * <p>Replay waits for that (lossless); live capture allocates a one-off buffer instead and counts
 * it ({@code capture.oversize_allocations}), so the capture thread never waits. Buffers grow to
 * the largest frame they held, at least 64 KB, at most libpcap's 256 KB: memory is bounded by
 * {@link #BUFFERS} x the largest frame (8 MB for 64-KB super-frames).
 */
final class OversizePool implements FrameSlot.Oversize, FrameSlot.Consumption {
    /** More than one replay batch, so a buffer is never wanted twice within one unpublished batch. */
    static final int BUFFERS = 4 * CapturePipeline.BATCH;

    /** First size of a pool buffer: 128 x 64 KB = 8 MB at most for all GRO-sized frames. */
    static final int FIRST_SIZE = 64 << 10;

    private final byte[][] buffers = new byte[BUFFERS][];
    private final long[] usedBy = new long[BUFFERS];
    private final RingBuffer<FrameSlot> ring;
    private final boolean lossless;
    private int next;
    private long lent;
    private long waits;
    private long allocations;

    OversizePool(RingBuffer<FrameSlot> ring, boolean lossless) {
        this.ring = ring;
        this.lossless = lossless;
        java.util.Arrays.fill(usedBy, -1L);
    }

    @Override
    public byte[] take(int size, long sequence) {
        int j = next;
        next = j + 1 == BUFFERS ? 0 : j + 1;
        long used = usedBy[j];
        if (used >= 0 && ring.getMinimumGatingSequence() < used) {
            if (!lossless) {
                allocations++;
                return new byte[size];
            }
            waits++;
            while (ring.getMinimumGatingSequence() < used) {
                LockSupport.parkNanos(1_000L);
            }
        }
        byte[] b = buffers[j];
        if (b == null || b.length < size) {
            // Straight to 64 KB (a GRO/TSO super-frame) so a buffer grows at most once more.
            int n = Integer.highestOneBit(Math.max(size - 1, 1)) << 1;
            b = new byte[Math.max(Math.max(n, size), FIRST_SIZE)];
            buffers[j] = b;
            allocations++;
        }
        usedBy[j] = sequence;
        lent++;
        return b;
    }

    @Override
    public boolean consumed(long sequence) {
        return ring.getMinimumGatingSequence() >= sequence;
    }

    @Override
    public boolean published(long sequence) {
        return ring.getCursor() >= sequence;
    }

    long lent() {
        return lent;
    }

    long waits() {
        return waits;
    }

    long allocations() {
        return allocations;
    }
}
