package io.impacketsensor.fleet;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * A real KRaft broker in the test JVM (Kafka's own KafkaClusterTestKit: one combined
 * controller+broker node on loopback, data in a temporary directory deleted on close). One per
 * test class: it starts in a few seconds. The sensor-cli tests use it through this module's test-jar.
 */
public final class TestBroker implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    public TestBroker() throws Exception {
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                // A single broker: internal topics (offsets, transactions) with one replica.
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
    }

    /** Stops the broker (the controller stays); its port stays reserved for {@link #startBroker}. */
    public void stopBroker() {
        kafka.server.BrokerServer b = cluster.brokers().values().iterator().next();
        b.shutdown();
        b.awaitShutdown();
    }

    /** Starts the stopped broker again on the same port. */
    public void startBroker() throws Exception {
        cluster.brokers().values().iterator().next().startup();
        cluster.waitForReadyBrokers();
    }

    public String bootstrap() {
        return cluster.bootstrapServers();
    }

    public void createTopics(int partitions, String... names) throws Exception {
        try (Admin admin = cluster.admin()) {
            List<NewTopic> topics = new ArrayList<>();
            for (String n : names) {
                topics.add(new NewTopic(n, partitions, (short) 1));
            }
            admin.createTopics(topics).all().get();
        }
    }

    /** Every record of a topic from its start, until {@code expected} arrived or {@code timeout} passed. */
    public List<ConsumerRecord<String, byte[]>> read(String topic, int expected, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long end = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < end) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // A little longer: a record more than expected is a duplicate the test must see.
            c.poll(Duration.ofMillis(300)).forEach(out::add);
        }
        return out;
    }

    public static KafkaSettings settings(String bootstrap, Map<String, Object> overrides) {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode n = m.createObjectNode();
        n.putArray("bootstrap_servers").add(bootstrap);
        overrides.forEach((k, v) -> n.set(k, m.valueToTree(v)));
        return KafkaSettings.parse(n);
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
