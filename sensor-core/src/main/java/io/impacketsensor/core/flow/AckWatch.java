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
 * <p>Per direction, the stream positions (TCP sequence numbers) the waiting events end at, in a
 * small ring ({@link #ENDS}; when it is full the newest entry is moved on, so those events wait a
 * little longer): an ACK of the other side that reaches the oldest publishes one mark, and the
 * consumer releases every event of that direction whose end it covers. So a bulk transfer costs a
 * mark per acknowledged PDU end, not one per ACK. A gap waits for an ACK strictly past its end:
 * Suricata declares a gap when it processes acknowledged data that follows it. Data the reassembly
 * held and delivers after the other side acknowledged it ({@link SegmentBuffer#stamp}) waits for
 * nothing: its events carry the packet whose ACK covered it first, and no earlier packet than an
 * event of the flow stamped before them (Suricata logs a flow's transactions in order). Primitive fields,
 * reused with the flow slot: nothing is allocated per packet.
 */
final class AckWatch {
    /** Direction whose data the analyzer is handed right now, or -1 (not inside a TCP delivery). */
    int delivering = -1;
    /** Stream position the events emitted during the current delivery wait for. */
    int deliveringEnd;
    /**
     * Ring sequence of the packet that already acknowledged {@link #deliveringEnd} while the data
     * was held, or -1: the events of the current delivery wait for a future ACK.
     */
    long deliveringAt = -1;
    /** Highest stamp given to an event of the flow ({@link #deliveringAt}), or -1. */
    long stamped = -1;
    /** Bit {@code 1 << dir}: events of direction {@code dir} wait for the other side's ACK. */
    int waiting;
    /** Waiting ends kept per direction. */
    static final int ENDS = 8;
    /**
     * The rings of both directions: made when the flow slot first holds a waiting event (only a
     * replay writing protocol records has any) and kept with the slot.
     */
    private int[] ends;
    private final int[] first = new int[2];
    private final int[] count = new int[2];
    /** The consumer holds events of this flow: it must hear the flow's end. */
    boolean held;

    void reset() {
        delivering = -1;
        deliveringEnd = 0;
        deliveringAt = -1;
        stamped = -1;
        waiting = 0;
        count[0] = 0;
        count[1] = 0;
        held = false;
    }

    /** The packet (ring sequence) an event of the current, already acknowledged delivery is logged on. */
    long stampedOn() {
        if (deliveringAt > stamped) {
            stamped = deliveringAt;
        }
        return stamped;
    }

    /** An event of direction {@code dir} waits for an ACK of {@code end} or beyond. */
    void awaiting(int dir, int end) {
        held = true;
        if (ends == null) {
            ends = new int[2 * ENDS];
        }
        int n = count[dir];
        if (n > 0) {
            int last = dir * ENDS + (first[dir] + n - 1) % ENDS;
            if (ends[last] == end) {
                return;
            }
            if (n == ENDS) {
                ends[last] = end;
                return;
            }
        } else {
            first[dir] = 0;
            waiting |= 1 << dir;
        }
        ends[dir * ENDS + (first[dir] + n) % ENDS] = end;
        count[dir] = n + 1;
    }

    /**
     * A segment of direction {@code dir} acknowledging {@code ack} of the other direction; publishes
     * the mark when it reaches the oldest waiting end.
     */
    void ack(long flowId, int dir, int ack, EventOrder order) {
        int other = 1 - dir;
        int n = count[other];
        if (n == 0 || ack - ends[other * ENDS + first[other]] < 0) {
            return;
        }
        order.acknowledged(flowId, other, ack);
        do {
            first[other] = (first[other] + 1) % ENDS;
            n--;
        } while (n > 0 && ack - ends[other * ENDS + first[other]] >= 0);
        count[other] = n;
        if (n == 0) {
            waiting &= ~(1 << other);
        }
    }
}
