package io.impacketsensor.fleet.correlate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.Cuts;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.fleet.FleetPublisher;
import io.impacketsensor.fleet.SensorReplay;
import io.impacketsensor.fleet.TestBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once across a hard kill: one of two correlator instances runs in a JVM of its own
 * ({@link KilledInstance}) and is killed with SIGKILL ({@link Process#destroyForcibly}) while fleet
 * events stream in, with its transaction open and its state not flushed; the other takes its
 * partitions, restores their state from the changelogs and the broker aborts the dead instance's open
 * transaction. Every fleet alert is then on the alerts topic once: none lost, none twice.
 *
 * <p>The stream: the first legs of a relay and of a DCSync chain from real lab captures split by link
 * (sensor a) before the kill, their second legs (sensor b) after it; and, across the kill, a steady
 * stream of synthetic relay legs (two {@code ntlm_challenge} events with one challenge, schema v1,
 * as the correlator benchmark makes them) so that the killed instance is busy when it dies.
 */
class CorrelatorKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAIRS = 3_000;

    @Test
    void anInstanceKilledMidStreamLosesNoFleetAlertAndRepeatsNone(@TempDir Path dir) throws Exception {
        try (TestBroker broker = new TestBroker()) {
            broker.createTopics(3, "k-events", "k-alerts");
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    KilledInstance.class.getName(), broker.bootstrap(), "k", dir.resolve("state-killed").toString(),
                    "k-events", "k-alerts").redirectErrorStream(true);
            Process killed = pb.start();
            Correlator survivor = null;
            try {
                awaitLine(killed, "RUNNING");
                survivor = correlator(broker, dir.resolve("state-survivor"));
                // Both instances own part of the events topic (sub-topology 0 reads it).
                Correlator s = survivor;
                await(() -> s.streams().state() == KafkaStreams.State.RUNNING && sourceTasks(s) > 0 && sourceTasks(s) < 3,
                        "the two instances to share the events topic's partitions");

                List<Replay.Frame> relay = Replay.frames(Captures.lab("atk_ntlmrelayx_smb.pcap"));
                Predicate<Replay.Frame> victimLink = CorrelatorTest.touches("10.99.0.3");
                List<Replay.Frame> dump = Replay.frames(Captures.lab("atk_secretsdump_dcsync.pcap"));
                sensor(broker, "sensor-a", relay.stream().filter(victimLink).toList(), dir);
                sensor(broker, "sensor-a", dump.stream().filter(CorrelatorTest.tcpPort(445)).toList(), dir);

                Thread producer = new Thread(() -> produce(broker), "synthetic-legs");
                producer.start();
                await(() -> committedAlerts(broker) >= PAIRS / 6, "fleet alerts to flow before the kill");
                killed.destroyForcibly(); // SIGKILL: no close, no commit, no leaving the group
                long killedAt = System.nanoTime();
                assertTrue(killed.waitFor(10, TimeUnit.SECONDS));
                int atKill = committedAlerts(broker);
                assertTrue(producer.isAlive() && atKill < PAIRS, "killed mid-stream (" + atKill + " alerts committed)");
                await(() -> sourceTasks(s) == 3, "the survivor to take every partition of the events topic");
                System.out.printf(Locale.ROOT, "kill: %d of %d synthetic relay alerts committed at the kill; "
                        + "the survivor held every partition %.1f s after it%n", atKill, PAIRS,
                        (System.nanoTime() - killedAt) / 1e9);
                producer.join(120_000);

                sensor(broker, "sensor-b", relay.stream().filter(victimLink.negate()).toList(), dir);
                sensor(broker, "sensor-b", dump.stream().filter(CorrelatorTest.tcpPort(445).negate()).toList(), dir);

                List<ConsumerRecord<String, byte[]>> got = broker.read("k-alerts", PAIRS + 2, Duration.ofSeconds(120));
                Map<String, Integer> byKey = new HashMap<>();
                List<String> real = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> r : got) {
                    JsonNode n = JSON.readTree(r.value());
                    byKey.merge(n.path("impacket").path("fleet").asText() + " " + n.path("impacket").path("fleet_key").asText(),
                            1, Integer::sum);
                    if (n.path("src_ip").asText().startsWith("10.99.")) {
                        real.add(n.path("impacket").path("fleet").asText() + " " + n.path("impacket").path("attack_type").asText()
                                + " " + n.path("impacket").path("sensors"));
                    }
                }
                real.sort(null);
                assertEquals(List.of("chain dcsync [\"sensor-a\",\"sensor-b\"]", "relay ntlm_relay [\"sensor-a\",\"sensor-b\"]"),
                        real, "the first legs, published before the kill, are not lost");
                byKey.forEach((k, v) -> assertEquals(1, v, k + " raised " + v + " times"));
                assertEquals(PAIRS + 2, got.size(), "every fleet alert once");
            } finally {
                killed.destroyForcibly();
                if (survivor != null) {
                    survivor.close();
                }
            }
        }
    }

    private static Correlator correlator(TestBroker broker, Path state) {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "k");
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        Correlator c = new Correlator(p, "k-events", "k-alerts", EngineConfig.defaults());
        c.start();
        return c;
    }

    /** Active tasks of this instance that read the events topic (sub-topology 0). */
    private static int sourceTasks(Correlator c) {
        int n = 0;
        for (ThreadMetadata t : c.streams().metadataForLocalThreads()) {
            n += (int) t.activeTasks().stream().filter(m -> m.taskId().subtopology() == 0).count();
        }
        return n;
    }

    private static void sensor(TestBroker broker, String name, List<Replay.Frame> frames, Path dir) throws Exception {
        Path pcap = Cuts.write(frames, dir.resolve(name + "-" + System.nanoTime() + ".pcap"));
        var s = TestBroker.settings(broker.bootstrap(), Map.of("sensor", name,
                "topics", Map.of("events", "k-events", "alerts", "k-local", "stats", "k-stats")));
        try (FleetPublisher p = FleetPublisher.open(s, dir)) {
            new SensorReplay(p).replay(pcap);
        }
    }

    /** {@link #PAIRS} synthetic relays, both legs, 50 every 100 ms. */
    private static void produce(TestBroker broker) {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < PAIRS; i++) {
                String challenge = String.format(Locale.ROOT, "%032x", i);
                long ts = 1_700_000_000_000_000_000L + i * 1_000_000L;
                producer.send(new ProducerRecord<>("k-events", "challenge:" + challenge,
                        leg("sensor-a", challenge, "10.0.0.3", "10.0.0.2", ts)));
                producer.send(new ProducerRecord<>("k-events", "challenge:" + challenge,
                        leg("sensor-b", challenge, "10.0.0.2", "10.0.0.1", ts + 1_000)));
                if (i % 50 == 49) {
                    producer.flush();
                    Thread.sleep(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** synthetic: an ntlm_challenge event (schema v1) of one relay leg. */
    private static byte[] leg(String sensor, String challenge, String client, String server, long ts) {
        return ("{\"v\":1,\"type\":\"ntlm_challenge\",\"sensor\":\"" + sensor + "\",\"entity\":\"challenge:" + challenge
                + "\",\"ts_ns\":" + ts + ",\"src_ip\":\"" + client + "\",\"src_port\":50000,\"dest_ip\":\"" + server
                + "\",\"dest_port\":445,\"community_id\":\"1:" + sensor + challenge + "\",\"challenge\":\"" + challenge + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Fleet alerts committed so far (a read_committed consumer's count from the start). */
    private static int committedAlerts(TestBroker broker) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "count-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        int n = 0;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of("k-alerts"));
            for (int i = 0; i < 5; i++) {
                n += c.poll(Duration.ofMillis(200)).count();
            }
        }
        return n;
    }

    private static void awaitLine(Process p, String line) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String l;
        while ((l = r.readLine()) != null) {
            if (l.equals(line)) {
                // Keep the pipe drained, so the child's logging never blocks it.
                Thread drain = new Thread(() -> r.lines().forEach(x -> { }), "killed-instance-output");
                drain.setDaemon(true);
                drain.start();
                return;
            }
            if (System.nanoTime() > end) {
                break;
            }
        }
        throw new AssertionError("the killed instance did not start");
    }

    private static void await(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long end = System.nanoTime() + 120_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
