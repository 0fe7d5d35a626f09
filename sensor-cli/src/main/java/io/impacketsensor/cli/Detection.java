package io.impacketsensor.cli;

import io.impacketsensor.core.event.EventSink;
import io.impacketsensor.core.event.PacketTiming;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.event.EndpointInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.model.Statistics;
import io.impacketsensor.detection.config.ConfigException;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.AlertSink;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The events thread's consumer: every decoded event goes to the EVE protocol-record writer (when
 * {@code -P}) and then through the detection engine; the engine's alerts go to the same EVE output,
 * right after the record that raised them, and to an optional extra sink (the {@code evaluate}
 * command collects them). Runs on the single events thread only.
 */
final class Detection implements EventSink, PacketTiming, java.io.Flushable {
    private final ImpacketProtection engine;
    private final EveWriter eve;
    /**
     * Names DCE/RPC requests whose BIND was not captured from what their server endpoint served on
     * other connections; here, on the events thread, because connections to one endpoint reach
     * different decode workers and the events arrive here in frame order.
     */
    private final EndpointInterfaces endpoints = new EndpointInterfaces();

    Detection(EngineConfig config, EveWriter eve, AlertSink extra) {
        this(new ImpacketProtection(config), eve, extra);
    }

    /** With an engine built elsewhere (live: the service's engine, whose blocklist is persisted). */
    Detection(ImpacketProtection engine, EveWriter eve, AlertSink extra) {
        this.engine = engine;
        this.eve = eve;
        AlertSink toEve = eve != null ? eve::writeAlert : AlertSink.NONE;
        engine.setAlertSink(extra == null ? toEve : a -> {
            toEve.accept(a);
            extra.accept(a);
        });
    }

    /** The {@code engine:} section of the config file (defaults without a file); the whole file is validated. */
    static EngineConfig config(Path file) throws UsageException {
        try {
            return SensorConfig.load(file).engine();
        } catch (ConfigException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Anomaly name of an SMB3 session whose traffic is encrypted (TRANSFORM_HEADER): not inspected. */
    static final String SMB_ENCRYPTED = "smb2.encrypted";

    @Override
    public void accept(SensorEvent event) {
        SensorEvent e = endpoints.resolve(event);
        if (eve != null) {
            eve.accept(e);
            if (e instanceof SmbEvent.Smb2Encrypted enc) {
                // Once per session (the decoder says so once): the analyst must know that what
                // follows on this session was not inspected; the cleartext negotiate and
                // authentication before it were.
                eve.writeAlways(new ProtocolAnomaly(e.header(), SMB_ENCRYPTED, "SMB3 session 0x"
                        + Long.toHexString(enc.sessionId()) + (enc.compressed() ? ": compressed, not inspected"
                        : ": encrypted, not inspected")));
            }
        }
        if (fleet != null) {
            if (fleetRecordsWithEve) {
                fleet.detectionEvents(e);
            } else {
                fleet.event(e);
            }
        }
        engine.observe(e);
    }

    /** Packet numbers and acknowledgements are for the EVE protocol records only; the engine needs none. */
    @Override
    public boolean packetTiming() {
        return eve != null && eve.packetTiming();
    }

    @Override
    public void produced(long packet, long awaitAck) {
        eve.produced(packet, awaitAck);
    }

    @Override
    public void acknowledged(long flowId, int direction, int ack, long packet) {
        eve.acknowledged(flowId, direction, ack, packet);
    }

    @Override
    public void flowEnded(long flowId, long packet) {
        eve.flowEnded(flowId, packet);
    }

    /** The Kafka output's detection events and protocol records (kafka: in the config), or null. */
    private io.impacketsensor.fleet.FleetPublisher fleet;

    /** Publishes every event's fleet records too; the publisher must also be this detection's extra alert sink. */
    void fleet(io.impacketsensor.fleet.FleetPublisher publisher) {
        this.fleet = publisher;
        // With -P the EVE writer writes the Kafka records with its own, when it writes them (pcap_cnt).
        fleetRecordsWithEve = eve != null && eve.packetTiming();
        if (fleetRecordsWithEve) {
            eve.fleetRecords(publisher);
        }
    }

    private boolean fleetRecordsWithEve;

    /** The event ring calls this at every batch end: EVE lines reach the file then (service: tail -f, SIEM shippers). */
    @Override
    public void flush() throws java.io.IOException {
        if (eve != null) {
            eve.flush();
        }
    }

    ImpacketProtection engine() {
        return engine;
    }

    Statistics statistics() {
        return engine.getStatistics();
    }

    /** The end-of-run summary lines: attack instances per type, blocked addresses. */
    void printSummary(PrintWriter err) {
        Statistics s = engine.getStatistics();
        StringBuilder types = new StringBuilder();
        for (Map.Entry<String, Long> en : s.byAttackType().entrySet()) {
            if (en.getValue() > 0) {
                types.append(types.length() == 0 ? "" : ", ").append(en.getKey()).append(' ').append(en.getValue());
            }
        }
        err.printf(Locale.ROOT, "  detection   %,d events analysed; %,d attacks (%,d alert records, %,d repeats suppressed)%n",
                s.engineEvents(), s.attacksDetected(), s.alertsEmitted(), s.alertsSuppressed());
        err.printf(Locale.ROOT, "  attacks     %s%n", types.length() == 0 ? "-" : types);
        List<BlockEntry> blocked = engine.getBlockedIps();
        StringBuilder b = new StringBuilder();
        for (BlockEntry en : blocked) {
            b.append(b.length() == 0 ? "" : ", ").append(en.ip()).append(" (").append(en.attackType()).append(')');
        }
        err.printf(Locale.ROOT, "  blocked     %s%n", b.length() == 0 ? "-" : b);
        err.flush();
    }
}
