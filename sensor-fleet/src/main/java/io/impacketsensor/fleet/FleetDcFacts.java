package io.impacketsensor.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.engine.DetectionEngine;
import io.impacketsensor.detection.response.AllowListMatcher;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * DC learning shared by a fleet ({@code kafka.shared_dc_learning}): the {@code dc_fact} events every
 * sensor publishes (a host answered Kerberos) also go to a compacted topic ({@code kafka.topics.dc_facts},
 * key {@code dc:ADDRESS}), and a reader thread feeds the other sensors' facts into this sensor's DC
 * learning ({@link ImpacketProtection#learnFleetDc}, at most {@link DetectionEngine#MAX_FLEET_DCS}).
 * So a DRSGetNCChanges from a DC that only another sensor saw serve is replication here too, not DCSync.
 *
 * <p>A compacted topic rather than the events topic: a sensor reads it from its start at every start
 * (facts are not saved locally), and compaction keeps one record per DC, so that read is a few hundred
 * records however long the fleet has run; the events topic holds every authentication of every sensor
 * for its retention, which each sensor would read to find a few facts. The correlator keeps reading
 * the facts on the events topic. Facts this sensor published itself are skipped.
 */
public final class FleetDcFacts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetDcFacts.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaSettings settings;
    private final String sensor;
    private final ImpacketProtection engine;
    private final CompactedTopicReader reader;
    private final AtomicLong learned = new AtomicLong();
    private final AtomicLong known = new AtomicLong();
    private final AtomicLong capped = new AtomicLong();
    private final AtomicLong learningOff = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();

    public FleetDcFacts(KafkaSettings settings, String sensor, ImpacketProtection engine) {
        this.settings = settings;
        this.sensor = sensor;
        this.engine = engine;
        this.reader = new CompactedTopicReader(settings, "impacket-sensor-dc-facts-" + sensor, settings.dcFactsTopic(),
                "fleet DC facts", this::apply,
                () -> "fleet DC facts read from " + settings.dcFactsTopic() + " (" + learned.get() + " DCs learned)");
    }

    public void start() {
        reader.start();
    }

    /**
     * Waits until the topic has been read to its end once (or {@code timeout} passed): a replay
     * starts with the fleet's DCs known, as a live sensor that has run a while has them.
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return reader.awaitCaughtUp(timeout);
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        String from = CompactedTopicReader.publisher(r);
        if (from.equals(sensor) || r.value() == null) {
            return;
        }
        String ip = parse(r.key(), r.value());
        DetectionEngine.FleetDc result = ip == null ? null : engine.learnFleetDc(ip);
        if (result == null) {
            malformed.incrementAndGet();
            LOG.warn("kafka: skipped a malformed DC fact for '{}' from sensor {}", clip(String.valueOf(r.key())), from);
            return;
        }
        switch (result) {
            case LEARNED -> {
                learned.incrementAndGet();
                LOG.info("kafka: {} learned as a DC from sensor {}", ip, from);
            }
            case KNOWN -> known.incrementAndGet();
            case CAPPED -> {
                if (capped.getAndIncrement() == 0) {
                    LOG.warn("kafka: DC fact for {} from sensor {} not learned: {} DCs learned from the fleet already",
                            ip, from, DetectionEngine.MAX_FLEET_DCS);
                }
            }
            case LEARNING_OFF -> learningOff.incrementAndGet();
        }
    }

    /** The DC's address of a {@code dc_fact} record of schema version 1, or null when it is not one. */
    static String parse(String key, byte[] value) {
        try {
            JsonNode n = JSON.readTree(value);
            if (n == null || !n.isObject() || n.path("v").asInt() != FleetEvents.VERSION
                    || !"dc_fact".equals(n.path("type").asText(null))) {
                return null;
            }
            String ip = n.path("dc_ip").asText(null);
            if (ip == null || key == null || !key.equals("dc:" + ip) || AllowListMatcher.parseAddress(ip) == null) {
                return null;
            }
            return ip;
        } catch (IOException e) {
            return null;
        }
    }

    private static String clip(String s) {
        return s.length() > 200 ? s.substring(0, 200) : s;
    }

    public boolean caughtUp() {
        return reader.caughtUp();
    }

    public long learned() {
        return learned.get();
    }

    /** Counters: learned, known, capped, learning_off, malformed, lag. */
    public List<Object[]> counters() {
        return List.of(new Object[] {"learned", learned.get()}, new Object[] {"known", known.get()},
                new Object[] {"capped", capped.get()}, new Object[] {"learning_off", learningOff.get()},
                new Object[] {"malformed", malformed.get()}, new Object[] {"lag", reader.lag()});
    }

    @Override
    public void close() {
        reader.close();
    }
}
