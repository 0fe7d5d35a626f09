package io.impacketsensor.fleet.bench;

import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.fleet.TestBroker;
import io.impacketsensor.fleet.correlate.Correlator;
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
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Correlator throughput and latency on this machine, with 1 and 2 instances (one JVM, one
 * in-process broker): synthetic relay legs (two NTLM challenge events with one challenge, from two
 * sensors, each pair a fleet alert). Events/s is events in / time to the last alert; latency is from
 * the second leg's produce time to the alert's arrival. Not part of the build:
 * {@code mvn -B -pl sensor-fleet -am verify -Dtest=CorrelatorBench -Dfleet.bench=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "fleet.bench", matches = "true")
class CorrelatorBench {
    private static final int PAIRS = Integer.getInteger("fleet.bench.pairs", 20_000);

    @Test
    void oneAndTwoInstances(@TempDir Path dir) throws Exception {
        try (TestBroker broker = new TestBroker()) {
            // 1, 2, then 1 again: the first round also warms the JVM up (JIT), the third is the fair single.
            int[] rounds = {1, 2, 1};
            for (int round = 0; round < rounds.length; round++) {
                int instances = rounds[round];
                String app = "bench" + round;
                String in = app + "-events";
                String out = app + "-alerts";
                broker.createTopics(6, in, out);
                List<Correlator> cs = new ArrayList<>();
                for (int i = 0; i < instances; i++) {
                    Properties p = new Properties();
                    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
                    p.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
                    p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve(app + "-" + i).toString());
                    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
                    Correlator c = new Correlator(p, in, out, EngineConfig.defaults());
                    c.start();
                    cs.add(c);
                }
                for (Correlator c : cs) {
                    while (c.streams().state() != org.apache.kafka.streams.KafkaStreams.State.RUNNING) {
                        Thread.sleep(50);
                    }
                }
                Thread.sleep(2_000); // the group settles (both instances assigned)
                // Throughput: a burst of PAIRS relays, time until the last alert.
                long start = System.nanoTime();
                produce(broker, in, 0, PAIRS, 0);
                long[] burst = consume(broker, out, app + "-burst", PAIRS);
                double secs = (System.nanoTime() - start) / 1e9;
                // Latency: 100 relays a second for 10 s, well under the throughput.
                int paced = 1_000;
                Thread producer = new Thread(() -> {
                    try {
                        produce(broker, in, PAIRS, paced, 10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                producer.start();
                long[] latencies = consume(broker, out, app + "-paced", PAIRS + paced);
                producer.join();
                latencies = Arrays.copyOfRange(latencies, PAIRS, PAIRS + paced);
                cs.forEach(Correlator::close);
                assertEquals(PAIRS, burst.length, "one fleet alert per relayed challenge");
                Arrays.sort(latencies);
                System.out.printf(Locale.ROOT, "correlator x%d: %,d events in %.1f s = %,.0f events/s; at 200 events/s alert latency p50 %d ms, p99 %d ms%n",
                        instances, 2 * PAIRS, secs, 2 * PAIRS / secs, latencies[paced / 2], latencies[paced * 99 / 100]);
            }
        }
    }

    /** Relays {@code from} .. {@code from + n - 1}, both legs; {@code every} ms between relays (0: a burst). */
    private static void produce(TestBroker broker, String in, int from, int n, long every) throws InterruptedException {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        pp.put(ProducerConfig.LINGER_MS_CONFIG, every == 0 ? "5" : "0");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = from; i < from + n; i++) {
                String challenge = String.format(Locale.ROOT, "%032x", i);
                long ts = 1_700_000_000_000_000_000L + i * 1_000_000L;
                producer.send(new ProducerRecord<>(in, "challenge:" + challenge,
                        leg("sensor-a", challenge, "10.0.0.3", "10.0.0.2", ts)));
                producer.send(new ProducerRecord<>(in, "challenge:" + challenge,
                        leg("sensor-b", challenge, "10.0.0.2", "10.0.0.1", ts + 1_000)));
                if (every > 0) {
                    producer.flush();
                    Thread.sleep(every);
                }
            }
        }
    }

    /** The first {@code n} alerts' latencies (arrival - the second leg's produce time), in ms. */
    private static long[] consume(TestBroker broker, String out, String group, int n) {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long[] latencies = new long[n];
        int got = 0;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(out));
            long end = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (got < n && System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(50))) {
                    // The alert carries its input record's timestamp: the second leg's produce time.
                    if (got < n) {
                        latencies[got++] = System.currentTimeMillis() - r.timestamp();
                    }
                }
            }
        }
        return Arrays.copyOf(latencies, got);
    }

    /** A synthetic ntlm_challenge event (schema v1) of one relay leg. */
    private static byte[] leg(String sensor, String challenge, String client, String server, long ts) {
        return ("{\"v\":1,\"type\":\"ntlm_challenge\",\"sensor\":\"" + sensor + "\",\"entity\":\"challenge:" + challenge
                + "\",\"ts_ns\":" + ts + ",\"src_ip\":\"" + client + "\",\"src_port\":50000,\"dest_ip\":\"" + server
                + "\",\"dest_port\":445,\"community_id\":\"1:" + sensor + challenge + "\",\"challenge\":\"" + challenge + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
