package io.impacketsensor.core.flow;

/**
 * Application-layer analysis of one flow. The flow layer feeds it the reassembled, in-order bytes
 * of each direction (a TCP stream) or each datagram's payload (UDP), on one worker thread only.
 *
 * <p>The buffer is only valid during the call: an analyzer copies what it must keep across calls
 * (a partial PDU header) into its own bounded buffer. It never throws for malformed input: it
 * counts an anomaly and returns {@code false} to be skipped from then on.
 */
public interface FlowAnalyzer {

    /**
     * In-order payload bytes of one direction.
     *
     * @return true to keep receiving this flow; false to stop (the flow is then skipped: its
     *         bytes are no longer reassembled or delivered)
     */
    boolean onData(Direction dir, byte[] buf, int off, int len);

    /**
     * {@code len} bytes of one direction are missing (lost before capture, or dropped by a
     * reassembly limit). The analyzer drops any partial PDU of that direction and resynchronises:
     * it waits for the next message of that direction it can verify (a probe match), keeping the
     * other direction's state and the connection's state (sessions, bindings, pending calls).
     *
     * <p>The registry also calls this when {@link #onData} threw: the {@code len} bytes of that
     * delivery are then abandoned as a gap, so a decoder bug costs one message of one direction,
     * never the flow. An analyzer therefore keeps every piece of framing state per direction and
     * must tolerate {@code onGap} after an {@code onData} that stopped half-way.
     *
     * @return true to keep receiving this flow; false to stop
     */
    boolean onGap(Direction dir, long len);

    /** The flow ended (FIN/RST, idle timeout, eviction, or end of input). Emit what is pending. */
    void onClose();
}
