package io.impacketsensor.fleet.correlate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.rules.RuleCatalog;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * The fleet layers as a Kafka Streams application: it reads the detection events every sensor
 * publishes ({@code kafka.topics.events}, keyed by entity) and writes fleet alerts to the alerts
 * topic. Any number of instances share the work by partition; their state is in RocksDB stores
 * backed by changelog topics, and processing is exactly-once (exactly_once_v2), so an instance that
 * dies hands its partitions and state to another without losing or repeating an alert.
 *
 * <p>Layers (what a single sensor cannot see; a fleet alert needs its steps on two sensors at
 * least, since one sensor that saw them all raised the alert itself):
 * <ul>
 *   <li><b>relay</b>: one NTLM challenge issued on two connections (the relay host passes the
 *       target's challenge to its victim, MS-NLMP 3.1.5.1.1) whose legs different sensors saw,
 *       within the engine's relay window ({@code engine.relay.window_seconds});</li>
 *   <li><b>chain</b>: a source's discovery alert (ATT&amp;CK Discovery) on one sensor followed by a
 *       credential-access alert on another within the engine's chain window
 *       ({@code engine.chains.window_seconds}); a DCSync from a host any sensor learned as a DC
 *       ({@code dc_fact}) is replication and is not chained;</li>
 *   <li><b>spray</b> and <b>account</b> ({@link AuthLayer}): the engine's failed-authentication
 *       windows per source and per account over every sensor's failures.</li>
 * </ul>
 * Each fires once per challenge, and once per source and attack type. An entry is swept once its
 * last record is older (record time) than its layer's window plus a minute: the relay store holds
 * the challenges of the last 2 × 30 s by default, the chain store a source's alerts of 11 minutes.
 */
public final class Correlator implements AutoCloseable {
    static final String RELAY_STORE = "fleet-relay";
    static final String CHAIN_STORE = "fleet-chain";
    /** Slack on top of a layer's window before its entries are swept (records arrive late by this much). */
    static final long SLACK_MILLIS = 60_000;

    private final KafkaStreams streams;
    private final Counters counters = new Counters();

    /** What the correlator read and raised, for /health and /metrics (every stream thread adds to them). */
    static final class Counters {
        private final java.util.concurrent.atomic.LongAdder records = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> alerts =
                new java.util.concurrent.ConcurrentHashMap<>();

        Counters() {
            for (String layer : List.of("relay", "chain", "spray", "account")) {
                alerts.put(layer, new java.util.concurrent.atomic.LongAdder());
            }
        }

        void alert(byte[] value) {
            JsonNode n = parse(value);
            String layer = n == null ? "unknown" : n.path("impacket").path("fleet").asText("unknown");
            alerts.computeIfAbsent(layer, k -> new java.util.concurrent.atomic.LongAdder()).increment();
        }

        long records() {
            return records.sum();
        }

        java.util.Map<String, Long> alerts() {
            java.util.Map<String, Long> out = new java.util.TreeMap<>();
            alerts.forEach((k, v) -> out.put(k, v.sum()));
            return out;
        }
    }

    /**
     * @param props       Kafka Streams settings: bootstrap.servers, application.id, state.dir and any
     *                    client settings (TLS, SASL); processing.guarantee is set here
     * @param eventsTopic the sensors' detection events
     * @param alertsTopic where fleet alerts go
     * @param engine      the engine settings whose windows the layers use
     */
    public Correlator(Properties props, String eventsTopic, String alertsTopic, EngineConfig engine) {
        Properties p = new Properties();
        p.putAll(props);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
        this.streams = new KafkaStreams(topology(eventsTopic, alertsTopic, engine, counters), p);
    }

    static Topology topology(String eventsTopic, String alertsTopic, EngineConfig engine) {
        return topology(eventsTopic, alertsTopic, engine, new Counters());
    }

    static Topology topology(String eventsTopic, String alertsTopic, EngineConfig engine, Counters counters) {
        RuleCatalog catalog = RuleCatalog.builtin();
        StreamsBuilder b = new StreamsBuilder();
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RELAY_STORE), Serdes.String(),
                Serdes.ByteArray()));
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CHAIN_STORE), Serdes.String(),
                Serdes.ByteArray()));
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AuthLayer.STORE), Serdes.String(),
                Serdes.ByteArray()));
        KStream<String, byte[]> events = b.stream(eventsTopic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .peek((k, v) -> counters.records.increment());
        long relayWindow = engine.relay().windowSeconds() * 1_000_000_000L;
        long chainWindow = engine.chains().windowSeconds() * 1_000_000_000L;
        // The sensors key events by the entity the state is for: relay and chain need no repartition.
        KStream<String, byte[]> relay = events.filter((k, v) -> k != null && k.startsWith("challenge:"))
                .process(() -> new RelayLayer(relayWindow, Math.max(2 * relayWindow / 1_000_000, SLACK_MILLIS)), RELAY_STORE);
        // DC facts (keyed dc:IP) go to the partition of the same address's source: key, where the chain
        // layer keeps what it knows of that host.
        KStream<String, byte[]> dcFacts = events.filter((k, v) -> k != null && k.startsWith("dc:"))
                .selectKey((k, v) -> "source:" + k.substring(3))
                .repartition(Repartitioned.<String, byte[]>as("fleet-dc").withKeySerde(Serdes.String())
                        .withValueSerde(Serdes.ByteArray()));
        KStream<String, byte[]> chain = events.filter((k, v) -> k != null && k.startsWith("source:")).merge(dcFacts)
                .process(() -> new ChainLayer(chainWindow, chainWindow / 1_000_000 + SLACK_MILLIS), CHAIN_STORE);
        // Failed authentications are keyed by challenge or account on the sensors: re-keyed by source and
        // by account for the behaviour windows.
        KStream<String, byte[]> auth = events.flatMap((k, v) -> AuthLayer.keys(v))
                .repartition(Repartitioned.<String, byte[]>as("fleet-auth").withKeySerde(Serdes.String())
                        .withValueSerde(Serdes.ByteArray()))
                .process(() -> new AuthLayer(engine.behaviour(), catalog.byName("fleet_password_spray"),
                        catalog.byName("fleet_account_failed")), AuthLayer.STORE);
        relay.merge(chain).merge(auth).peek((k, v) -> counters.alert(v))
                .to(alertsTopic, Produced.with(Serdes.String(), Serdes.ByteArray()));
        return b.build();
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams streams() {
        return streams;
    }

    Counters counters() {
        return counters;
    }

    /**
     * Stops this instance and leaves the group, so that the others take its partitions at once
     * (an instance that dies instead is replaced after the consumer's session timeout).
     */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }

    static JsonNode parse(byte[] v) {
        try {
            return FleetAlert.JSON.readTree(v);
        } catch (IOException e) {
            return null; // not an event of this schema: skipped
        }
    }

    static byte[] bytes(JsonNode n) {
        try {
            return FleetAlert.JSON.writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Shared by the layers: the store, and the sweep (every 10 s of stream time) of entries past their retention. */
    abstract static class Layer implements Processor<String, byte[], String, byte[]> {
        private final String storeName;
        private final long retentionMillis;
        ProcessorContext<String, byte[]> context;
        KeyValueStore<String, byte[]> store;

        Layer(String storeName, long retentionMillis) {
            this.storeName = storeName;
            this.retentionMillis = retentionMillis;
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.store = context.getStateStore(storeName);
            context.schedule(Duration.ofSeconds(10), PunctuationType.STREAM_TIME, now -> {
                List<String> old = new ArrayList<>();
                try (KeyValueIterator<String, byte[]> it = store.all()) {
                    while (it.hasNext()) {
                        KeyValue<String, byte[]> kv = it.next();
                        JsonNode n = parse(kv.value);
                        // A kept entry (a learned DC) is a fact about the network, not a window.
                        if (n == null || n.path("seen_ms").asLong() < now - retentionMillis && !n.path("keep").asBoolean()) {
                            old.add(kv.key);
                        }
                    }
                }
                old.forEach(store::delete);
            });
        }

        ObjectNode state(String key) {
            byte[] v = store.get(key);
            JsonNode n = v == null ? null : parse(v);
            return n instanceof ObjectNode o ? o : FleetAlert.JSON.createObjectNode();
        }

        void save(String key, ObjectNode st, long recordMillis) {
            st.put("seen_ms", Math.max(st.path("seen_ms").asLong(), recordMillis));
            store.put(key, bytes(st));
        }

        void alert(Record<String, byte[]> cause, String key, byte[] alert) {
            context.forward(cause.withKey(key).withValue(alert));
        }
    }

    /** One challenge on two connections seen by different sensors: the two legs of a relay. */
    static final class RelayLayer extends Layer {
        private final long windowNanos;

        RelayLayer(long windowNanos, long retentionMillis) {
            super(RELAY_STORE, retentionMillis);
            this.windowNanos = windowNanos;
        }

        @Override
        public void process(Record<String, byte[]> r) {
            JsonNode e = parse(r.value());
            if (e == null || e.path("v").asInt() != 1) {
                return;
            }
            String type = e.path("type").asText();
            if (!type.equals("ntlm_challenge") && !type.equals("ntlm_auth")) {
                return;
            }
            ObjectNode st = state(r.key());
            if (st.path("alerted").asBoolean()) {
                save(r.key(), st, r.timestamp());
                return;
            }
            ArrayNode legs = st.has("legs") ? (ArrayNode) st.get("legs") : st.putArray("legs");
            String cid = e.path("community_id").asText();
            ObjectNode leg = null;
            for (JsonNode l : legs) {
                if (l.path("community_id").asText().equals(cid)) {
                    leg = (ObjectNode) l;
                }
            }
            if (leg == null) {
                leg = legs.addObject();
                leg.put("community_id", cid);
                leg.put("client", e.path("src_ip").asText());
                leg.put("server", e.path("dest_ip").asText());
                leg.put("ts_ns", e.path("ts_ns").asLong());
                leg.putArray("sensors");
            }
            addUnique((ArrayNode) leg.get("sensors"), e.path("sensor").asText());
            if (type.equals("ntlm_auth") && !e.path("account").asText().isEmpty()) {
                leg.put("account", e.path("account").asText());
            }
            byte[] alert = check(r.key(), legs);
            if (alert != null) {
                st.put("alerted", true);
                alert(r, r.key(), alert);
            }
            save(r.key(), st, r.timestamp());
        }

        private byte[] check(String key, ArrayNode legs) {
            if (legs.size() < 2) {
                return null;
            }
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            Set<String> sensors = new LinkedHashSet<>();
            for (JsonNode l : legs) {
                min = Math.min(min, l.path("ts_ns").asLong());
                max = Math.max(max, l.path("ts_ns").asLong());
                l.path("sensors").forEach(s -> sensors.add(s.asText()));
            }
            // One sensor with every leg raised the relay itself; legs far apart are not one relay.
            boolean onOne = false;
            for (String s : sensors) {
                boolean all = true;
                for (JsonNode l : legs) {
                    all &= contains(l.path("sensors"), s);
                }
                onOne |= all;
            }
            if (onOne || sensors.size() < 2 || max - min > windowNanos) {
                return null;
            }
            // The relay host is the server of the victim's leg and the client of the target's leg.
            String relay = null;
            String target = null;
            String victim = null;
            for (JsonNode a : legs) {
                for (JsonNode b : legs) {
                    if (a != b && a.path("server").asText().equals(b.path("client").asText())) {
                        relay = a.path("server").asText();
                        victim = a.path("client").asText();
                        target = b.path("server").asText();
                    }
                }
            }
            if (relay == null) {
                relay = legs.get(0).path("server").asText();
            }
            List<String> ind = new ArrayList<>();
            for (JsonNode l : legs) {
                ind.add("NTLM challenge " + key.substring("challenge:".length()) + " on " + l.path("client").asText()
                        + " -> " + l.path("server").asText() + (l.has("account") ? " (" + l.path("account").asText() + ")" : "")
                        + ", seen by " + join(l.path("sensors")));
            }
            if (victim != null) {
                ind.add("relay host " + relay + " passed " + target + "'s challenge to " + victim);
            }
            return FleetAlert.of("relay", AttackType.NTLM_RELAY, max, relay, target, sensors, ind, key);
        }
    }

    /** A source's discovery on one sensor, then its credential access on another. */
    static final class ChainLayer extends Layer {
        private final long windowNanos;

        ChainLayer(long windowNanos, long retentionMillis) {
            super(CHAIN_STORE, retentionMillis);
            this.windowNanos = windowNanos;
        }

        @Override
        public void process(Record<String, byte[]> r) {
            JsonNode e = parse(r.value());
            if (e == null || e.path("v").asInt() != 1) {
                return;
            }
            if (e.path("type").asText().equals("dc_fact")) {
                // Shared DC learning: a host one sensor saw answer as a DC is a DC for every sensor's alerts.
                String dc = "dc:" + e.path("dc_ip").asText();
                ObjectNode d = state(dc);
                d.put("keep", true);
                addUnique(d.has("facts") ? (ArrayNode) d.get("facts") : d.putArray("facts"), e.path("fact").asText());
                addUnique(d.has("sensors") ? (ArrayNode) d.get("sensors") : d.putArray("sensors"), e.path("sensor").asText());
                save(dc, d, r.timestamp());
                return;
            }
            if (!e.path("type").asText().equals("chain_step")) {
                return;
            }
            AttackType type = AttackType.byId(e.path("attack_type").asText());
            if (type == null) {
                return;
            }
            String src = r.key().substring("source:".length());
            if (type == AttackType.DCSYNC && store.get("dc:" + src) != null) {
                // Replication between DCs is what DRSGetNCChanges is for (MS-DRSR 4.1.10): a sensor that had
                // not learned this DC itself raised it, the fleet knows better and does not chain it.
                return;
            }
            ObjectNode st = state(r.key());
            ArrayNode seen = st.has("alerts") ? (ArrayNode) st.get("alerts") : st.putArray("alerts");
            ArrayNode alerted = st.has("alerted") ? (ArrayNode) st.get("alerted") : st.putArray("alerted");
            String sensor = e.path("sensor").asText();
            String id = sensor + "/" + e.path("instance_id").asLong();
            ObjectNode entry = null;
            for (JsonNode s : seen) {
                if (s.path("id").asText().equals(id)) {
                    entry = (ObjectNode) s;
                }
            }
            if (entry == null) {
                entry = seen.addObject();
                entry.put("id", id);
                entry.put("sensor", sensor);
                entry.put("attack_type", type.id());
                entry.put("ts_ns", e.path("ts_ns").asLong());
                if (seen.size() > 64) {
                    seen.remove(0); // bounded per source: the oldest goes
                }
            }
            entry.set("steps", e.path("steps"));
            if (e.has("target_ip")) {
                entry.put("target_ip", e.path("target_ip").asText());
            }
            for (JsonNode later : seen) {
                AttackType lt = AttackType.byId(later.path("attack_type").asText());
                if (lt == null || !lt.category().equals("Credential Access") || contains(alerted, lt.id())) {
                    continue;
                }
                for (JsonNode earlier : seen) {
                    AttackType et = AttackType.byId(earlier.path("attack_type").asText());
                    long dt = later.path("ts_ns").asLong() - earlier.path("ts_ns").asLong();
                    if (et != null && et.category().equals("Discovery") && dt >= 0 && dt <= windowNanos
                            && !earlier.path("sensor").asText().equals(later.path("sensor").asText())) {
                        addUnique(alerted, lt.id());
                        List<String> ind = new ArrayList<>();
                        for (JsonNode x : List.of(earlier, later)) {
                            for (JsonNode step : x.path("steps")) {
                                ind.add(step.path("step").asText() + " (" + x.path("attack_type").asText() + ", seen by "
                                        + x.path("sensor").asText() + ")");
                            }
                        }
                        alert(r, r.key(), FleetAlert.of("chain", lt, later.path("ts_ns").asLong(), src,
                                later.path("target_ip").asText(null), List.of(earlier.path("sensor").asText(),
                                        later.path("sensor").asText()), ind, r.key()));
                        break;
                    }
                }
            }
            save(r.key(), st, r.timestamp());
        }
    }

    static boolean contains(JsonNode array, String s) {
        for (JsonNode x : array) {
            if (x.asText().equals(s)) {
                return true;
            }
        }
        return false;
    }

    static void addUnique(ArrayNode array, String s) {
        if (!contains(array, s)) {
            array.add(s);
        }
    }

    static String join(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return String.join(", ", out);
    }
}
