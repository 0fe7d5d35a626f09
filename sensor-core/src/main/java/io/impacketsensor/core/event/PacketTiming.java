package io.impacketsensor.core.event;

/**
 * An event consumer that wants, in a replay, the packet each event was produced on and the packet
 * that acknowledged the TCP data it was made from: what Suricata in IDS mode reports as a record's
 * {@code pcap_cnt} (it parses a direction's data when the other side acknowledges it). The event
 * ring calls these on the consumer thread, in frame order, around {@link EventSink#accept}.
 * Packet numbers count the replay's frames from 1, across the files of one replay.
 */
public interface PacketTiming {
    /** {@code awaitAck} of an event that waits for no acknowledgement (UDP, a flow's end, an expiry). */
    long NO_WAIT = -1;
    /**
     * Flag of an {@code awaitAck} (other than {@link #NO_WAIT}) whose data was acknowledged already:
     * by the packet {@code awaitAck & ~ACKED}, an earlier one than the event's own.
     */
    long ACKED = 1L << 62;

    /** True when the consumer wants the calls below (only then are acknowledgements tracked). */
    boolean packetTiming();

    /**
     * Precedes the {@link EventSink#accept} of one event.
     *
     * @param packet   the number of the packet that produced it, or 0 (a flow expiry, the end of input)
     * @param awaitAck {@link #NO_WAIT}, or {@code direction << 32 | position}: it is logged once the
     *                 other side acknowledges the TCP data of {@code direction} (0 to the server, 1
     *                 to the client) up to stream position {@code position} (unsigned 32 bits); or
     *                 {@code ACKED | ackPacket}: the data was acknowledged by packet {@code ackPacket}
     */
    void produced(long packet, long awaitAck);

    /** Packet {@code packet} of flow {@code flowId} acknowledges {@code direction}'s data up to {@code ack}. */
    void acknowledged(long flowId, int direction, int ack, long packet);

    /** Flow {@code flowId} ended on packet {@code packet} (0: an expiry or the end of input). */
    void flowEnded(long flowId, long packet);
}
