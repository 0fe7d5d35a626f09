package io.impacketsensor.core.flow;

import io.impacketsensor.core.spi.EventOrder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which ACKs publish an acknowledgement mark (synthetic sequence numbers). */
class AckWatchTest {
    private final List<String> marks = new ArrayList<>();
    private final EventOrder order = new EventOrder() {
        @Override
        public long sequence() {
            return 0;
        }

        @Override
        public void within(long key) {
        }

        @Override
        public void acknowledged(long flowId, int direction, int ack) {
            marks.add(direction + ":" + ack);
        }
    };
    private final AckWatch w = new AckWatch();

    @Test
    void anAckPublishesOneMarkWhenItReachesTheOldestWaitingEnd() {
        w.awaiting(0, 100);
        w.awaiting(0, 100); // a second event of the same delivery
        w.awaiting(0, 250);
        w.ack(7, 1, 99, order); // the server's segment, acknowledging the client's data
        w.ack(7, 0, 500, order); // the client's own ACK number concerns the other direction
        assertEquals(List.of(), marks);
        w.ack(7, 1, 180, order);
        w.ack(7, 1, 200, order); // no new end reached: no mark
        assertEquals(List.of("0:180"), marks);
        assertEquals(1, w.waiting);
        w.ack(7, 1, 250, order);
        assertEquals(List.of("0:180", "0:250"), marks);
        assertEquals(0, w.waiting);
    }

    @Test
    void eventsOfDataAcknowledgedWhileHeldNeverGoBelowAnEarlierStamp() {
        w.deliveringAt = 11; // the gap Suricata declares on packet 12's ACK came first
        w.deliveringAt = 12;
        assertEquals(12, w.stampedOn());
        w.deliveringAt = 10; // the answer to the lost request, acknowledged on packet 11
        assertEquals(12, w.stampedOn());
        w.deliveringAt = 13;
        assertEquals(13, w.stampedOn());
        w.reset();
        w.deliveringAt = 4;
        assertEquals(4, w.stampedOn(), "the slot's next flow starts afresh");
    }

    @Test
    void aFullRingMovesItsNewestEndOnAndSequenceNumbersWrap() {
        for (int i = 0; i < AckWatch.ENDS + 3; i++) {
            w.awaiting(1, 0xFFFF_FF00 + 0x20 * i);
        }
        w.ack(7, 0, 0xFFFF_FF00 + 0x20 * (AckWatch.ENDS - 2), order);
        assertEquals(1, marks.size());
        w.ack(7, 0, 0xFFFF_FF00 + 0x20 * (AckWatch.ENDS - 1), order);
        assertEquals(1, marks.size(), "the ring's last end moved on to the newest event's");
        w.ack(7, 0, 0xFFFF_FF00 + 0x20 * (AckWatch.ENDS + 2), order);
        assertEquals(2, marks.size());
        assertEquals(0, w.waiting);
    }
}
