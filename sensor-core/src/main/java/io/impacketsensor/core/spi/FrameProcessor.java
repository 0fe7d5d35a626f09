package io.impacketsensor.core.spi;


/**
 * What a decode worker does with each frame: L2-L4 decoding, flow lookup, reassembly and the
 * analyzers. One instance per worker, called from that worker's thread only.
 */
public interface FrameProcessor {

    /**
     * One captured frame; the buffer (the ring slot's, or the capture file's read buffer lent to
     * it) is reused after the call, so nothing may keep a reference to it.
     *
     * @param linkType  libpcap LINKTYPE_ value of the frame's interface
     * @param tsNanos   capture timestamp, ns since the epoch
     * @param frame     the buffer holding the frame
     * @param off       where the frame starts in {@code frame}
     * @param caplen    bytes captured
     * @param wirelen   length on the wire
     */
    void process(int linkType, long tsNanos, byte[] frame, int off, int caplen, int wirelen);

    /** One captured frame that starts at index 0 of {@code frame}. */
    default void process(int linkType, long tsNanos, byte[] frame, int caplen, int wirelen) {
        process(linkType, tsNanos, frame, 0, caplen, wirelen);
    }

    /**
     * Another worker's frame: only its capture time, so that time-driven work (flow expiry) runs
     * at the same frames whatever the number of workers. Default: nothing.
     */
    default void observe(long tsNanos) {
    }

    /** Time passes without packets (live idle, or a batch end): expire idle flows up to {@code nowNanos}. */
    void tick(long nowNanos);

    /** End of input: close every flow (analyzers emit what is pending). */
    void finish();

    /** Reports this worker's counters. */
    void reportCounters(CounterVisitor visitor);
}
