package io.impacketsensor.core.flow;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PcapFileReader;
import io.impacketsensor.core.capture.PcapFormatException;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays a capture through the reader and one {@link PacketProcessor} (no analyzers, default
 * limits) and returns its counters. {@code main} prints "file, packets, tcp flows, udp flows" per
 * argument as TSV for {@code scripts/parity-check.sh}.
 */
public final class ParityCount {
    private ParityCount() {
    }

    /** Counters after replaying {@code file}, plus {@code reader.records}. */
    public static Map<String, Long> replay(Path file) throws PcapFormatException {
        return replay(file, FlowLimits.DEFAULTS);
    }

    /** Counters after replaying {@code file} with the given limits. */
    public static Map<String, Long> replay(Path file, FlowLimits limits) throws PcapFormatException {
        PacketProcessor proc = new PacketProcessor(0, limits, List.of(), Expectations.of(limits), e -> { });
        FrameSlot slot = new FrameSlot();
        Map<String, Long> out = new HashMap<>();
        try (PcapFileReader reader = PcapFileReader.open(file)) {
            while (reader.next(slot)) {
                proc.process(slot.linkType, slot.tsNanos, slot.data, slot.caplen, slot.wirelen);
            }
            proc.finish();
            out.put("reader.records", reader.records());
        }
        proc.reportCounters(out::put);
        return out;
    }

    public static void main(String[] args) {
        for (String a : args) {
            try {
                Map<String, Long> c = replay(Path.of(a));
                System.out.println(a + "\t" + c.get("packets") + "\t" + c.get("flow.tcp") + "\t" + c.get("flow.udp"));
            } catch (PcapFormatException | RuntimeException e) {
                System.out.println(a + "\terror\t" + e.getMessage() + "\t-");
            }
        }
    }
}
