package io.impacketsensor.cli;

import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.PacketTiming;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** When held records are written, and with which packet number (synthetic events). */
class AckTimedRecordsTest {
    private static final int TO_SERVER = 0;
    private static final int TO_CLIENT = 1;
    private final List<String> written = new ArrayList<>();
    private final AckTimedRecords held = new AckTimedRecords((e, packet) ->
            written.add(((ProtocolAnomaly) e).name() + "@" + packet));

    private static SensorEvent event(long flowId, String name) {
        InetAddress a = InetAddress.getLoopbackAddress();
        return new ProtocolAnomaly(new EventHeader(1, flowId, a, 50000, a, 135, Transport.TCP), name, "synthetic");
    }

    private void produce(long flowId, String name, long packet, int direction, int end) {
        held.produced(packet, direction < 0 ? PacketTiming.NO_WAIT : (long) direction << 32 | (end & 0xFFFF_FFFFL));
        held.offer(event(flowId, name));
    }

    @Test
    void aRequestAndItsResponseAreWrittenOnThePacketsThatAcknowledgeThem() {
        produce(256, "bind", 7, TO_SERVER, 3149);
        assertEquals(List.of(), written);
        held.acknowledged(256, TO_SERVER, 3149, 8);
        assertEquals(List.of("bind@8"), written);
        produce(256, "bind_ack", 8, TO_CLIENT, 239);
        held.acknowledged(256, TO_CLIENT, 238, 9);
        assertEquals(List.of("bind@8"), written, "an ACK short of the PDU's end releases nothing");
        held.acknowledged(256, TO_CLIENT, 239, 10);
        assertEquals(List.of("bind@8", "bind_ack@10"), written);
    }

    @Test
    void aLaterRecordWaitsForEveryEarlierOneOfItsFlowButNotForOtherFlows() {
        produce(256, "gap", 10, TO_SERVER, 3365);
        produce(256, "ack_without_request", 10, TO_CLIENT, 344);
        produce(512, "other_flow", 10, -1, 0);
        held.acknowledged(256, TO_CLIENT, 344, 11);
        assertEquals(List.of("other_flow@10"), written);
        held.acknowledged(256, TO_SERVER, 3440, 12);
        assertEquals(List.of("other_flow@10", "gap@12", "ack_without_request@12"), written);
    }

    @Test
    void dataAcknowledgedWhileHeldIsWrittenOnThatPacketUnlessAnEarlierRecordWaits() {
        held.produced(15, PacketTiming.ACKED | 12);
        held.offer(event(256, "request_lost"));
        assertEquals(List.of("request_lost@12"), written, "written on the acknowledging packet, not the current one");
        produce(512, "gap", 15, TO_SERVER, 3365);
        held.produced(15, PacketTiming.ACKED | 11);
        held.offer(event(512, "behind_gap"));
        assertEquals(List.of("request_lost@12"), written);
        held.acknowledged(512, TO_SERVER, 3365, 16);
        assertEquals(List.of("request_lost@12", "gap@16", "behind_gap@16"), written);
    }

    @Test
    void aRingEmptiedByOneFlowServesTheNextInItsOwnOrder() {
        // Five events grow flow 256's ring past its first size, the release leaves its head mid-ring;
        // flow 512 then waits in the same (reused) ring and must come out in its own order only.
        for (int i = 0; i < 5; i++) {
            produce(256, "a" + i, 3, TO_SERVER, 100 + i);
        }
        held.acknowledged(256, TO_SERVER, 102, 4);
        held.acknowledged(256, TO_SERVER, 104, 5);
        produce(512, "b0", 6, TO_SERVER, 10);
        produce(512, "b1", 6, TO_CLIENT, 20);
        produce(256, "a5", 6, -1, 0);
        held.acknowledged(512, TO_CLIENT, 20, 7);
        held.acknowledged(512, TO_SERVER, 10, 8);
        assertEquals(List.of("a0@4", "a1@4", "a2@4", "a3@5", "a4@5", "a5@6", "b0@8", "b1@8"), written);
    }

    @Test
    void sequenceNumbersWrapAround() {
        produce(256, "request", 3, TO_SERVER, 0xFFFF_FFF0);
        held.acknowledged(256, TO_SERVER, 0x10, 4);
        assertEquals(List.of("request@4"), written);
    }

    @Test
    void aFlowsEndAndTheEndOfOutputWriteWhatWaits() {
        produce(256, "a", 3, TO_SERVER, 100);
        produce(512, "b", 4, TO_SERVER, 100);
        produce(768, "c", 5, TO_SERVER, 100);
        held.flowEnded(512, 6);
        held.flowEnded(768, 0);
        assertEquals(List.of("b@6", "c@0"), written);
        held.releaseAll();
        assertEquals(List.of("b@6", "c@0", "a@0"), written);
    }

    @Test
    void aFlowPastItsLimitWritesItsOldestAtOnce() {
        for (int i = 0; i <= AckTimedRecords.MAX_PER_FLOW; i++) {
            produce(256, "e" + i, 10 + i, TO_SERVER, 100 + i);
        }
        assertEquals(List.of("e0@" + (10 + AckTimedRecords.MAX_PER_FLOW)), written);
    }
}
