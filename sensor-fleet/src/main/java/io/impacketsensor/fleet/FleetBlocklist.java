package io.impacketsensor.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.response.Blocklist;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One blocklist for a fleet, on a compacted topic ({@code kafka.topics.blocks}, key = the address):
 * this sensor publishes the blocks it decides (value = the entry as JSON) and a tombstone (null value)
 * when one ends here (an operator's unblock, or its own block lapsing), through the same
 * {@link KafkaOutput} as its alerts, so a block decided while Kafka is away is spilled and sent
 * later. A reader thread applies every other sensor's blocks to this sensor's blocklist through
 * {@link ImpacketProtection#applyRemoteBlock}, under this sensor's protected addresses, TTL and size
 * cap. The reader starts from the beginning of the topic, so a restarted sensor rebuilds the
 * fleet's blocks (compaction keeps the latest value per address, and drops an address after its
 * tombstone). Its own records are skipped: its own blocks come back from its state file.
 */
public final class FleetBlocklist implements Blocklist.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetBlocklist.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Version of the block record's JSON; a reader skips versions it does not know. */
    static final int VERSION = 1;

    private final KafkaSettings settings;
    private final String sensor;
    private final KafkaOutput out;
    private final ImpacketProtection engine;
    private final CompactedTopicReader reader;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong refusedProtected = new AtomicLong();
    private final AtomicLong lapsed = new AtomicLong();
    private final AtomicLong removed = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();

    public FleetBlocklist(KafkaSettings settings, String sensor, KafkaOutput out, ImpacketProtection engine) {
        this.settings = settings;
        this.sensor = sensor;
        this.out = out;
        this.engine = engine;
        this.reader = new CompactedTopicReader(settings, "impacket-sensor-blocks-" + sensor, settings.blocksTopic(),
                "fleet blocklist", this::apply, () -> "fleet blocklist read from " + settings.blocksTopic() + " ("
                        + applied.get() + " blocks applied, " + refusedProtected.get() + " refused as protected)");
    }

    /** Tells the engine to report its own blocks here, and starts reading the fleet's. */
    public void start() {
        engine.setBlockListener(this);
        reader.start();
    }

    @Override
    public void blocked(BlockEntry e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("v", VERSION);
        n.put("ip", e.ip());
        n.put("sensor", sensor);
        n.put("reason", e.reason());
        n.put("attack_type", e.attackType());
        n.put("confidence", e.confidence());
        n.put("blocked_at", e.blockedAt() == null ? null : e.blockedAt().toString());
        n.put("expires_at", e.expiresAt() == null ? null : e.expiresAt().toString());
        try {
            out.offer(settings.blocksTopic(), e.ip(), JSON.writeValueAsBytes(n), "block");
            published.incrementAndGet();
        } catch (IOException ex) {
            throw new IllegalStateException(ex); // an ObjectNode always serialises
        }
    }

    @Override
    public void unblocked(String ip) {
        out.offer(settings.blocksTopic(), ip, null, "block");
        published.incrementAndGet();
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        String from = CompactedTopicReader.publisher(r);
        if (from.equals(sensor) || r.key() == null) {
            return;
        }
        if (r.value() == null) {
            if (engine.removeRemoteBlock(r.key())) {
                removed.incrementAndGet();
                LOG.info("kafka: fleet unblock of {} from sensor {}", r.key(), from);
            }
            return;
        }
        BlockEntry e = parse(r.key(), r.value());
        if (e == null) {
            malformed.incrementAndGet();
            LOG.warn("kafka: skipped a malformed block record for '{}' from sensor {}", clip(r.key()), from);
            return;
        }
        switch (engine.applyRemoteBlock(e)) {
            case APPLIED -> {
                applied.incrementAndGet();
                LOG.info("kafka: fleet block of {} from sensor {} ({}) applied", e.ip(), from, e.attackType());
            }
            case PROTECTED -> {
                refusedProtected.incrementAndGet();
                LOG.warn("kafka: fleet block of {} from sensor {} refused: the address is protected here", e.ip(), from);
            }
            case EXPIRED -> lapsed.incrementAndGet();
        }
    }

    /** The entry of a block record, or null when it is not one (unknown version, bad field, key ≠ address). */
    static BlockEntry parse(String key, byte[] value) {
        try {
            JsonNode n = JSON.readTree(value);
            if (n == null || !n.isObject() || n.path("v").asInt() != VERSION || !key.equals(n.path("ip").asText(null))
                    || io.impacketsensor.detection.response.AllowListMatcher.parseAddress(key) == null) {
                return null;
            }
            double conf = n.path("confidence").asDouble(Double.NaN);
            if (!(conf >= 0 && conf <= 1)) {
                return null;
            }
            return new BlockEntry(key, clip(n.path("reason").asText("")), clip(n.path("attack_type").asText("")), conf,
                    instant(n.get("blocked_at")), instant(n.get("expires_at")));
        } catch (IOException | java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static Instant instant(JsonNode n) {
        return n == null || n.isNull() ? null : Instant.parse(n.asText());
    }

    private static String clip(String s) {
        return s.length() > 200 ? s.substring(0, 200) : s;
    }

    /** True once the reader has applied everything the topic held when it started. */
    public boolean caughtUp() {
        return reader.caughtUp();
    }

    /** Records of the topic not read yet (-1 before the first poll). */
    public long lag() {
        return reader.lag();
    }

    /** Counters: published, applied, refused_protected, lapsed, removed, malformed, lag. */
    public List<Object[]> counters() {
        return List.of(new Object[] {"published", published.get()}, new Object[] {"applied", applied.get()},
                new Object[] {"refused_protected", refusedProtected.get()}, new Object[] {"lapsed", lapsed.get()},
                new Object[] {"removed", removed.get()}, new Object[] {"malformed", malformed.get()},
                new Object[] {"lag", reader.lag()});
    }

    public long applied() {
        return applied.get();
    }

    public long refusedProtected() {
        return refusedProtected.get();
    }

    /** Stops reading and stops reporting this sensor's blocks (the output is closed by its owner). */
    @Override
    public void close() {
        engine.setBlockListener(null);
        reader.close();
    }
}
