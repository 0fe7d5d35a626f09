package io.impacketsensor.core.flow;

import io.impacketsensor.core.spi.EventOrder;

/**
 * When the events of a TCP flow would be logged by Suricata in IDS mode, for the packet numbers of
 * protocol records ({@code pcap_cnt}). Suricata hands a direction's stream data to its protocol
 * parsers when the other side acknowledges it, so a transaction is logged on the packet that
 * acknowledges the last byte of its PDU, not on the packet that carried it. Detection does not
 * wait for that: every event is published when its PDU is complete, and this watch only tells the
 * event consumer, through {@link EventOrder#acknowledged}, which packet acknowledged it.
 *
 * <p>Per direction, the stream position (TCP sequence number) up to which events wait: the
 * oldest and the newest end. An ACK of the other side at or past the oldest publishes one mark
 * (the consumer releases every event of that direction whose end it covers); the newest tells
 * when nothing waits any more. A gap waits for an ACK strictly past its end: Suricata declares a
 * gap when it processes acknowledged data that follows it. Primitive fields, reused with the flow
 * slot: nothing is allocated per packet.
 */
final class AckWatch {
    /** Direction whose data the analyzer is handed right now, or -1 (not inside a TCP delivery). */
    int delivering = -1;
    /** Stream position the events emitted during the current delivery wait for. */
    int deliveringEnd;
    /** Bit {@code 1 << dir}: events of direction {@code dir} wait for the other side's ACK. */
    int waiting;
    private final int[] oldest = new int[2];
    private final int[] newest = new int[2];
    /** The consumer holds events of this flow: it must hear the flow's end. */
    boolean held;

    void reset() {
        delivering = -1;
        deliveringEnd = 0;
        waiting = 0;
        held = false;
    }

    /** An event of direction {@code dir} waits for an ACK of {@code end} or beyond. */
    void awaiting(int dir, int end) {
        if ((waiting & (1 << dir)) == 0) {
            waiting |= 1 << dir;
            oldest[dir] = end;
        }
        newest[dir] = end;
        held = true;
    }

    /**
     * A segment of direction {@code dir} acknowledging {@code ack} of the other direction; publishes
     * the mark when it covers a waiting event.
     */
    void ack(long flowId, int dir, int ack, EventOrder order) {
        int other = 1 - dir;
        if ((waiting & (1 << other)) == 0 || ack - oldest[other] < 0) {
            return;
        }
        order.acknowledged(flowId, other, ack);
        if (ack - newest[other] >= 0) {
            waiting &= ~(1 << other);
        } else {
            // Events between this ACK and the newest still wait: the next ACK that moves on may cover some.
            oldest[other] = ack + 1;
        }
    }
}
