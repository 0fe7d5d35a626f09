package io.impacketsensor.fleet;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PcapFileReader;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.Expectations;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.flow.PacketProcessor;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.Decoders;
import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One sensor in a test: a capture decoded by the real analyzers and analysed by the real engine,
 * its alerts and events handed to a {@link FleetPublisher} as {@code replay} does.
 */
public final class SensorReplay {
    public final ImpacketProtection engine = new ImpacketProtection(EngineConfig.defaults());
    public final List<Alert> alerts = new ArrayList<>();
    public final List<SensorEvent> events = new ArrayList<>();

    public SensorReplay(FleetPublisher publisher) {
        engine.setAlertSink(a -> {
            alerts.add(a);
            if (publisher != null) {
                publisher.accept(a);
            }
        });
        this.publisher = publisher;
    }

    private final FleetPublisher publisher;

    public SensorReplay replay(Path capture) throws Exception {
        PacketProcessor p = new PacketProcessor(0, FlowLimits.DEFAULTS, Decoders.forWorker(DecoderConfig.defaults()),
                Expectations.of(FlowLimits.DEFAULTS), e -> {
                    events.add(e);
                    if (publisher != null) {
                        publisher.event(e);
                    }
                    engine.analyze(e);
                });
        FrameSlot slot = new FrameSlot();
        try (PcapFileReader reader = PcapFileReader.open(capture)) {
            while (reader.next(slot)) {
                p.process(slot.linkType, slot.tsNanos, slot.data, slot.caplen, slot.wirelen);
            }
        }
        p.finish();
        return this;
    }
}
