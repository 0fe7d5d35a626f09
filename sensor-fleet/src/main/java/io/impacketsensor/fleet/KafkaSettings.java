package io.impacketsensor.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.impacketsensor.detection.config.ConfigException;
import io.impacketsensor.detection.config.ConfigKeys;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@code kafka:} section of the sensor configuration: where the sensor publishes its EVE alerts,
 * stats, optional protocol records and detection events. Without {@code bootstrap_servers} Kafka is
 * off and nothing of the Kafka client is loaded.
 *
 * @param bootstrapServers  kafka.bootstrap_servers: HOST:PORT list ([] = Kafka output off)
 * @param client            kafka.client: further client settings passed as they are (TLS, SASL)
 * @param sensor            kafka.sensor: this sensor's name in the records ("" = the host name)
 * @param alertsTopic       kafka.topics.alerts
 * @param statsTopic        kafka.topics.stats
 * @param recordsTopic      kafka.topics.records (protocol records)
 * @param eventsTopic       kafka.topics.events (detection events for the correlator)
 * @param protocolRecords   kafka.protocol_records: also publish the protocol records
 * @param detectionEvents   kafka.detection_events: publish the typed detection events
 * @param compression       kafka.compression
 * @param lingerMs          kafka.linger_ms
 * @param batchKb           kafka.batch_kb
 * @param bufferMb          kafka.buffer_mb: the client's send buffer (buffer.memory)
 * @param queueRecords      kafka.queue_records: records waiting for the sender thread at most
 * @param deliveryTimeoutSeconds kafka.delivery_timeout_seconds: how long a record is retried
 * @param spillFile         kafka.spill_file: unsent records ("" = kafka-spill.json in state.dir)
 * @param blocksTopic       kafka.topics.blocks: the fleet's blocklist (a compacted topic, key = address)
 * @param sharedBlocklist   kafka.shared_blocklist: publish this sensor's blocks and apply the fleet's
 * @param dcFactsTopic      kafka.topics.dc_facts: the fleet's DC facts (a compacted topic, key = dc:ADDRESS)
 * @param sharedDcLearning  kafka.shared_dc_learning: publish the DCs this sensor learns and learn the fleet's
 */
