package io.impacketsensor.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.core.testkit.Captures;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sensor's Kafka output against a real in-process KRaft broker: what arrives, keyed how, and what an outage does. */
class FleetPublisherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = new TestBroker();
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void relayCaptureAlertsAndDetectionEventsArriveKeyedByFlowAndEntity(@TempDir Path dir) throws Exception {
        KafkaSettings s = TestBroker.settings(broker.bootstrap(), Map.of("sensor", "sensor-a",
                "topics", Map.of("alerts", "t1-alerts", "events", "t1-events", "stats", "t1-stats")));
        broker.createTopics(3, "t1-alerts", "t1-events", "t1-stats");
        SensorReplay sensor;
        try (FleetPublisher p = FleetPublisher.open(s, dir)) {
            sensor = new SensorReplay(p).replay(Captures.lab("atk_ntlmrelayx_smb.pcap"));
            p.stats("{\"event_type\":\"stats\"}".getBytes(StandardCharsets.UTF_8));
        }
        assertFalse(sensor.alerts.isEmpty(), "the relay capture raises alerts");
        List<ConsumerRecord<String, byte[]>> alerts = broker.read("t1-alerts", sensor.alerts.size(), Duration.ofSeconds(20));
        assertEquals(sensor.alerts.size(), alerts.size(), "each alert once");
        for (ConsumerRecord<String, byte[]> r : alerts) {
            JsonNode n = JSON.readTree(r.value());
            assertEquals("alert", n.path("event_type").asText());
            assertEquals(n.path("community_id").asText(), r.key(), "keyed by the flow's community id");
            assertEquals("sensor-a", new String(r.headers().lastHeader("impacket.sensor").value(), StandardCharsets.UTF_8));
        }
        // The relay host hands the target's challenge to the victim: the same challenge digest is
        // issued on two connections, which is what the fleet correlates across sensors.
        List<ConsumerRecord<String, byte[]>> events = broker.read("t1-events", 1, Duration.ofSeconds(20));
        Map<String, Set<String>> challengeFlows = new HashMap<>();
        List<String> types = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : events) {
            JsonNode n = JSON.readTree(r.value());
            assertEquals(FleetEvents.VERSION, n.path("v").asInt());
            assertEquals(n.path("entity").asText(), r.key(), "keyed by the entity");
            types.add(n.path("type").asText());
            if (n.path("type").asText().equals("ntlm_challenge")) {
                challengeFlows.computeIfAbsent(n.path("challenge").asText(), k -> new HashSet<>()).add(n.path("community_id").asText());
            }
        }
        assertTrue(types.contains("ntlm_auth"), types.toString());
        assertTrue(challengeFlows.values().stream().anyMatch(f -> f.size() >= 2),
                "one challenge on two connections: " + challengeFlows);
        assertEquals(1, broker.read("t1-stats", 1, Duration.ofSeconds(10)).size());
    }

    @Test
    void unreachableBrokerNeverBlocksSpillsAndTheNextStartResendsInOrder(@TempDir Path dir) throws Exception {
        int deadPort;
        try (ServerSocket ss = new ServerSocket(0)) {
            deadPort = ss.getLocalPort(); // closed again: nothing listens there
        }
        Path spill = dir.resolve("spill.json");
        KafkaSettings down = TestBroker.settings("127.0.0.1:" + deadPort, Map.of("queue_records", 16,
                "delivery_timeout_seconds", 5, "spill_file", spill.toString(), "topics", Map.of("alerts", "t2-alerts")));
        int n = 2_000;
        KafkaOutput out = new KafkaOutput(down, "sensor-b", spill);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            out.offer("t2-alerts", "k" + (i % 7), ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8), "alert");
        }
        long offerMillis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(offerMillis < 2_000, "offer never waits for the broker: " + offerMillis + " ms for " + n);
        assertTrue(out.spilled() >= n - 16 - 1, "a full queue spills: " + out.spilled());
        out.close(1_000);
        assertEquals(0, out.sent());
        assertEquals(0, out.lost());
        List<String> spilledOrder = new ArrayList<>();
        for (String line : Files.readAllLines(spill)) {
            spilledOrder.add(JSON.readTree(line).path("value").asText());
        }
        assertEquals(n, spilledOrder.size(), "every record is in the spill file");
        assertEquals(n, new HashSet<>(spilledOrder).size(), "each once");
        // The queue filled first, then the spill file: only the record the client held when it gave
        // up (max.block.ms) can be out of place.
        int ascending = 0;
        for (int i = 1; i < n; i++) {
            if (number(spilledOrder.get(i)) > number(spilledOrder.get(i - 1))) {
                ascending++;
            }
        }
        assertTrue(ascending >= n - 3, "spill order is offer order but for the record in the client: " + ascending);

        broker.createTopics(1, "t2-alerts");
        KafkaSettings up = TestBroker.settings(broker.bootstrap(), Map.of("spill_file", spill.toString()));
        KafkaOutput again = new KafkaOutput(up, "sensor-b", spill);
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (again.resent() < n && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        again.close();
        assertEquals(n, again.resent());
        assertFalse(Files.exists(spill), "the resent spill file is gone");
        List<ConsumerRecord<String, byte[]>> got = broker.read("t2-alerts", n, Duration.ofSeconds(20));
        assertEquals(n, got.size());
        // One partition: the resend keeps the spill file's order.
        for (int i = 0; i < n; i++) {
            assertEquals(spilledOrder.get(i), new String(got.get(i).value(), StandardCharsets.UTF_8));
        }
    }

    /** A broker away for a while: the producer keeps the records and delivers them, in order, when it is back. */
    @Test
    void aBrokerStoppedForAWhileGetsEveryRecordInOrderWhenItIsBack(@TempDir Path dir) throws Exception {
        broker.createTopics(1, "t3-alerts");
        Path spill = dir.resolve("spill.json");
        KafkaSettings s = TestBroker.settings(broker.bootstrap(), Map.of("spill_file", spill.toString()));
        KafkaOutput out = new KafkaOutput(s, "sensor-c", spill);
        int n = 300;
        for (int i = 0; i < 100; i++) {
            out.offer("t3-alerts", "k", ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8), "alert");
        }
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (out.sent() < 100 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(100, out.sent());
        broker.stopBroker();
        try {
            long t0 = System.nanoTime();
            for (int i = 100; i < n; i++) {
                out.offer("t3-alerts", "k", ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8), "alert");
            }
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(1).toNanos(), "offer does not wait for the broker");
            Thread.sleep(10_000);
            assertEquals(100, out.sent(), "nothing is acknowledged while the broker is away");
        } finally {
            broker.startBroker();
        }
        end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (out.sent() < n && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        out.close();
        assertEquals(n, out.sent());
        assertEquals(0, out.spilled(), "within delivery_timeout_seconds the producer keeps them itself");
        List<ConsumerRecord<String, byte[]>> got = broker.read("t3-alerts", n, Duration.ofSeconds(20));
        assertEquals(n, got.size(), "each once");
        for (int i = 0; i < n; i++) {
            assertEquals("{\"n\":" + i + "}", new String(got.get(i).value(), StandardCharsets.UTF_8));
        }
    }

    private static int number(String json) throws Exception {
        return JSON.readTree(json).path("n").asInt();
    }
}
