package io.impacketsensor.fleet;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.engine.Alert;
import io.impacketsensor.detection.engine.AlertSink;
import io.impacketsensor.detection.eve.EveAlertWriter;
import io.impacketsensor.detection.eve.EveCommon;
import io.impacketsensor.detection.eve.ProtocolRecordWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * What a sensor publishes to Kafka, in the EVE form its file has: alerts (topic
 * {@code kafka.topics.alerts}, keyed by community id, so every record of a flow lands on one
 * partition in order), stats (keyed by the sensor's name), protocol records when
 * {@code kafka.protocol_records} (keyed by community id) and the {@link FleetEvents} when
 * {@code kafka.detection_events}. Everything goes through {@link KafkaOutput}, which never blocks.
 *
 * <p>Called on the events thread (alerts, events) and the stats thread: methods are synchronized,
 * as the EVE writer's are.
 */
public final class FleetPublisher implements AlertSink, AutoCloseable {
    private final KafkaSettings settings;
    private final KafkaOutput out;
    private final String sensor;
    private final ByteArrayOutputStream alertBuf = new ByteArrayOutputStream(2048);
    private final EveAlertWriter alerts = new EveAlertWriter(alertBuf);
    private final FleetEvents events;
    private final ByteArrayOutputStream recordBuf;
    private final JsonGenerator records;
    private final ProtocolRecordWriter protocol;
    /** The fleet's shared blocklist when {@code kafka.shared_blocklist} and a live sensor started it. */
    private volatile FleetBlocklist blocklist;
    /** The fleet's DC facts when {@code kafka.shared_dc_learning} and the sensor started reading them. */
    private volatile FleetDcFacts dcFacts;
    /** Built once: a method reference made per event would allocate on the events thread. */
    private final java.util.function.BiConsumer<String, byte[]> toEvents = this::event;

    public FleetPublisher(KafkaSettings settings, KafkaOutput out, String sensor) {
        this.settings = settings;
        this.out = out;
        this.sensor = sensor;
        this.events = new FleetEvents(sensor);
        if (settings.protocolRecords()) {
            this.recordBuf = new ByteArrayOutputStream(4096);
            this.protocol = new ProtocolRecordWriter();
            try {
                this.records = new JsonFactory().setRootValueSeparator(null).createGenerator(recordBuf, JsonEncoding.UTF8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            this.recordBuf = null;
            this.protocol = null;
            this.records = null;
        }
    }

    /**
     * Opens the producer for a sensor: its name ({@code kafka.sensor}, else the host name) and its
     * spill file ({@code kafka.spill_file}, else {@code kafka-spill.json} in the state directory).
     */
    public static FleetPublisher open(KafkaSettings settings, Path stateDir) {
        String name = sensorName(settings);
        Path spill = settings.spillFile().isEmpty() ? stateDir.resolve("kafka-spill.json") : Path.of(settings.spillFile());
        return new FleetPublisher(settings, new KafkaOutput(settings, name, spill), name);
    }

    /** {@code kafka.sensor}, or this host's name. */
    public static String sensorName(KafkaSettings settings) {
        if (!settings.sensor().isEmpty()) {
            return settings.sensor();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "sensor";
        }
    }

    /**
     * With {@code kafka.shared_blocklist}: publishes the engine's own blocks and applies the fleet's
     * ({@link FleetBlocklist}); nothing otherwise. For a live sensor, whose blocks run on the wall clock.
     */
    public void shareBlocklist(io.impacketsensor.detection.ImpacketProtection engine) {
        if (settings.sharedBlocklist() && blocklist == null) {
            FleetBlocklist b = new FleetBlocklist(settings, sensor, out, engine);
            b.start();
            blocklist = b;
        }
    }

    /**
     * With {@code kafka.shared_dc_learning}: learns the DCs other sensors publish ({@link FleetDcFacts});
     * nothing otherwise. This sensor's own facts go to the topic from {@link #event(SensorEvent)}.
     */
    public void shareDcLearning(io.impacketsensor.detection.ImpacketProtection engine) {
        if (settings.sharedDcLearning() && dcFacts == null) {
            FleetDcFacts f = new FleetDcFacts(settings, sensor, engine);
            f.start();
            dcFacts = f;
        }
    }

    /** The shared DC facts reader, or null. */
    public FleetDcFacts dcFacts() {
        return dcFacts;
    }

    /** The shared blocklist, or null. */
    public FleetBlocklist blocklist() {
        return blocklist;
    }

    /** Alerts say {@code blocked} only while blocks are enforced, as in the EVE file. */
    public void enforcement(BooleanSupplier enforcing) {
        alerts.enforcement(enforcing);
    }

    @Override
    public synchronized void accept(Alert alert) {
        alertBuf.reset();
        alerts.accept(alert);
        // EveAlertWriter ends each record with a newline: a Kafka record is the JSON object alone.
        byte[] v = Arrays.copyOf(alertBuf.toByteArray(), Math.max(0, alertBuf.size() - 1));
        out.offer(settings.alertsTopic(), EveCommon.communityId(alert.header()), v, "alert");
        if (settings.detectionEvents()) {
            events.of(alert, toEvents);
        }
    }

    /** One decoded event: its detection events and, with {@code kafka.protocol_records}, its EVE records. */
    public synchronized void event(SensorEvent e) {
        detectionEvents(e);
        records(e, 0);
    }

    /** One decoded event's detection events only (its records come through {@link #records}). */
    public synchronized void detectionEvents(SensorEvent e) {
        if (settings.detectionEvents()) {
            events.of(e, toEvents);
        }
    }

    /**
     * With {@code kafka.protocol_records}, the EVE records of one event, stating {@code packet} as
     * their {@code pcap_cnt} (0: none): the EVE file's writer calls this when it writes the same
     * event's records, so both carry the same lines.
     */
    public synchronized void records(SensorEvent e, long packet) {
        if (protocol != null) {
            EveCommon.packet(packet);
            try {
                recordBuf.reset();
                int n = protocol.writeRecords(records, e);
                records.flush();
                if (n > 0) {
                    split(EveCommon.communityId(e.header()));
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            } finally {
                EveCommon.packet(0);
            }
        }
    }

    /** Records as the EVE file's writer makes them when they wait for their packet: requests wait for their flow's end. */
    public synchronized void recordsUntilFlowEnd() {
        if (protocol != null) {
            protocol.untilFlowEnd();
        }
    }

    /** Flow {@code flowId} ended on {@code packet} (0: none): its unanswered requests' records. */
    public synchronized void recordsFlowEnded(long flowId, long packet) {
        if (protocol != null) {
            EveCommon.packet(packet);
            try {
                recordBuf.reset();
                if (protocol.flowEnded(records, flowId) > 0) {
                    records.flush();
                    split(null);
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            } finally {
                EveCommon.packet(0);
            }
        }
    }

    private void event(String key, byte[] value) {
        out.offer(settings.eventsTopic(), key, value, "event");
        if (settings.sharedDcLearning() && key.startsWith("dc:")) {
            out.offer(settings.dcFactsTopic(), key, value, "event");
        }
    }

    /** The protocol records in {@link #recordBuf}, one JSON line each, as one Kafka record each. */
    private void split(String key) {
        byte[] all = recordBuf.toByteArray();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                if (i > start) {
                    out.offer(settings.recordsTopic(), key, Arrays.copyOfRange(all, start, i), "record");
                }
                start = i + 1;
            }
        }
        if (start < all.length) {
            out.offer(settings.recordsTopic(), key, Arrays.copyOfRange(all, start, all.length), "record");
        }
    }

    /** One EVE stats record (its JSON object, no newline). */
    public synchronized void stats(byte[] json) {
        out.offer(settings.statsTopic(), sensor, json, "stats");
    }

    public KafkaOutput output() {
        return out;
    }

    public String sensor() {
        return sensor;
    }

    /** Writes the Kafka counters as the object {@code kafka} (EVE stats, /stats, /health). */
    public void writeCounters(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("kafka");
        g.writeStringField("sensor", sensor);
        g.writeBooleanField("healthy", out.healthy());
        for (Object[] c : out.counters()) {
            g.writeNumberField((String) c[0], (Long) c[1]);
        }
        if (!out.lastError().isEmpty()) {
            g.writeStringField("last_error", out.lastError());
        }
        FleetBlocklist b = blocklist;
        if (b != null) {
            g.writeObjectFieldStart("blocklist");
            g.writeBooleanField("caught_up", b.caughtUp());
            for (Object[] c : b.counters()) {
                g.writeNumberField((String) c[0], (Long) c[1]);
            }
            g.writeEndObject();
        }
        FleetDcFacts f = dcFacts;
        if (f != null) {
            g.writeObjectFieldStart("dc_facts");
            g.writeBooleanField("caught_up", f.caughtUp());
            for (Object[] c : f.counters()) {
                g.writeNumberField((String) c[0], (Long) c[1]);
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** Sends what is queued (DCE/RPC requests still unanswered as UNREPLIED records first) and closes. */
    @Override
    public synchronized void close() {
        FleetBlocklist b = blocklist;
        if (b != null) {
            b.close();
        }
        FleetDcFacts f = dcFacts;
        if (f != null) {
            f.close();
        }
        if (protocol != null) {
            try {
                recordBuf.reset();
                if (protocol.flush(records) > 0) {
                    records.flush();
                    split(null);
                }
            } catch (IOException ignored) {
                // an in-memory buffer does not fail
            }
        }
        out.close();
    }
}
