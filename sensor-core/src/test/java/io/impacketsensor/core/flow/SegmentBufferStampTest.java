package io.impacketsensor.core.flow;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which packet acknowledged held bytes first (synthetic sequence numbers and bytes). */
class SegmentBufferStampTest {
    private final byte[] bytes = new byte[200];
    private final SegmentBuffer sb = new SegmentBuffer(4096, 16);

    @Test
    void heldBytesCarryThePacketOfTheFirstAckCoveringTheirEnd() {
        sb.reset(1000);
        sb.insert(50, bytes, 0, 100); // [1050, 1150) held behind a hole
        sb.stamp(1000, 3); // acknowledges nothing held
        sb.stamp(1100, 4);
        sb.stamp(1100, 5); // a duplicate ACK: the first one stays
        sb.stamp(1150, 6);
        assertEquals(4, sb.acknowledgedOn(1001), "a gap before the held bytes ends at an ACK past it");
        assertEquals(4, sb.acknowledgedOn(1100));
        assertEquals(6, sb.acknowledgedOn(1101));
        assertEquals(-1, sb.acknowledgedOn(1151), "not acknowledged yet: waits for a future ACK");
        sb.advance(100);
        assertEquals(6, sb.acknowledgedOn(1150), "stamps at or past the next expected byte stay");
    }

    @Test
    void bytesHeldAfterAnAckDoNotTakeItsStamp() {
        sb.reset(0xFFFF_FFF0);
        sb.insert(8, bytes, 0, 8); // across the wrap of the sequence space
        sb.stamp(0xFFFF_FFF8, 2);
        sb.stamp(0x10, 3);
        sb.insert(0, bytes, 0, 8); // the hole's bytes arrive after both ACKs
        assertEquals(-1, sb.acknowledgedOn(0xFFFF_FFF8), "those ACKs came before the bytes were held");
        assertEquals(-1, sb.acknowledgedOn(0));
        sb.stamp(0x10, 9);
        assertEquals(9, sb.acknowledgedOn(0));
        sb.reset(0);
        assertEquals(-1, sb.acknowledgedOn(0), "a reused buffer starts without stamps");
    }
}
