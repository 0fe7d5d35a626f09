package io.impacketsensor.fleet.correlate;

import io.impacketsensor.detection.config.EngineConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Properties;

/**
 * A correlator instance in a JVM of its own, for {@link CorrelatorKillTest} to kill with SIGKILL:
 * arguments BOOTSTRAP APPLICATION_ID STATE_DIR EVENTS_TOPIC ALERTS_TOPIC. It prints {@code RUNNING}
 * once its Kafka Streams runs and then runs until killed. Its consumer's session timeout is the
 * broker's minimum (6 s) instead of 45 s, so the group notices the dead member in seconds; nothing
 * else differs from {@code impacket-sensor-correlate}.
 */
public final class KilledInstance {
    private KilledInstance() {
    }

    public static void main(String[] args) throws InterruptedException {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, args[1]);
        p.put(StreamsConfig.STATE_DIR_CONFIG, args[2]);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "6000");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "1000");
        Correlator c = new Correlator(p, args[3], args[4], EngineConfig.defaults());
        c.streams().setStateListener((now, before) -> {
            if (now == org.apache.kafka.streams.KafkaStreams.State.RUNNING) {
                System.out.println("RUNNING");
                System.out.flush();
            }
        });
        c.start();
        Thread.sleep(Long.MAX_VALUE);
    }
}
