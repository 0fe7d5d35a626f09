package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PcapFileReader;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.Expectations;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.flow.PacketProcessor;
import io.impacketsensor.decoders.Decoders;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A capture through the real packet path of one worker (pcap reader, flow table, TCP reassembly,
 * analyzer registry with expectations) and the real decoder registry (SMB2 → pipes → DCE/RPC, TCP
 * DCE/RPC on 135 / expected ports / probe, the shared token decoder).
 */
final class PipelineReplay {
    private PipelineReplay() {
    }

    static List<SensorEvent> events(Path pcap) throws Exception {
        List<SensorEvent> events = new ArrayList<>();
        PacketProcessor proc = new PacketProcessor(0, FlowLimits.DEFAULTS, Decoders.forWorker(),
                Expectations.of(FlowLimits.DEFAULTS), events::add);
        try (PcapFileReader r = PcapFileReader.open(pcap)) {
            FrameSlot slot = new FrameSlot();
            while (r.next(slot)) {
                if (slot.kind == FrameSlot.KIND_FRAME) {
                    proc.process(slot.linkType, slot.tsNanos, slot.data, slot.caplen, slot.wirelen);
                }
            }
        }
        proc.finish();
        return events;
    }
}
