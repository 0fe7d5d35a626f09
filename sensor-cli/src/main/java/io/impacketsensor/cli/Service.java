package io.impacketsensor.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.pipeline.CounterSnapshot;
import io.impacketsensor.detection.BlockEntry;
import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.Statistics;
import io.impacketsensor.detection.response.BlocklistStore;
import io.impacketsensor.detection.state.FileBlocklistStore;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The daemon's long-lived parts around the packet path: the engine with its persisted blocklist
 * (state dir), optional nftables enforcement, lifetime counters, Prometheus metrics and the HTTP API.
 * Thread-safe: the engine façade locks; the stores synchronise.
 */
final class Service implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Service.class);

    /**
     * How often changed blocklist state is written. Writing (serialise the whole list, fsync file
     * and directory) at every block on the events thread capped the engine at ~2,800 events/s in
     * an attack storm of hundreds of new attackers a second; a kill -9 now loses at most this
     * long of blocks, and the file is still never torn.
     */
    static final long STATE_FLUSH_MILLIS = 200;

    private final SensorConfig config;
    private final ScheduledExecutorService saver;
    private final FileBlocklistStore fileStore;
    private final NftEnforcer nft;
    private final ImpacketProtection engine;
    private final CountersFile counters;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final AtomicLong ingested = new AtomicLong();
    private final AtomicLong counterSaveFailures = new AtomicLong();
    private volatile Supplier<CounterSnapshot> pipeline = () -> null;
    private HttpApi http;

    Service(SensorConfig config) throws IOException {
        this.config = config;
        Path dir = Path.of(config.stateDir());
        Supplier<Instant> clock = Instant::now;
        // Written by the saver thread, not on the engine's thread at every block (see STATE_FLUSH_MILLIS).
        this.fileStore = FileBlocklistStore.deferred(dir, clock);
        this.nft = config.nftables() ? new NftEnforcer(fileStore, config.nftCommand(), clock) : null;
        BlocklistStore store = nft != null ? nft : fileStore;
        this.engine = new ImpacketProtection(config.engine(), store, () -> {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        });
        this.counters = new CountersFile(dir);
        registerMetrics();
        saver = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "state-saver");
            t.setDaemon(true);
            return t;
        });
        saver.scheduleWithFixedDelay(fileStore::flush, STATE_FLUSH_MILLIS, STATE_FLUSH_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** Starts the HTTP API when configured; returns its address or null. */
    java.net.InetSocketAddress startHttp() throws IOException {
        if (config.http().isEmpty()) {
            return null;
        }
        http = new HttpApi(this, HostPort.parse(config.http()), config.maxBodyBytes());
        LOG.info("HTTP API on {} (no authentication: localhost or a management network only)", http.address());
        return http.address();
    }

    int saveIntervalSeconds() {
        return config.saveInterval();
    }

    ImpacketProtection engine() {
        return engine;
    }

    /** Where the capture/decoder counters come from (the running pipeline). */
    void pipelineCounters(Supplier<CounterSnapshot> s) {
        this.pipeline = s;
    }

    void ingested(int n) {
        ingested.addAndGet(n);
        fileStore.flush(); // an API client sees its blocks on disk when the answer arrives
    }

    List<BlockEntry> blocked() {
        return engine.getBlockedIps();
    }

    boolean unblock(String ip) {
        boolean had = engine.unblock(ip);
        fileStore.flush();
        return had;
    }

    PrometheusRegistry metrics() {
        return registry;
    }

    /** This run's counters: capture/decoder (from the pipeline) and engine. */
    Map<String, Long> runCounters() {
        Map<String, Long> m = new TreeMap<>();
        CounterSnapshot s = pipeline.get();
        if (s != null) {
            m.putAll(s.asMap());
        }
        Statistics st = engine.getStatistics();
        m.put("engine.events", st.engineEvents());
        m.put("engine.auth_attempts", st.authAttempts());
        m.put("engine.attacks_detected", st.attacksDetected());
        m.put("engine.alerts_emitted", st.alertsEmitted());
        m.put("engine.alerts_suppressed", st.alertsSuppressed());
        m.put("api.events_ingested", ingested.get());
        return m;
    }

    /** Periodic work: expire lapsed blocks (store and nft follow), save the counters. */
    void tick() {
        engine.getBlockedIps();
        saveCounters();
    }

    void saveCounters() {
        try {
            counters.save(runCounters());
        } catch (IOException e) {
            if (counterSaveFailures.getAndIncrement() == 0) {
                LOG.warn("cannot save counters in {}: {}", config.stateDir(), e.getMessage());
            }
        }
    }

    void writeStats(JsonGenerator g) throws IOException {
        Statistics s = engine.getStatistics();
        Map<String, Long> run = runCounters();
        g.writeStartObject();
        io.impacketsensor.detection.eve.EveAlertWriter.writeDetection(g, s);
        map(g, "counters", run);
        map(g, "lifetime", counters.totals(run));
        g.writeObjectFieldStart("service");
        g.writeNumberField("events_ingested", ingested.get());
        g.writeNumberField("state_write_failures", fileStore.writeFailures() + counterSaveFailures.get());
        g.writeNumberField("enforcement_failures", nft == null ? 0 : nft.failures());
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void map(JsonGenerator g, String name, Map<String, Long> m) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, Long> e : m.entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private void registerMetrics() {
        counter("impacket_sensor_engine_events", "events analysed by the detection engine",
                () -> engine.getStatistics().engineEvents());
        counter("impacket_sensor_attacks_detected", "attack instances that reached the alert threshold",
                () -> engine.getStatistics().attacksDetected());
        counter("impacket_sensor_alerts_emitted", "alert records emitted",
                () -> engine.getStatistics().alertsEmitted());
        counter("impacket_sensor_alerts_suppressed", "alert updates withheld (deduplicated)",
                () -> engine.getStatistics().alertsSuppressed());
        counter("impacket_sensor_events_ingested", "events received on POST /events", ingested::get);
        counter("impacket_sensor_enforcement_failures", "nft runs that failed",
                () -> nft == null ? 0 : nft.failures());
        counter("impacket_sensor_state_write_failures", "state file writes that failed",
                () -> fileStore.writeFailures() + counterSaveFailures.get());
        registry.register(CounterWithCallback.builder().name("impacket_sensor_attacks")
                .help("attack instances per attack type").labelNames("attack_type")
                .callback(cb -> engine.getStatistics().byAttackType().forEach((k, v) -> cb.call(v, k))).build());
        registry.register(CounterWithCallback.builder().name("impacket_sensor_actions")
                .help("analysed events per action").labelNames("action")
                .callback(cb -> engine.getStatistics().byAction().forEach((k, v) -> cb.call(v, k))).build());
        registry.register(GaugeWithCallback.builder().name("impacket_sensor_blocked_ips")
                .help("addresses on the blocklist now").callback(cb -> cb.call(engine.getBlockedIps().size())).build());
        registry.register(GaugeWithCallback.builder().name("impacket_sensor_pipeline_counter")
                .help("capture, flow and decoder counters of the running pipeline (names as in EVE stats)")
                .labelNames("counter").callback(cb -> {
                    CounterSnapshot s = pipeline.get();
                    if (s != null) {
                        s.asMap().forEach((k, v) -> cb.call(v, k));
                    }
                }).build());
    }

    private void counter(String name, String help, Supplier<Long> value) {
        registry.register(CounterWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.get())).build());
    }

    /** Stops the API, saves the counters, waits for queued nft commands. */
    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        engine.getBlockedIps();
        saver.shutdown();
        fileStore.flush();
        saveCounters();
        if (nft != null) {
            try {
                nft.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
