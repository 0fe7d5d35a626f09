package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.detection.state.FileBlocklistStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** synthetic: the psexec event of the engine's usage example, spec format. */
    private static final String PSEXEC = "{\"source_ip\":\"10.1.1.5\",\"dest_ip\":\"10.1.1.10\",\"protocol\":\"smb\","
            + "\"event_type\":\"service_creation\",\"share\":\"ADMIN$\",\"path\":\"\\\\PIPE\\\\PSEXESVC\","
            + "\"service_name\":\"PSEXESVC\",\"command\":\"cmd.exe\"}";

    @TempDir
    Path dir;
    private Service service;
    private String base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        SensorConfig cfg = SensorConfig.defaults().withOverrides(null, null, null, null, null, null, null, dir,
                "127.0.0.1:0", false);
        cfg = new SensorConfig(cfg.iface(), cfg.bpf(), cfg.snaplen(), cfg.bufferMb(), cfg.promisc(), cfg.capture(),
                cfg.eve(), cfg.protocolRecords(), cfg.statsInterval(), cfg.stateDir(), cfg.saveInterval(), cfg.http(),
                4096, false, "nft", cfg.engine(), cfg.guard(), cfg.kafka());
        service = new Service(cfg);
        InetSocketAddress a = service.startHttp();
        base = "http://127.0.0.1:" + a.getPort();
        token = java.nio.file.Files.readString(dir.resolve(ApiToken.FILE)).strip();
    }

    private String token;

    @AfterEach
    void stop() {
        service.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * /metrics carries the build, the client's JVM and process collectors, and answers a scraper
     * that asks for OpenMetrics (as Prometheus does first) in OpenMetrics, anyone else in the
     * classic text format; a protobuf request, which this build cannot serve, gets text.
     */
    @Test
    void metricsBuildInfoJvmProcessAndOpenMetricsNegotiation() throws Exception {
        String text = send("GET", "/metrics", null).body();
        assertTrue(text.contains("impacket_sensor_build_info{version=\"" + Main.version() + "\"} 1"), text);
        for (String family : new String[] {"# TYPE jvm_memory_used_bytes gauge", "# TYPE jvm_threads_current gauge",
            "# TYPE jvm_gc_collection_seconds summary", "# TYPE process_cpu_seconds_total counter",
            "# TYPE process_open_fds gauge", "# TYPE process_resident_memory_bytes gauge"}) {
            assertTrue(text.contains(family + "\n"), family + " in\n" + text);
        }
        HttpRequest.Builder om = HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                        + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        HttpResponse<String> o = client.send(om.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, o.statusCode());
        assertTrue(o.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text; version=1.0.0"),
                o.headers().toString());
        assertTrue(o.body().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
        assertTrue(o.body().contains("# TYPE impacket_sensor_engine_events counter\nimpacket_sensor_engine_events_total 0\n")
                || o.body().contains("# TYPE impacket_sensor_engine_events counter\n# HELP"), o.body());
        HttpResponse<String> p = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .header("Accept", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(p.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"), p.headers().toString());
    }

    @Test
    void healthStatsAndMetrics() throws Exception {
        HttpResponse<String> h = send("GET", "/health", null);
        assertEquals(200, h.statusCode());
        assertEquals("ok", JSON.readTree(h.body()).get("status").asText());
        JsonNode stats = JSON.readTree(send("GET", "/stats", null).body());
        assertEquals(0, stats.get("detection").get("total_events").asLong());
        assertTrue(stats.has("counters") && stats.has("lifetime") && stats.has("service"), stats.toString());
        HttpResponse<String> m = send("GET", "/metrics", null);
        assertEquals(200, m.statusCode());
        assertTrue(m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), m.headers().toString());
        assertTrue(m.body().contains("# TYPE impacket_sensor_engine_events_total counter"), m.body());
        assertTrue(m.body().contains("impacket_sensor_blocked_ips 0"), m.body());
    }

    @Test
    void postedEventsAreAnalysedBlockedPersistedAndUnblocked() throws Exception {
        HttpResponse<String> r = send("POST", "/events", PSEXEC);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode res = JSON.readTree(r.body());
        assertEquals(1, res.size());
        assertEquals("psexec", res.get(0).get("attack_type").asText());
        assertTrue(res.get(0).get("blocked").asBoolean(), r.body());

        JsonNode bl = JSON.readTree(send("GET", "/blocklist", null).body());
        assertEquals("10.1.1.5", bl.get("entries").get(0).get("ip").asText());
        assertEquals("10.1.1.5", FileBlocklistStore.read(dir.resolve(FileBlocklistStore.FILE)).get(0).ip(),
                "the block is in the state file");
        String metrics = send("GET", "/metrics", null).body();
        assertTrue(metrics.contains("impacket_sensor_attacks_total{attack_type=\"psexec\"} 1"), metrics);
        assertTrue(metrics.contains("impacket_sensor_events_ingested_total 1"), metrics);
        assertTrue(metrics.contains("impacket_sensor_blocked_ips 1"), metrics);

        // An array: several events, one analysis each, in order.
        JsonNode two = JSON.readTree(send("POST", "/events", "[" + PSEXEC + ","
                + "{\"source_ip\":\"10.0.0.8\",\"protocol\":\"SMB\",\"share\":\"Finance\",\"event_type\":\"file_read\"}]").body());
        assertEquals(2, two.size());
        assertEquals(false, two.get(1).get("is_attack").asBoolean());

        assertEquals(200, send("DELETE", "/blocklist/10.1.1.5", null).statusCode());
        assertEquals(404, send("DELETE", "/blocklist/10.1.1.5", null).statusCode());
        assertTrue(FileBlocklistStore.read(dir.resolve(FileBlocklistStore.FILE)).isEmpty());
    }

    @Test
    void malformedJsonAndInvalidEventsAre400WithAMessage() throws Exception {
        HttpResponse<String> r = send("POST", "/events", "{\"source_ip\": ");
        assertEquals(400, r.statusCode());
        assertTrue(JSON.readTree(r.body()).get("error").asText().startsWith("malformed JSON"), r.body());
        r = send("POST", "/events", "{\"source_ip\":\"10.1.1.6\",\"protocol\":\"SMB\",\"colour\":\"red\"}");
        assertEquals(400, r.statusCode());
        assertEquals("colour: unknown key", JSON.readTree(r.body()).get("error").asText());
        r = send("POST", "/events", "[" + PSEXEC + ",{\"protocol\":\"SMB\"}]");
        assertEquals(400, r.statusCode());
        assertTrue(JSON.readTree(r.body()).get("error").asText().startsWith("event 1: "), r.body());
        assertEquals(400, send("POST", "/events", "42").statusCode());
        assertEquals(0, JSON.readTree(send("GET", "/stats", null).body()).get("detection").get("total_events").asLong(),
                "a rejected batch analyses nothing");
    }

    @Test
    void oversizeBodiesAre413() throws Exception {
        String big = "[" + (PSEXEC + ",").repeat(4096 / PSEXEC.length() + 1) + PSEXEC + "]";
        HttpResponse<String> r = send("POST", "/events", big);
        assertEquals(413, r.statusCode());
        assertTrue(r.body().contains("4096"), r.body());
    }

    @Test
    void unknownPathsAre404AndWrongMethods405() throws Exception {
        assertEquals(404, send("GET", "/nope", null).statusCode());
        assertEquals(404, send("GET", "/", null).statusCode());
        HttpResponse<String> r = send("GET", "/events", null);
        assertEquals(405, r.statusCode());
        assertEquals("POST", r.headers().firstValue("Allow").orElse(""));
        assertEquals(405, send("POST", "/health", "{}").statusCode());
        assertEquals(405, send("PUT", "/blocklist/10.0.0.1", "x").statusCode());
        assertEquals(405, send("DELETE", "/blocklist", null).statusCode());
    }
}