public record KafkaSettings(List<String> bootstrapServers, Map<String, String> client, String sensor,
                            String alertsTopic, String statsTopic, String recordsTopic, String eventsTopic,
                            boolean protocolRecords, boolean detectionEvents, String compression, int lingerMs,
                            int batchKb, int bufferMb, int queueRecords, int deliveryTimeoutSeconds,
                            String spillFile, String blocksTopic, boolean sharedBlocklist, String dcFactsTopic,
                            boolean sharedDcLearning) {

    public static final KafkaSettings DEFAULTS = new KafkaSettings(List.of(), Map.of(), "", "impacket-alerts",
            "impacket-stats", "impacket-records", "impacket-events", false, true, "lz4", 20, 64, 32, 65_536, 120, "",
            "impacket-blocks", false, "impacket-dc-facts", false);

    /** Compression codecs the bundled client can use; zstd and snappy need native libraries the jar leaves out. */
    static final List<String> COMPRESSION = List.of("none", "gzip", "lz4");

    /** Topic names as Kafka accepts them (Topic.validate: 249 characters of [a-zA-Z0-9._-]). */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[a-zA-Z0-9._-]+):([0-9]{1,5})");

    /**
     * Producer settings the sensor owns: the delivery guarantees a SIEM pipeline relies on. Spelled out
     * rather than taken from ProducerConfig, so that reading a configuration without Kafka loads no client class.
     */
    static final Set<String> OWNED = Set.of("bootstrap.servers", "acks", "enable.idempotence", "key.serializer",
            "value.serializer", "compression.type", "linger.ms", "batch.size", "buffer.memory", "delivery.timeout.ms",
            "max.in.flight.requests.per.connection", "transactional.id");

    public boolean enabled() {
        return !bootstrapServers.isEmpty();
    }

    /** Reads and validates the section (null: the defaults); a {@link ConfigException} names the key. */
    public static KafkaSettings parse(JsonNode node) {
        KafkaSettings d = DEFAULTS;
        ConfigKeys k = new ConfigKeys(node, "kafka");
        List<String> servers = k.strings("bootstrap_servers", d.bootstrapServers);
        for (String s : servers) {
            if (!HOST_PORT.matcher(s).matches() || Integer.parseInt(s.substring(s.lastIndexOf(':') + 1)) > 65535
                    || Integer.parseInt(s.substring(s.lastIndexOf(':') + 1)) == 0) {
                throw new ConfigException("kafka.bootstrap_servers: must be HOST:PORT entries, not '" + s + "'");
            }
        }
        Map<String, String> client = client(k.node("client"));
        String sensor = k.string("sensor", d.sensor);
        if (sensor.length() > 255 || sensor.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new ConfigException("kafka.sensor: at most 255 printable characters");
        }
        ConfigKeys t = new ConfigKeys(k.node("topics"), "kafka.topics");
        String alerts = topic(t, "alerts", d.alertsTopic);
        String stats = topic(t, "stats", d.statsTopic);
        String records = topic(t, "records", d.recordsTopic);
        String events = topic(t, "events", d.eventsTopic);
        String blocks = topic(t, "blocks", d.blocksTopic);
        String dcFacts = topic(t, "dc_facts", d.dcFactsTopic);
        t.finish();
        boolean proto = k.bool("protocol_records", d.protocolRecords);
        boolean detection = k.bool("detection_events", d.detectionEvents);
        String compression = k.string("compression", d.compression);
        if (!COMPRESSION.contains(compression)) {
            throw new ConfigException("kafka.compression: must be one of none, gzip or lz4, not '" + compression + "'");
        }
        int linger = k.integer("linger_ms", d.lingerMs, 0, 60_000);
        int batch = k.integer("batch_kb", d.batchKb, 1, 16_384);
        int buffer = k.integer("buffer_mb", d.bufferMb, 1, 2047);
        int queue = k.integer("queue_records", d.queueRecords, 16, 16_777_216);
        int delivery = k.integer("delivery_timeout_seconds", d.deliveryTimeoutSeconds, 5, 86_400);
        String spill = k.string("spill_file", d.spillFile);
        boolean shared = k.bool("shared_blocklist", d.sharedBlocklist);
        boolean sharedDcs = k.bool("shared_dc_learning", d.sharedDcLearning);
        if (sharedDcs && !detection) {
            // The facts this sensor shares are detection events; without them it would only take.
            throw new ConfigException("kafka.shared_dc_learning: needs kafka.detection_events: true");
        }
        k.finish();
        return new KafkaSettings(servers, client, sensor, alerts, stats, records, events, proto, detection,
                compression, linger, batch, buffer, queue, delivery, spill, blocks, shared, dcFacts, sharedDcs);
    }

    private static String topic(ConfigKeys t, String key, String def) {
        String v = t.string(key, def);
        if (!TOPIC.matcher(v).matches() || v.equals(".") || v.equals("..")) {
            throw new ConfigException("kafka.topics." + key + ": a topic name is 1..249 of a-z A-Z 0-9 . _ -, not '" + v + "'");
        }
        return v;
    }

    /** {@code kafka.client}: client settings by their Kafka name, for TLS and SASL; the sensor's own are refused. */
    private static Map<String, String> client(JsonNode node) {
        if (node == null) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new ConfigException("kafka.client: must be a mapping");
        }
        Set<String> known = ProducerConfig.configNames();
        Map<String, String> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (OWNED.contains(key)) {
                throw new ConfigException("kafka.client." + key + ": set by the sensor (acks=all, idempotence, "
                        + "its own keys under kafka:), not a client setting");
            }
            if (!known.contains(key)) {
                throw new ConfigException("kafka.client." + key + ": not a Kafka producer setting");
            }
            JsonNode v = e.getValue();
            if (!v.isValueNode() || v.isNull()) {
                throw new ConfigException("kafka.client." + key + ": must be a string, number or boolean");
            }
            out.put(key, v.asText());
        }
        return Map.copyOf(out);
    }

    /** The producer's settings: acks=all with idempotence (no loss, no duplicate, in order per partition). */
    public Properties producerProperties(String clientId) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // Idempotence keeps order across retries with up to 5 requests in flight (KIP-679).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(batchKb << 10));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString((long) bufferMb << 20));
        int deliveryMs = deliveryTimeoutSeconds * 1000;
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(deliveryMs));
        // delivery.timeout.ms must cover linger.ms + request.timeout.ms (ProducerConfig checks it).
        int request = Math.min(30_000, Math.max(1_000, deliveryMs - lingerMs - 1));
        p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(request));
        // send() blocks the sender thread (never the capture path) while metadata is missing or the
        // buffer is full, as long as a record may wait for the broker; records offered meanwhile
        // wait in the bounded queue, then go to the spill file.
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Integer.toString(deliveryMs));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** The section as the effective configuration shows it (same keys as the file). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bootstrap_servers", bootstrapServers);
        m.put("client", new TreeMap<>(client));
        m.put("sensor", sensor);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("alerts", alertsTopic);
        t.put("stats", statsTopic);
        t.put("records", recordsTopic);
        t.put("events", eventsTopic);
        t.put("blocks", blocksTopic);
        t.put("dc_facts", dcFactsTopic);
        m.put("topics", t);
        m.put("protocol_records", protocolRecords);
        m.put("detection_events", detectionEvents);
        m.put("compression", compression);
        m.put("linger_ms", lingerMs);
        m.put("batch_kb", batchKb);
        m.put("buffer_mb", bufferMb);
        m.put("queue_records", queueRecords);
        m.put("delivery_timeout_seconds", deliveryTimeoutSeconds);
        m.put("spill_file", spillFile);
        m.put("shared_blocklist", sharedBlocklist);
        m.put("shared_dc_learning", sharedDcLearning);
        return m;
    }
}
