package io.impacketsensor.core.flow;

/**
 * Application-layer analysis of one flow. The flow layer feeds it the reassembled, in-order bytes
 * of each direction (a TCP stream) or each datagram's payload (UDP), on one worker thread only.
 *
 * <p>The buffer is only valid during the call: an analyzer copies what it must keep across calls
 * (a partial PDU header) into its own bounded buffer, one per direction: the two directions of a
 * TCP connection are independent byte streams, and a message of one may arrive while a message of
 * the other is incomplete. It never throws for malformed input: it reports an anomaly, drops that
 * message and goes on, resynchronising at the next message it can verify when the framing itself
 * is lost, because giving the flow up would let one crafted message hide everything after it. It
 * returns {@code false} only when the rest of the flow cannot be inspected (TLS, a sealed layer).
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
