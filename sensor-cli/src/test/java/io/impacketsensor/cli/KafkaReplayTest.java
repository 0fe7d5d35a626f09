package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.fleet.TestBroker;
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
import java.util.List;

import static io.impacketsensor.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code replay} with {@code kafka:} configured: against a real in-process broker, and against none. */
class KafkaReplayTest {
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

    private static Path config(Path dir, String bootstrap, String extra) throws Exception {
        Path f = dir.resolve("k.yaml");
        Files.writeString(f, "state:\n  dir: " + dir + "\nkafka:\n  bootstrap_servers: [\"" + bootstrap + "\"]\n"
                + "  sensor: sensor-a\n" + extra);
        return f;
    }

    private static List<String> alertLines(Path eve) throws Exception {
        return Files.readAllLines(eve).stream().filter(l -> l.contains("\"event_type\":\"alert\"")).toList();
    }

    @Test
    void kafkaGetsTheAlertsTheEveFileGetsByteForByteAndTheStatsRecord(@TempDir Path dir) throws Exception {
        broker.createTopics(2, "r-alerts", "r-stats", "r-events", "r-records");
        Path cfg = config(dir, broker.bootstrap(), "  topics: {alerts: r-alerts, stats: r-stats, events: r-events, "
                + "records: r-records}\n  protocol_records: true\n");
        Path eve = dir.resolve("eve.json");
        CliRun r = run("replay", "--config", cfg.toString(), "--eve", eve.toString(), "-P",
                Captures.lab("atk_ntlmrelayx_smb.pcap").toString());
        assertEquals(0, r.code(), r.err());
        List<String> alerts = alertLines(eve);
        assertTrue(alerts.size() >= 2, r.err());
        List<ConsumerRecord<String, byte[]>> got = broker.read("r-alerts", alerts.size(), Duration.ofSeconds(60));
        assertEquals(alerts.stream().sorted().toList(),
                got.stream().map(c -> new String(c.value(), StandardCharsets.UTF_8)).sorted().toList());
        // Protocol records (-P in the file, kafka.protocol_records on Kafka): the same records.
        List<String> records = Files.readAllLines(eve).stream()
                .filter(l -> !l.contains("\"event_type\":\"alert\"") && !l.contains("\"event_type\":\"stats\"")).toList();
        assertTrue(records.size() > 5, records.toString());
        List<ConsumerRecord<String, byte[]>> onKafka = broker.read("r-records", records.size(), Duration.ofSeconds(60));
        assertEquals(records.stream().sorted().toList(),
                onKafka.stream().map(c -> new String(c.value(), StandardCharsets.UTF_8)).sorted().toList());
        List<ConsumerRecord<String, byte[]>> stats = broker.read("r-stats", 1, Duration.ofSeconds(60));
        assertEquals(1, stats.size());
        assertEquals("sensor-a", stats.get(0).key());
        assertEquals("replay", JSON.readTree(stats.get(0).value()).path("impacket_sensor").path("mode").asText());
        assertTrue(r.err().contains(" 0 spilled"), r.err());
        assertTrue(!Files.exists(dir.resolve("kafka-spill.json")), "nothing spilled");
    }

