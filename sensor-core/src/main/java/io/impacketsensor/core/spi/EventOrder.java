package io.impacketsensor.core.spi;

/**
 * Where an event sits in the replay order, told to a worker's {@link FrameProcessor} through its
 * event sink (the sink of a pipeline worker implements this; other sinks do not, and processors
 * then keep no order). The event consumer takes events by (slot sequence, key within the slot,
 * worker), so what it sees does not depend on how the workers' threads interleave.
 *
 * <p>Within one slot a worker's keys never decrease: flows ended by an expiry or the end of input
 * come first, keyed by {@link #flowEndKey}, then the events of the frame itself ({@link #FRAME}).
 * The flow-end key is what makes N workers end flows in the order one worker would: one worker's
 * flow table ends flows by idle class, then least recently touched first.
 */
public interface EventOrder {
    /** Key of the events a frame itself produces: after every flow end of the same slot. */
    long FRAME = Long.MAX_VALUE;

    /** Ring sequence of the slot the worker is handling (frame, tick or end of input). */
    long sequence();

    /** Orders the events that follow within the current slot; {@link #FRAME} after the flow ends. */
    void within(long key);

    /**
     * True when the consumer wants to know which packet acknowledged each TCP event's data
     * ({@link #awaitAck}, {@link #acknowledged}, {@link #flowEnded}): a replay writing protocol
     * records with Suricata's packet numbers.
     */
    default boolean ackTimed() {
        return false;
    }

    /**
     * The next event was made from data of {@code direction} (0 to the server, 1 to the client)
     * up to stream position {@code end}: it is logged when the other side acknowledges {@code end}.
     */
    default void awaitAck(int direction, int end) {
    }

    /**
     * The next event was made from TCP data the other side acknowledged already, on the frame of
     * ring sequence {@code sequence} (data the reassembly held past that acknowledgement).
     */
    default void acknowledgedOn(long sequence) {
    }

    /** The other side of flow {@code flowId} acknowledged {@code direction}'s data up to {@code ack} (this frame). */
    default void acknowledged(long flowId, int direction, int ack) {
    }

    /** Flow {@code flowId}, some of whose events wait for an acknowledgement, ended (in the current slot). */
    default void flowEnded(long flowId) {
    }

    /**
     * Key of the events emitted when a flow ends on an expiry or at the end of input.
     *
     * @param idleClass the flow table's idle list (0..3), ended in that order
     * @param touchedAt ring sequence of the frame that last touched the flow (below 2^56)
     */
    static long flowEndKey(int idleClass, long touchedAt) {
        return (long) idleClass << 56 | touchedAt;
    }
}
