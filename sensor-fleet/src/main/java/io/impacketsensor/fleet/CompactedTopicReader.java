package io.impacketsensor.fleet;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reads a compacted fleet topic (the shared blocklist, the DC facts) from its beginning on a thread
 * of its own, without a consumer group: every sensor needs the whole topic, a restart rebuilds its
 * state from it, and compaction keeps that read to one record per key. Waits for the topic's metadata
 * while the broker is away (a sensor may start before Kafka), and reports how far behind it is.
 */
final class CompactedTopicReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CompactedTopicReader.class);

    private final String topic;
    private final String what;
    private final Consumer<ConsumerRecord<String, byte[]>> apply;
    private final Supplier<String> caughtUpLine;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread reader;
    private volatile boolean stopping;
    private boolean started;
    private volatile boolean caughtUp;
    private volatile long lag = -1;

    /**
     * @param clientId     the consumer's client id
     * @param topic        the compacted topic
     * @param what         what is read, for the log ("fleet blocklist")
     * @param apply        applies one record (on the reader thread)
     * @param caughtUpLine the log line once the topic was read to its end at start
     */
    CompactedTopicReader(KafkaSettings settings, String clientId, String topic, String what,
            Consumer<ConsumerRecord<String, byte[]>> apply, Supplier<String> caughtUpLine) {
        this.topic = topic;
        this.what = what;
        this.apply = apply;
        this.caughtUpLine = caughtUpLine;
        this.consumer = new KafkaConsumer<>(consumerProperties(settings, clientId), new StringDeserializer(),
                new ByteArrayDeserializer());
        this.reader = new Thread(this::run, "kafka-" + what.replace(' ', '-'));
        reader.setDaemon(true);
    }

    /** Consumer settings: the client's TLS/SASL settings that a consumer knows, no group (the whole topic is read). */
    static Properties consumerProperties(KafkaSettings settings, String clientId) {
        Properties p = new Properties();
        for (Map.Entry<String, String> e : settings.client().entrySet()) {
            if (ConsumerConfig.configNames().contains(e.getKey())) {
                p.put(e.getKey(), e.getValue());
            }
        }
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", settings.bootstrapServers()));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Records are produced idempotently, not in transactions; read_committed costs nothing here.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }

    /** The sensor that published a record (its {@code impacket.sensor} header), or "?". */
    static String publisher(ConsumerRecord<String, byte[]> r) {
        Header h = r.headers().lastHeader("impacket.sensor");
        return h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
    }

    void start() {
        started = true;
        reader.start();
    }

    /** Waits until the topic was read to its end once, or {@code timeout} passed. */
    boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!caughtUp && reader.isAlive() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        return caughtUp;
    }

    /** True once everything the topic held at start was applied. */
    boolean caughtUp() {
        return caughtUp;
    }

    /** Records of the topic not read yet (-1 before the first poll). */
    long lag() {
        return lag;
    }

    private void run() {
        try {
            List<TopicPartition> parts = partitions();
            if (parts.isEmpty()) {
                return;
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (!stopping) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    apply.accept(r);
                }
                long behind = 0;
                for (TopicPartition tp : parts) {
                    // Until caught up: against the end at start (what a rebuild must read). Then the
                    // lag the fetches report, which asks the broker nothing more.
                    behind += caughtUp ? consumer.currentLag(tp).orElse(0)
                            : Math.max(0, end.get(tp) - consumer.position(tp));
                }
                lag = behind;
                if (!caughtUp && behind == 0) {
                    caughtUp = true;
                    LOG.info("kafka: {}", caughtUpLine.get());
                }
            }
        } catch (WakeupException e) {
            // close()
        } catch (RuntimeException e) {
            LOG.warn("kafka: the {} reader stopped: {}", what, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** The topic's partitions, waiting for its metadata while the broker is away. */
    private List<TopicPartition> partitions() {
        while (!stopping) {
            List<PartitionInfo> info;
            try {
                info = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                continue; // the broker is away: a sensor started before it keeps asking
            }
            if (info != null && !info.isEmpty()) {
                List<TopicPartition> out = new ArrayList<>();
                for (PartitionInfo p : info) {
                    out.add(new TopicPartition(p.topic(), p.partition()));
                }
                return out;
            }
        }
        return List.of();
    }

    @Override
    public void close() {
        stopping = true;
        if (!started) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