    @Test
    void withoutABrokerReplayDetectsAsAlwaysAndSpillsEveryRecord(@TempDir Path dir) throws Exception {
        int deadPort;
        try (ServerSocket ss = new ServerSocket(0)) {
            deadPort = ss.getLocalPort();
        }
        Path eve = dir.resolve("eve.json");
        Path plainEve = dir.resolve("plain.json");
        String capture = Captures.lab("atk_ntlmrelayx_smb.pcap").toString();
        CliRun plain = run("replay", "--eve", plainEve.toString(), capture);
        CliRun r = run("replay", "--config", config(dir, "127.0.0.1:" + deadPort, "").toString(), "--eve", eve.toString(),
                capture);
        assertEquals(0, r.code(), r.err());
        assertEquals(alertLines(plainEve), alertLines(eve), "detection does not depend on Kafka");
        List<String> spilled = Files.readAllLines(dir.resolve("kafka-spill.json"));
        long spilledAlerts = spilled.stream().filter(l -> l.contains("\"topic\":\"impacket-alerts\"")).count();
        assertEquals(alertLines(eve).size(), spilledAlerts, "every alert is in the spill file");
        assertTrue(r.err().matches("(?s).*kafka +" + spilled.size() + " records: 0 sent, " + spilled.size()
                + " spilled.*, 0 lost.*"), r.err());
        JsonNode first = JSON.readTree(spilled.get(0));
        assertTrue(first.has("topic") && first.has("key") && first.has("value"), spilled.get(0));
    }

    @Test
    void badKafkaKeysAreOneLineErrorsNamingTheKey(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "kafka:\n  client:\n    acks: \"1\"\n");
        CliRun r = run("replay", "--config", f.toString(), Captures.lab("atk_ntlmrelayx_smb.pcap").toString());
        assertEquals(Main.EXIT_USAGE, r.code());
        assertTrue(r.err().startsWith("replay: config " + f + ": kafka.client.acks: set by the sensor"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        Files.writeString(f, "kafka:\n  bootstrap_servers: [\"kafka1\"]\n");
        r = run("replay", "--config", f.toString(), Captures.lab("atk_ntlmrelayx_smb.pcap").toString());
        assertEquals(Main.EXIT_USAGE, r.code());
        assertTrue(r.err().contains("kafka.bootstrap_servers: must be HOST:PORT entries, not 'kafka1'"), r.err());
        Files.writeString(f, "kafka:\n  topics:\n    alerts: \"a b\"\n");
        r = run("replay", "--config", f.toString(), Captures.lab("atk_ntlmrelayx_smb.pcap").toString());
        assertTrue(r.err().contains("kafka.topics.alerts: a topic name is"), r.err());
        Files.writeString(f, "kafka:\n  client:\n    no.such.setting: 1\n");
        r = run("replay", "--config", f.toString(), Captures.lab("atk_ntlmrelayx_smb.pcap").toString());
        assertTrue(r.err().contains("kafka.client.no.such.setting: not a Kafka producer setting"), r.err());
    }

    /** A live service with kafka: shows the Kafka output's counters in /health, /stats and /metrics. */
    @Test
    void healthStatsAndMetricsShowTheKafkaCounters(@TempDir Path dir) throws Exception {
        broker.createTopics(1, "h-alerts");
        Path cfgFile = config(dir, broker.bootstrap(), "  topics: {alerts: h-alerts}\nhttp:\n  listen: 127.0.0.1:0\n");
        SensorConfig cfg = SensorConfig.load(cfgFile);
        try (Service service = new Service(cfg)) {
            io.impacketsensor.fleet.FleetPublisher fleet = FleetHook.open(cfg);
            try {
                service.fleet(fleet);
                java.net.InetSocketAddress a = service.startHttp();
                fleet.output().offer("h-alerts", "k", "{\"n\":1}".getBytes(StandardCharsets.UTF_8), "alert");
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (fleet.output().sent() < 1 && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
                java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + a.getPort();
                JsonNode health = JSON.readTree(client.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(base + "/health")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
                assertEquals("ok", health.path("status").asText());
                assertEquals("sensor-a", health.path("kafka").path("sensor").asText());
                assertEquals(1, health.path("kafka").path("sent").asLong(), health.toString());
                assertTrue(health.path("kafka").path("healthy").asBoolean(), health.toString());
                String metrics = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(metrics.contains("impacket_sensor_kafka_records_total{outcome=\"sent\"} 1"), metrics);
                assertTrue(metrics.contains("impacket_sensor_kafka_records_total{outcome=\"spilled\"} 0"), metrics);
            } finally {
                fleet.close();
            }
        }
    }
}
