package io.impacketsensor.cli;

import io.impacketsensor.core.capture.PcapFileChain;
import io.impacketsensor.core.flow.Expectations;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.flow.PacketProcessor;
import io.impacketsensor.core.packet.SymmetricFlowHash;
import io.impacketsensor.core.pipeline.CapturePipeline;
import io.impacketsensor.core.pipeline.CounterSnapshot;
import io.impacketsensor.core.pipeline.PipelineOptions;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.Decoders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pipeline counters on {@code GET /metrics} of a running service, after a two-worker replay of
 * a lab capture: one family per counter with Prometheus' suffixes, gauges for current values, a
 * {@code worker} label, and {@code promtool check metrics} (the Prometheus linter) finding nothing.
 */
class PipelineMetricsTest {
    @TempDir
    Path dir;
    private Service service;
    private String base;
    private String token;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        SensorConfig cfg = SensorConfig.defaults().withOverrides(null, null, null, null, null, null, null, dir,
                "127.0.0.1:0", false);
        service = new Service(cfg);
        InetSocketAddress a = service.startHttp();
        base = "http://127.0.0.1:" + a.getPort();
        token = Files.readString(dir.resolve(ApiToken.FILE)).strip();
        CounterSnapshot counters;
        try (PcapFileChain chain = PcapFileChain.open(List.of(Captures.path("/pcaps/lab/atk_psexec.pcap")))) {
            CapturePipeline p = new CapturePipeline(chain, new SymmetricFlowHash(),
                    (worker, workers, sink) -> new PacketProcessor(worker, FlowLimits.DEFAULTS,
                            Decoders.forWorker(DecoderConfig.defaults()), Expectations.of(FlowLimits.DEFAULTS), sink),
                    e -> service.engine().analyze(e), new PipelineOptions(2, 1024, 1024, 1000));
            p.run();
            counters = p.snapshot(0);
        }
        service.pipelineCounters(() -> counters);
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private String scrape(String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token);
        if (accept != null) {
            b.header("Accept", accept);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    @Test
    void familiesPerCounterWithSuffixesGaugesAndWorkerLabel() throws Exception {
        String m = scrape(null);
        assertFalse(m.contains("impacket_sensor_pipeline_counter"), "no catch-all family any more");
        assertTrue(m.contains("# TYPE impacket_sensor_capture_records_total counter"), m);
        assertTrue(m.contains("impacket_sensor_capture_records_total 119"), m);
        assertTrue(m.contains("# TYPE impacket_sensor_tcp_reassembled_to_server_bytes_total counter"), m);
        assertTrue(m.contains("# TYPE impacket_sensor_capture_cpu_seconds_total counter"), m);
        assertTrue(m.contains("# TYPE impacket_sensor_flow_active gauge"), m);
        assertTrue(m.contains("# TYPE impacket_sensor_flow_buffer_peak_bytes gauge"), m);
        assertTrue(m.contains("impacket_sensor_pipeline_workers 2"), m);
        assertTrue(m.contains("# TYPE impacket_sensor_worker_packets_total counter"), m);
        assertTrue(m.contains("impacket_sensor_worker_packets_total{worker=\"0\"}"), m);
        assertTrue(m.contains("impacket_sensor_worker_packets_total{worker=\"1\"}"), m);
        assertFalse(m.contains("_cpu_ns"), "CPU time in seconds, Prometheus' base unit (the help names the EVE counter)");
    }

    @Test
    void namingRules() {
        assertEquals(new PipelineMetrics.Family("impacket_sensor_tcp_gaps", true, null, 1),
                PipelineMetrics.family("tcp.gaps"));
        assertEquals(new PipelineMetrics.Family("impacket_sensor_udp_delivered_to_client_bytes", true, null, 1),
                PipelineMetrics.family("udp.delivered_bytes_to_client"));
        assertEquals(new PipelineMetrics.Family("impacket_sensor_worker_cpu_seconds", true, "3", 1e-9),
                PipelineMetrics.family("worker.3.cpu_ns"));
        assertEquals(new PipelineMetrics.Family("impacket_sensor_flow_buffer_budget_bytes", false, null, 1),
                PipelineMetrics.family("flow.buffer_budget_bytes"));
        // Not a worker index: a name like any other.
        assertEquals(new PipelineMetrics.Family("impacket_sensor_worker_x_packets", true, null, 1),
                PipelineMetrics.family("worker.x.packets"));
    }

    /**
     * {@code promtool check metrics} on a scrape: no lint problem. promtool reads the classic text
     * format (its parser does not know OpenMetrics' {@code info} type), which is what a client that
     * does not ask for OpenMetrics gets; both formats come from the same registry. promtool comes
     * with Debian's prometheus package; {@code .ci/run} extracts it without installing the server.
     */
    @Test
    void promtoolCheckMetricsIsClean() throws Exception {
        assumeTrue(onPath("promtool"), "skipped: promtool not installed (.ci/run extracts it from Debian's prometheus"
                + " package)");
        String m = scrape(null);
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(m.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        System.out.println("PipelineMetricsTest: promtool check metrics on " + m.lines().count() + " lines: exit "
                + p.exitValue() + (out.isBlank() ? ", no problem" : "\n" + out));
        assertEquals(0, p.exitValue(), out);
        assertEquals("", out.strip(), out);
    }

    private static boolean onPath(String tool) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
