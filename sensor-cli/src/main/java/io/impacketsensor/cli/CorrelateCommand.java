package io.impacketsensor.cli;

import io.impacketsensor.fleet.CorrelatorJar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code impacket-sensor correlate}: the fleet correlator (docs/user/fleet.md). Its Kafka Streams
 * and RocksDB live in their own jar, which this command finds and runs in this JVM.
 */
@Command(name = "correlate", mixinStandardHelpOptions = true,
        description = {"Runs the fleet correlator: a Kafka Streams application that reads the detection events "
                + "every sensor publishes (kafka.topics.events) and writes the alerts only the fleet sees "
                + "(a relay whose legs two sensors saw, discovery on one sensor then credential access on another, "
                + "a password spray spread over several DC links) to the fleet alerts topic, in the EVE alert form "
                + "with impacket.sensors naming where each step was seen.",
            "",
            "It reads kafka.bootstrap_servers, kafka.client (TLS, SASL), kafka.topics.events and the engine: "
                + "windows from the sensors' own configuration file. Start any number of instances with the same "
                + "--application-id: they share the events' partitions; state is in RocksDB under --state-dir with "
                + "changelog topics, processing is exactly-once. It runs until SIGTERM or SIGINT.",
            "",
            "The correlator is its own jar, " + CorrelatorJar.FILE + " (Kafka Streams and RocksDB add about 75 MB "
                + "the sensor does not need). It is looked for in this order: --correlator-jar, the environment "
                + "variable " + CorrelatorJar.ENV + ", next to the sensor's jar (/usr/share/impacket-sensor for the "
                + "Debian package, lib/ of the tarball), /usr/share/impacket-sensor. Without it the command "
                + "stops with one line saying how to get it (exit 2)."},
        footer = {"", "Examples:",
            "  impacket-sensor correlate --config /etc/impacket-sensor/impacket-sensor.yaml",
            "  impacket-sensor correlate --config fleet.yaml --application-id fleet-eu \\",
            "       --state-dir /var/lib/impacket-sensor/correlate --alerts-topic impacket-fleet-alerts",
            "",
            "Exit codes: 0 stopped by a signal, 1 Kafka Streams failed, 2 bad usage, bad configuration or "
                + "no correlator jar."})
final class CorrelateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", required = true,
            description = "the sensors' YAML configuration file (kafka: and engine:), e.g. /etc/impacket-sensor/impacket-sensor.yaml")
    Path config;

    @Option(names = "--application-id", paramLabel = "ID", defaultValue = "impacket-sensor-correlate",
            description = "Kafka Streams application id: instances with the same id share the work, and it prefixes "
                    + "the changelog topics (default: ${DEFAULT-VALUE})")
    String applicationId;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/impacket-sensor/correlate",
            description = "RocksDB state of this instance (default: ${DEFAULT-VALUE})")
    Path stateDir;

    @Option(names = "--alerts-topic", paramLabel = "TOPIC", defaultValue = "impacket-fleet-alerts",
            description = "where fleet alerts go (default: ${DEFAULT-VALUE})")
    String alertsTopic;

    @Option(names = "--http", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9471",
            description = "GET /health (state, consumer lag) and GET /metrics (Prometheus: impacket_correlator_*) of this "
                    + "instance; '' = off (default: ${DEFAULT-VALUE})")
    String http;

    @Option(names = "--correlator-jar", paramLabel = "FILE",
            description = "the correlator's jar (" + CorrelatorJar.FILE + "); default: "
                    + CorrelatorJar.ENV + ", else next to the sensor's jar, else /usr/share/impacket-sensor")
    Path correlatorJar;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Path jar;
        try {
            jar = CorrelatorJar.locate(correlatorJar, System.getenv(CorrelatorJar.ENV), CorrelatorJar.directoryOf(Main.class),
                    CorrelatorJar.PACKAGE_DIR);
        } catch (IllegalArgumentException e) {
            err.println("correlate: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        List<String> args = new ArrayList<>(List.of("--config", config.toString(), "--application-id", applicationId,
                "--state-dir", stateDir.toString(), "--alerts-topic", alertsTopic, "--http", http));
        try (PrintStream ps = new PrintStream(new LineWriter(err), true, StandardCharsets.UTF_8)) {
            return CorrelatorJar.run(jar, args, ps, null);
        } catch (IllegalArgumentException e) {
            err.println("correlate: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
    }

    /** The correlator writes to a PrintStream; the command's stderr is picocli's PrintWriter. */
    private static final class LineWriter extends OutputStream {
        private final PrintWriter to;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineWriter(PrintWriter to) {
            this.to = to;
        }

        @Override
        public void write(int b) {
            line.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            line.write(b, off, len);
        }

        @Override
        public void flush() {
            to.print(line.toString(StandardCharsets.UTF_8));
            line.reset();
            to.flush();
        }
    }
}
