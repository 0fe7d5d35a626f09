package io.impacketsensor.core.capture;

import io.impacketsensor.core.spi.CounterVisitor;

/**
 * Where frames come from: a capture file (or several in a row) or a live interface. Read by the
 * capture thread only, one frame at a time, straight into a ring slot.
 */
public interface PacketSource extends AutoCloseable {
    /** {@link #read} stored a frame in the slot. */
    int FRAME = 1;
    /** {@link #read} returned without a frame (a live read timeout, or a wake-up): call again. */
    int IDLE = 0;
    /** End of input (end of the last file, or live capture stopped): do not call again. */
    int END = -2;
    /** The source failed (interface went down, I/O error): see {@link #failure()}. */
    int ERROR = -1;

    /**
     * Reads the next frame into {@code into} without allocating (except to grow the slot's
     * buffer for an oversized frame). A live source does not block here: it returns
     * {@link #IDLE} at once when no frame is ready, and the pipeline, having published the frames
     * read so far in one batch, calls {@link #awaitFrames()}.
     *
     * @return {@link #FRAME}, {@link #IDLE}, {@link #END} or {@link #ERROR}
     */
    int read(FrameSlot into);

    /**
     * Live sources: sleeps until frames may be ready, a {@link #wakeUp} or a bounded timeout
     * (the caller then calls {@link #read} again). Files never wait: the default returns at once.
     */
    default void awaitFrames() {
    }

    /**
     * True for files: the pipeline then waits for ring space instead of dropping, so a replay
     * is lossless and deterministic. False for live capture, where a full ring drops the frame.
     */
    boolean lossless();

    /**
     * True when this source, and every source it reads through, may point a ring slot at its own
     * buffer instead of copying the frame into the slot ({@link FrameSlot#lend}), and nothing on
     * its way writes into the frame. The pipeline then allows it on its ring slots; default false.
     */
    default boolean lendsFrames() {
        return false;
    }

    /** One-line description of the failure after {@link #read} returned {@link #ERROR}, else null. */
    String failure();

    /**
     * Asks a blocked {@link #read} to return soon (from another thread): with {@link #IDLE}, or
     * with {@link #END} when {@code stop} is true. Used for shutdown and for periodic ticks on an
     * idle link, where a live read would otherwise never return.
     */
    void wakeUp(boolean stop);

    /** Source counters ({@code capture.*}); called from any thread, values may be slightly stale. */
    void reportCounters(CounterVisitor visitor);

    /** Warnings gathered so far (damaged records, one line each). */
    java.util.List<String> warnings();

    @Override
    void close();
}
