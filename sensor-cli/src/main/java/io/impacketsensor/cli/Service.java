package io.impacketsensor.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.pipeline.CounterSnapshot;
import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.model.Statistics;
import io.impacketsensor.detection.response.BlockPolicy;
import io.impacketsensor.detection.response.BlocklistStore;
import io.impacketsensor.detection.state.FileBlocklistStore;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
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
     * an attack storm of hundreds of new attackers a second. Blocks made from captured traffic are
     * therefore on disk within this time (a kill -9 loses at most this long of them, and the file
     * is never torn); blocks made through the API are on disk before the API answers. A failed
     * write is retried at this pace.
     */
    static final long STATE_FLUSH_MILLIS = 200;
    /** Repeated faults (disk full, refused blocks) are logged at most this often, one line each. */
    static final long REPORT_EVERY_MILLIS = 60_000;

    private final SensorConfig config;
    private final ScheduledExecutorService saver;
    private final FileBlocklistStore fileStore;
    private final NftEnforcer nft;
    private final ImpacketProtection engine;
    private final CountersFile counters;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final AtomicLong ingested = new AtomicLong();
    private final AtomicLong counterSaveFailures = new AtomicLong();
    private final BlockPolicy policy;
    private final Map<String, String> protectedAddresses;
    private final LogLimiter stateLog = new LogLimiter(REPORT_EVERY_MILLIS);
    private final LogLimiter counterLog = new LogLimiter(REPORT_EVERY_MILLIS);
    private final LogLimiter protectedLog = new LogLimiter(REPORT_EVERY_MILLIS);
    private final LogLimiter capLog = new LogLimiter(REPORT_EVERY_MILLIS);
    private long loggedProtected;
    private long loggedCapped;
    private volatile java.util.function.LongSupplier eveWriteFailures = () -> 0;
    private volatile Supplier<CounterSnapshot> pipeline = () -> null;
    private HttpApi http;
    /** The Kafka output (kafka: in the config), or null; its counters are in /health, /stats and /metrics. */
    private volatile io.impacketsensor.fleet.FleetPublisher fleet;

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
        // Live: blocks start and lapse on this host's clock, never on a time an event claims.
        this.protectedAddresses = ProtectedAddresses.discover(config);
        this.policy = new BlockPolicy(List.copyOf(protectedAddresses.keySet()), config.guard().maxBlocksPerMinute(),
                Instant::now);
        engine.setBlockPolicy(policy);
        LOG.info("never blocked: {}; at most {} new blocks a minute", protectedAddresses,
                config.guard().maxBlocksPerMinute() == 0 ? "unlimited" : config.guard().maxBlocksPerMinute());
        this.counters = new CountersFile(dir);
        registerMetrics();
        saver = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "state-saver");
            t.setDaemon(true);
            return t;
        });
        saver.scheduleWithFixedDelay(this::background, STATE_FLUSH_MILLIS, STATE_FLUSH_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** The saver's round: write the blocklist when it changed (or a write failed), report faults. */
    private void background() {
        try {
            saveState();
            reportRefusals();
        } catch (RuntimeException e) {
            // never let one failure stop the scheduled saves
            if (stateLog.due()) {
                LOG.warn("state saver: {}", e.toString());
            }
        }
    }

    /**
     * Writes the blocklist if it changed or an earlier write failed; true when the file holds every
     * block made so far. A failure is logged once a minute (one line) and counted; the list stays
     * in memory.
     */
    boolean saveState() {
        boolean ok = fileStore.flush();
        if (!ok) {
            if (stateLog.due()) {
                LOG.warn("cannot save the blocklist in {}: {} ({} failed writes; kept in memory, retrying every {} ms)",
                        config.stateDir(), fileStore.lastError(), fileStore.writeFailures(), STATE_FLUSH_MILLIS);
            }
        } else if (stateLog.recovered()) {
            LOG.info("blocklist saved in {} again", config.stateDir());
        }
        return ok;
    }

    /** Why the last blocklist write failed (null when it did not). */
    String stateError() {
        return fileStore.lastError();
    }

    private synchronized void reportRefusals() {
        long p = policy.protectedRefused();
        if (p > loggedProtected && protectedLog.due()) {
            LOG.warn("refused {} blocks of protected addresses (loopback, this host, gateway, DNS, DCs, response.protected)",
                    p - loggedProtected);
            loggedProtected = p;
        }
        long c = policy.rateLimited();
        if (c > loggedCapped && capLog.due()) {
            LOG.warn("block rate cap reached: refused {} new blocks (response.max_blocks_per_minute = {})",
                    c - loggedCapped, policy.maxPerMinute());
            loggedCapped = c;
        }
    }

    /** Where the EVE file's failed writes are counted (disk full). */
    void eveWriteFailures(java.util.function.LongSupplier s) {
        this.eveWriteFailures = s;
    }

    /** The addresses never blocked, with where each comes from. */
    Map<String, String> protectedAddresses() {
        return protectedAddresses;
    }

    /**
     * Starts the HTTP API when configured; returns its address or null. The token is read or made
     * first: without one the API does not start (a one-line {@link UsageException}).
     */
    java.net.InetSocketAddress startHttp() throws IOException, UsageException {
        if (config.http().isEmpty()) {
            return null;
        }
        ApiToken token = ApiToken.load(config);
        java.net.InetSocketAddress a = HostPort.parse(config.http());
        if (a.isUnresolved()) {
            throw new UsageException("--http: cannot resolve " + a.getHostString());
        }
        boolean loopback = a.getAddress().isLoopbackAddress();
        boolean readsNeedToken = switch (config.guard().readAuth()) {
            case AUTO -> !loopback;
            case TOKEN -> true;
            case OPEN -> false;
        };
        http = new HttpApi(this, a, a.getHostString(), config.maxBodyBytes(), token, readsNeedToken,
                config.guard().allowedHosts(), config.guard().maxClockSkewSeconds());
        LOG.info("HTTP API on {}: bearer token from {} for changes{}", http.address(), token.file(),
                readsNeedToken ? " and reads" : "; reads open (http.read_auth)");
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

    /** Counts events the API analysed and saves their blocks; false when the save failed. */
    boolean ingested(int n) {
        ingested.addAndGet(n);
        return saveState(); // the API answers after its blocks are on disk
    }

    List<BlockEntry> blocked() {
        return engine.getBlockedIps();
    }

    /** Removes a block from memory; the caller saves ({@link #saveState}). */
    boolean unblock(String ip) {
        return engine.unblock(ip);
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

    /** True when blocks reach nftables: enforcement configured, its table set up, no nft run failed. */
    boolean enforcing() {
        return nft != null && nft.active();
    }

    /** Shows the Kafka output's counters and lets alerts on Kafka say blocked as the EVE file does. */
    void fleet(io.impacketsensor.fleet.FleetPublisher publisher) {
        this.fleet = publisher;
        publisher.enforcement(this::enforcing);
    }

    io.impacketsensor.fleet.FleetPublisher fleet() {
        return fleet;
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
            counterSaveFailures.incrementAndGet();
            if (counterLog.due()) {
                LOG.warn("cannot save counters in {}: {} ({} failed writes)", config.stateDir(), e.getMessage(),
                        counterSaveFailures.get());
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
        g.writeNumberField("blocks_refused_protected", policy.protectedRefused());
        g.writeNumberField("blocks_rate_limited", policy.rateLimited());
        g.writeNumberField("eve_write_failures", eveWriteFailures.getAsLong());
        g.writeEndObject();
        if (fleet != null) {
            fleet.writeCounters(g);
        }
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
        // Which build is running: a constant 1 whose label is the version (--version prints it).
        String version = buildVersion();
        registry.register(GaugeWithCallback.builder().name("impacket_sensor_build_info")
                .help("the impacket-sensor build that is running (value always 1)").labelNames("version")
                .callback(cb -> cb.call(1, version)).build());
        // The client library's own collectors: heap and pools, GC, threads, classes, JIT, buffer
        // pools; process CPU seconds, resident memory, open and maximum file descriptors.
        JvmMetrics.builder().register(registry);
        counter("impacket_sensor_engine_events", "events analysed by the detection engine",
                () -> engine.getStatistics().engineEvents());
        counter("impacket_sensor_attacks_detected", "attack instances that reached the alert threshold",
                () -> engine.getStatistics().attacksDetected());
        counter("impacket_sensor_alerts_emitted", "alert records emitted",
                () -> engine.getStatistics().alertsEmitted());
        counter("impacket_sensor_alerts_suppressed", "alert updates withheld (deduplicated)",
                () -> engine.getStatistics().alertsSuppressed());
        counter("impacket_sensor_events_ingested", "events received on POST /events", ingested::get);
        counter("impacket_sensor_blocklist_evictions", "blocklist entries evicted because the list was full",
                () -> engine.getStatistics().blocklistEvictions());
        counter("impacket_sensor_enforcement_failures", "nft runs that failed",
                () -> nft == null ? 0 : nft.failures());
        counter("impacket_sensor_state_write_failures", "state file writes that failed",
                () -> fileStore.writeFailures() + counterSaveFailures.get());
        counter("impacket_sensor_blocks_refused_protected", "blocks refused: the address is protected",
                policy::protectedRefused);
        counter("impacket_sensor_blocks_rate_limited", "new blocks refused: response.max_blocks_per_minute reached",
                policy::rateLimited);
        counter("impacket_sensor_eve_write_failures", "EVE writes that failed (records lost, e.g. disk full)",
                () -> eveWriteFailures.getAsLong());
        // The Kafka output: records offered, sent (acknowledged), failed, spilled, resent, lost; the
        // family is empty while kafka: is off.
        registry.register(CounterWithCallback.builder().name("impacket_sensor_kafka_records")
                .help("records of the Kafka output by outcome (offered, sent, failed, spilled, resent, lost)")
                .labelNames("outcome").callback(cb -> {
                    io.impacketsensor.fleet.FleetPublisher f = fleet;
                    if (f != null) {
                        for (Object[] c : f.output().counters()) {
                            if (!"queued".equals(c[0])) {
                                cb.call((Long) c[1], (String) c[0]);
                            }
                        }
                    }
                }).build());
        registry.register(GaugeWithCallback.builder().name("impacket_sensor_kafka_queued")
                .help("records waiting for the Kafka sender thread").callback(cb -> {
                    io.impacketsensor.fleet.FleetPublisher f = fleet;
                    cb.call(f == null ? 0 : f.output().queued());
                }).build());
        // The fleet's shared blocklist (kafka.shared_blocklist): blocks published, others' applied,
        // refused as protected here, lapsed on arrival, removed by a fleet unblock, malformed.
        registry.register(CounterWithCallback.builder().name("impacket_sensor_fleet_blocks")
                .help("records of the fleet's shared blocklist by outcome").labelNames("outcome").callback(cb -> {
                    io.impacketsensor.fleet.FleetPublisher f = fleet;
                    if (f != null && f.blocklist() != null) {
                        for (Object[] c : f.blocklist().counters()) {
                            if (!"lag".equals(c[0])) {
                                cb.call((Long) c[1], (String) c[0]);
                            }
                        }
                    }
                }).build());
        registry.register(CounterWithCallback.builder().name("impacket_sensor_attacks")
                .help("attack instances per attack type").labelNames("attack_type")
                .callback(cb -> engine.getStatistics().byAttackType().forEach((k, v) -> cb.call(v, k))).build());
        registry.register(CounterWithCallback.builder().name("impacket_sensor_actions")
                .help("analysed events per action").labelNames("action")
                .callback(cb -> engine.getStatistics().byAction().forEach((k, v) -> cb.call(v, k))).build());
        registry.register(CounterWithCallback.builder().name("impacket_sensor_dcs_learned")
                .help("hosts learned as domain controllers, by what first showed each to be one").labelNames("source")
                .callback(cb -> engine.getStatistics().dcsLearned().forEach((k, v) -> cb.call(v, k))).build());
        counter("impacket_sensor_dc_promotions_refused", "hosts not learned as new DCs: the promotion cap was reached",
                () -> engine.getStatistics().dcPromotionsRefused());
        counter("impacket_sensor_kdc_relays", "hosts whose Kerberos answers relayed requests they had forwarded to "
                + "another KDC: not learned as DCs from them", () -> engine.getStatistics().kdcRelays());
        registry.register(GaugeWithCallback.builder().name("impacket_sensor_blocked_ips")
                .help("addresses on the blocklist now").callback(cb -> cb.call(engine.getBlockedIps().size())).build());
        // One family per pipeline counter (counters with _total, bytes and seconds as units, gauges
        // for current values, a worker label for the per-worker series): PipelineMetrics.
        registry.register(new PipelineMetrics(() -> pipeline.get()));
    }

    private static String buildVersion() {
        try {
            return Main.version();
        } catch (IOException e) {
            return "unknown";
        }
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
        try {
            saver.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!saveState()) {
            LOG.error("exiting with the blocklist unsaved in {}: {}", config.stateDir(), fileStore.lastError());
        }
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
