package io.impacketsensor.fleet.correlate;

import com.fasterxml.jackson.databind.JsonNode;
import io.impacketsensor.detection.config.ConfigException;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.config.EngineConfigLoader;
import io.impacketsensor.fleet.KafkaSettings;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * {@code impacket-sensor-correlate}: runs the {@link Correlator} until SIGTERM/SIGINT. It reads the
 * sensors' configuration file for the brokers, the client settings (TLS, SASL), the events topic
 * and the engine's windows, so that sensors and correlators share one file.
 *
 * <pre>
 * java -jar impacket-sensor-correlate.jar --config /etc/impacket-sensor/impacket-sensor.yaml \
 *      [--application-id impacket-sensor-correlate] [--state-dir /var/lib/impacket-sensor/correlate] \
 *      [--alerts-topic impacket-fleet-alerts] [--http 127.0.0.1:9471]
 * </pre>
 *
 * Exit codes: 0 after a signal, 1 when the application failed, 2 for bad usage or configuration.
 */
public final class CorrelateMain {
    static final String USAGE = "usage: impacket-sensor-correlate --config FILE [--application-id ID] [--state-dir DIR]"
            + " [--alerts-topic TOPIC] [--http HOST:PORT]";
    /** Default listener of /health and /metrics: the sensor's API port plus one, on loopback. */
    static final String DEFAULT_HTTP = "127.0.0.1:9471";

    private CorrelateMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args, System.err));
    }

    /** The settings of a command line; throws {@link IllegalArgumentException} with a one-line message. */
    record Options(Path config, String applicationId, String stateDir, String alertsTopic, InetSocketAddress http) {
    }

    static Options options(String[] args) {
        Path config = null;
        String app = "impacket-sensor-correlate";
        String state = "/var/lib/impacket-sensor/correlate";
        String alerts = "impacket-fleet-alerts";
        String http = DEFAULT_HTTP;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + ": a value is missing (" + USAGE + ")");
            }
            String v = args[++i];
            switch (a) {
                case "--config" -> config = Path.of(v);
                case "--application-id" -> app = v;
                case "--state-dir" -> state = v;
                case "--alerts-topic" -> alerts = v;
                case "--http" -> http = v;
                default -> throw new IllegalArgumentException(a + ": unknown option (" + USAGE + ")");
            }
        }
        if (config == null) {
            throw new IllegalArgumentException("--config FILE is required: the sensors' configuration (kafka:)");
        }
        if (!app.matches("[a-zA-Z0-9._-]{1,200}")) {
            throw new IllegalArgumentException("--application-id: 1..200 of a-z A-Z 0-9 . _ -, not '" + app + "'");
        }
        if (!alerts.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new IllegalArgumentException("--alerts-topic: a topic name is 1..249 of a-z A-Z 0-9 . _ -, not '" + alerts + "'");
        }
        return new Options(config, app, state, alerts, http.isEmpty() ? null : hostPort(http));
    }

    /** HOST:PORT ([v6]:PORT), port 0..65535 (0: any free port). */
    static InetSocketAddress hostPort(String v) {
        int colon = v.lastIndexOf(':');
        String host = colon > 0 ? v.substring(0, colon) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = -1;
        try {
            port = colon > 0 ? Integer.parseInt(v.substring(colon + 1)) : -1;
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isEmpty() || port < 0 || port > 65535) {
            throw new IllegalArgumentException("--http: HOST:PORT with a port 0..65535, or '' for none, not '" + v + "'");
        }
        return new InetSocketAddress(host, port);
    }

    static int run(String[] args, PrintStream err) throws InterruptedException {
        return run(args, err, null);
    }

    /**
     * Runs the correlator until {@code stop} completes, or until the JVM shuts down when
     * {@code stop} is null. {@code impacket-sensor correlate} calls this through its own class
     * loader (only java.* types cross it).
     *
     * @return the exit code: 0 after a stop, 1 when Kafka Streams failed, 2 for bad usage or configuration
     */
    public static int run(String[] args, PrintStream err, CompletableFuture<?> stop) throws InterruptedException {
        Options o;
        KafkaSettings kafka;
        EngineConfig engine;
        try {
            o = options(args);
            JsonNode root = EngineConfigLoader.readYaml(o.config());
            kafka = KafkaSettings.parse(root == null ? null : root.get("kafka"));
            engine = EngineConfigLoader.fromRoot(root);
            if (!kafka.enabled()) {
                throw new IllegalArgumentException("config " + o.config() + ": kafka.bootstrap_servers is empty");
            }
        } catch (IllegalArgumentException | ConfigException e) {
            err.println("impacket-sensor-correlate: " + e.getMessage());
            return 2;
        }
        Properties p = new Properties();
        p.putAll(kafka.client());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.bootstrapServers()));
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, o.applicationId());
        p.put(StreamsConfig.STATE_DIR_CONFIG, o.stateDir());
        CountDownLatch stopped = new CountDownLatch(1);
        int[] exit = {0};
        Correlator c;
        try {
            c = new Correlator(p, kafka.eventsTopic(), o.alertsTopic(), engine);
        } catch (RuntimeException e) {
            err.println("impacket-sensor-correlate: cannot start: " + e.getMessage());
            return 2;
        }
        c.streams().setStateListener((now, before) -> {
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                if (now == KafkaStreams.State.ERROR) {
                    exit[0] = 1;
                }
                stopped.countDown();
            }
        });
        Thread hook = new Thread(() -> {
            c.close();
            stopped.countDown();
        }, "correlate-shutdown");
        if (stop == null) {
            Runtime.getRuntime().addShutdownHook(hook);
        } else {
            stop.whenComplete((v, t) -> stopped.countDown());
        }
        CorrelatorHttp http = null;
        if (o.http() != null) {
            try {
                http = new CorrelatorHttp(o.http(), c.streams(), c.counters());
            } catch (java.io.IOException | RuntimeException e) {
                err.println("impacket-sensor-correlate: --http " + o.http().getHostString() + ":" + o.http().getPort()
                        + ": cannot listen: " + e.getMessage());
                c.streams().close();
                return 1;
            }
        }
        c.start();
        err.println("impacket-sensor-correlate: " + o.applicationId() + " reading " + kafka.eventsTopic() + ", fleet alerts to "
                + o.alertsTopic() + (http == null ? "" : ", /health and /metrics on " + http.address().getHostString() + ":"
                + http.address().getPort()));
        stopped.await();
        if (stop != null) {
            c.close();
        }
        if (http != null) {
            http.close();
        }
        return exit[0];
    }
}
