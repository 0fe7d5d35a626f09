package io.impacketsensor.cli;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PacketSource;

/**
 * {@code replay -c N}: the source ends after N frames (those that passed the filter, as with
 * tcpdump's {@code -c}); the frames already read are decoded and reported in full.
 */
final class CountLimit extends ForwardingPacketSource {
    private final long limit;
    /** Capture thread only. */
    private long frames;

    CountLimit(PacketSource inner, long limit) {
        super(inner);
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
    public boolean lendsFrames() {
        // Counting does not touch the frames.
        return inner.lendsFrames();
    }
}
