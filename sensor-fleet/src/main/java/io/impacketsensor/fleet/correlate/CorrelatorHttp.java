package io.impacketsensor.fleet.correlate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;

/**
 * The correlator's {@code GET /health} (JSON; 200 while the application runs, 503 otherwise) and
 * {@code GET /metrics} (Prometheus text format 0.0.4): its state, its consumer lag on the events
 * topic and its own repartition topics (from Kafka Streams' consumer metrics, {@code records-lag}
 * per partition), the records it read and the fleet alerts it raised per layer. Read-only and
 * without secrets, so unauthenticated; bind it to a management address.
 */
final class CorrelatorHttp implements AutoCloseable {
    private final HttpServer server;
    private final KafkaStreams streams;
    private final Correlator.Counters counters;

    CorrelatorHttp(InetSocketAddress at, KafkaStreams streams, Correlator.Counters counters) throws IOException {
        this.streams = streams;
        this.counters = counters;
        this.server = HttpServer.create(at, 16);
        server.createContext("/health", this::health);
        server.createContext("/metrics", this::metrics);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "correlate-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    /** Records not read yet per main-consumer partition ("topic/partition" → lag); unknown lags are left out. */
    Map<String, Long> lag() {
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            MetricName n = e.getKey();
            String client = n.tags().getOrDefault("client-id", "");
            // The restore consumer reads changelogs only while restoring: its lag is not work waiting.
            if (!n.group().equals("consumer-fetch-manager-metrics") || !n.name().equals("records-lag")
                    || !n.tags().containsKey("partition") || client.contains("restore-consumer")) {
                continue;
            }
            Object v = e.getValue().metricValue();
            if (v instanceof Number num && !Double.isNaN(num.doubleValue())) {
                out.merge(n.tags().get("topic") + "/" + n.tags().get("partition"), (long) num.doubleValue(), Math::max);
            }
        }
        return out;
    }

    private boolean up() {
        KafkaStreams.State s = streams.state();
        return s == KafkaStreams.State.RUNNING || s == KafkaStreams.State.REBALANCING;
    }

    private void health(HttpExchange x) throws IOException {
        if (!get(x)) {
            return;
        }
        Map<String, Long> lag = lag();
        ObjectNode n = FleetAlert.JSON.createObjectNode();
        n.put("state", streams.state().name());
        n.put("healthy", up());
        n.put("lag", lag.values().stream().mapToLong(Long::longValue).sum());
        ObjectNode per = n.putObject("lag_per_partition");
        lag.forEach(per::put);
        n.put("records", counters.records());
        ObjectNode alerts = n.putObject("fleet_alerts");
        counters.alerts().forEach(alerts::put);
        send(x, up() ? 200 : 503, "application/json", FleetAlert.JSON.writeValueAsBytes(n));
    }

    private void metrics(HttpExchange x) throws IOException {
        if (!get(x)) {
            return;
        }
        StringBuilder b = new StringBuilder();
        b.append("# HELP impacket_correlator_up 1 while the Kafka Streams application runs (RUNNING or REBALANCING).\n");
        b.append("# TYPE impacket_correlator_up gauge\n");
        b.append("impacket_correlator_up ").append(up() ? 1 : 0).append('\n');
        b.append("# HELP impacket_correlator_consumer_lag_records Records of a partition the correlator has not read yet "
                + "(events topic and its own repartition topics).\n");
        b.append("# TYPE impacket_correlator_consumer_lag_records gauge\n");
        for (Map.Entry<String, Long> e : lag().entrySet()) {
            int slash = e.getKey().lastIndexOf('/');
            b.append("impacket_correlator_consumer_lag_records{topic=\"").append(label(e.getKey().substring(0, slash)))
                    .append("\",partition=\"").append(e.getKey().substring(slash + 1)).append("\"} ").append(e.getValue())
                    .append('\n');
        }
        b.append("# HELP impacket_correlator_events_total Detection events the fleet layers read.\n");
        b.append("# TYPE impacket_correlator_events_total counter\n");
        b.append("impacket_correlator_events_total ").append(counters.records()).append('\n');
        b.append("# HELP impacket_correlator_fleet_alerts_total Fleet alerts raised, per layer.\n");
        b.append("# TYPE impacket_correlator_fleet_alerts_total counter\n");
        for (Map.Entry<String, Long> e : counters.alerts().entrySet()) {
            b.append("impacket_correlator_fleet_alerts_total{layer=\"").append(e.getKey()).append("\"} ").append(e.getValue())
                    .append('\n');
        }
        send(x, 200, "text/plain; version=0.0.4; charset=utf-8", b.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String label(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static boolean get(HttpExchange x) throws IOException {
        if (!x.getRequestMethod().equals("GET") && !x.getRequestMethod().equals("HEAD")) {
            x.getResponseHeaders().add("Allow", "GET, HEAD");
            send(x, 405, "text/plain; charset=utf-8", "only GET\n".getBytes(StandardCharsets.UTF_8));
            return false;
        }
        return true;
    }

    private static void send(HttpExchange x, int code, String type, byte[] body) throws IOException {
        x.getResponseHeaders().add("Content-Type", type);
        boolean head = x.getRequestMethod().equals("HEAD");
        x.sendResponseHeaders(code, head ? -1 : body.length);
        try (OutputStream o = x.getResponseBody()) {
            if (!head) {
                o.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
