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

    /**
     * The broker stopped for 30 s mid-stream (six times kafka.delivery_timeout_seconds): a sensor
     * replaying a capture meanwhile detects as without Kafka and never waits; what the client could
     * not deliver is spilled behind what it still held, and when the broker is back every record
     * arrives once, the stream in the order it was offered.
     */
    @Test
    void aBrokerStoppedFor30sMidStreamLeavesDetectionAloneAndGetsEveryRecordInOrderWhenItIsBack(@TempDir Path dir)
            throws Exception {
        // Alerts, events and a numbered stream on one topic of one partition: one order to check.
        broker.createTopics(1, "t3-all");
        Path spill = dir.resolve("spill.json");
        KafkaSettings s = TestBroker.settings(broker.bootstrap(), Map.of("sensor", "sensor-c", "spill_file", spill.toString(),
                "delivery_timeout_seconds", 5, "queue_records", 64, "topics",
                Map.of("alerts", "t3-all", "events", "t3-all", "stats", "t3-all", "records", "t3-all")));
        FleetPublisher p = FleetPublisher.open(s, dir);
        KafkaOutput out = p.output();
        int n = 0;
        for (; n < 100; n++) {
            out.offer("t3-all", "k", ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8), "alert");
        }
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (out.sent() < 100 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(100, out.sent());
        SensorReplay sensor;
        long replayNanos;
        broker.stopBroker();
        try {
            long stop = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long worst = 0;
            sensor = null;
            replayNanos = 0;
            while (System.nanoTime() < stop) {
                long t = System.nanoTime();
                out.offer("t3-all", "k", ("{\"n\":" + n++ + "}").getBytes(StandardCharsets.UTF_8), "alert");
                worst = Math.max(worst, System.nanoTime() - t);
                if (sensor == null && n == 200) {
                    // Mid-outage: a capture replayed through the engine, its alerts and events published.
                    t = System.nanoTime();
                    sensor = new SensorReplay(p).replay(Captures.lab("atk_secretsdump_dcsync.pcap"));
                    replayNanos = System.nanoTime() - t;
                }
                Thread.sleep(50);
            }
            assertTrue(worst < Duration.ofMillis(100).toNanos(), "an offer waited " + worst / 1_000_000 + " ms");
            assertEquals(100, out.sent(), "nothing is acknowledged while the broker is away");
            assertTrue(out.spilled() > 0 && out.failed() > 0, "the client gave records up and they were spilled");
        } finally {
            broker.startBroker();
        }
        assertTrue(sensor.alerts.stream().anyMatch(a -> a.analysis().attackTypeId().equals("dcsync")),
                "the sensor detected during the outage");
        assertTrue(replayNanos < Duration.ofSeconds(10).toNanos(), "the replay did not wait: " + replayNanos / 1_000_000 + " ms");
        end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (out.sent() < out.offered() && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        p.close();
        assertEquals(out.offered(), out.sent(), "every record sent once the broker is back (" + out.resent() + " resent)");
        assertEquals(0, out.lost());
        assertTrue(out.resent() > 0);
        assertFalse(Files.exists(spill), "the resent spill file is gone");
        List<ConsumerRecord<String, byte[]>> got = broker.read("t3-all", (int) out.offered(), Duration.ofSeconds(30));
        assertEquals(out.offered(), got.size(), "each once");
        List<Integer> stream = new ArrayList<>();
        int alerts = 0;
        for (ConsumerRecord<String, byte[]> r : got) {
            JsonNode v = JSON.readTree(r.value());
            if (v.has("n")) {
                stream.add(v.path("n").asInt());
            } else if (v.path("event_type").asText().equals("alert")) {
                alerts++;
            }
        }
        for (int i = 0; i < stream.size(); i++) {
            assertEquals(i, stream.get(i), "the stream in the order it was offered: " + stream.subList(Math.max(0, i - 5),
                    Math.min(stream.size(), i + 40)) + " at " + stream.indexOf(i) + " of " + stream.size() + "; failed "
                    + out.failed() + ", spilled " + out.spilled() + ", resent " + out.resent());
        }
        assertEquals(n, stream.size());
        assertEquals(sensor.alerts.size(), alerts, "every alert of the replay");
    }

    private static int number(String json) throws Exception {
        return JSON.readTree(json).path("n").asInt();
    }
}
