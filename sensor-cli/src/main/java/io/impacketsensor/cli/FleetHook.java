package io.impacketsensor.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.fleet.FleetPublisher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where {@code replay} and {@code live} meet the Kafka output ({@code kafka:} in the config): opens
 * the {@link FleetPublisher} when bootstrap servers are configured, and hands it the stats records.
 * Without them nothing of the Kafka client is loaded.
 */
final class FleetHook {
    private FleetHook() {
    }

    /** The publisher of a configuration, or null when {@code kafka.bootstrap_servers} is empty. */
    static FleetPublisher open(SensorConfig cfg) throws UsageException {
        if (!cfg.kafka().enabled()) {
            return null;
        }
        Path stateDir = Path.of(cfg.stateDir());
        Path spill = cfg.kafka().spillFile().isEmpty() ? stateDir.resolve("kafka-spill.json") : Path.of(cfg.kafka().spillFile());
        Path dir = spill.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new UsageException("kafka.spill_file: cannot write " + spill + ": the directory "
                    + (dir == null || !Files.isDirectory(dir) ? "does not exist" : "is not writable")
                    + (cfg.kafka().spillFile().isEmpty() ? " (state.dir; --state-dir or kafka.spill_file)" : ""));
        }
        try {
            return FleetPublisher.open(cfg.kafka(), stateDir);
        } catch (RuntimeException e) {
            // KafkaException: a client setting the client refuses (kafka.client), a bad truststore ...
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new UsageException("kafka: cannot start the producer: " + e.getMessage()
                    + (root != e ? " (" + root.getMessage() + ")" : ""));
        }
    }

    /** One stats record to the stats topic (the JSON object the EVE file gets, without the newline). */
    static void stats(FleetPublisher fleet, StatsRecord stats) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(2048);
        try (JsonGenerator g = new JsonFactory().createGenerator(b, JsonEncoding.UTF8)) {
            stats.write(g);
        }
        fleet.stats(b.toByteArray());
    }
}
