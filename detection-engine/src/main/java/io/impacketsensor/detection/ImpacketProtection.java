package io.impacketsensor.detection;

import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.AlertSink;
import io.impacketsensor.detection.engine.DetectionEngine;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.AuthAttempt;
import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.model.Statistics;
import io.impacketsensor.detection.response.AllowListMatcher;
import io.impacketsensor.detection.response.BlockPolicy;
import io.impacketsensor.detection.response.BlocklistStore;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The library API: one detection engine for flat events ({@link #analyzeNetworkEvent}), typed
 * events from the packet pipeline ({@link #analyze}, {@link #observe}) and reported authentications.
 *
 * <p>Threading: the engine is single-threaded by design (one owner of all cross-flow state). This
 * façade serialises callers with a lock, so it is safe to call from several threads; in the sensor
 * only the engine thread calls it and the lock is never contended.
 */
public final class ImpacketProtection {
    private final DetectionEngine engine;
    private final NetworkEventMapper mapper = new NetworkEventMapper();
    private final ReentrantLock lock = new ReentrantLock();
    private final LongSupplier wallClockNanos;

    /** An engine with the default configuration. */
    public ImpacketProtection() {
        this(EngineConfig.defaults());
    }

    public ImpacketProtection(EngineConfig config) {
        this(config, BlocklistStore.NONE, () -> {
            java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        });
    }

    /**
     * @param config         the engine configuration
     * @param store          where blocklist changes go (persistence is the sensor's business)
     * @param wallClockNanos time for flat events without a timestamp and for reported auth attempts
     */
    public ImpacketProtection(EngineConfig config, BlocklistStore store, LongSupplier wallClockNanos) {
        this.engine = new DetectionEngine(config, store);
        this.wallClockNanos = wallClockNanos;
    }

    /** Where alerts go (EVE writer). Called on the caller's thread, under the engine lock. */
    public void setAlertSink(AlertSink sink) {
        lock.lock();
        try {
            engine.setAlertSink(sink);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Analyses a flat event. It is mapped onto typed events which all go through the engine; the
     * result is the strongest analysis among them (for an attack, the instance with its indicators
     * and chain so far).
     *
     * @throws NetworkEventException when the event cannot be mapped (e.g. an unknown RPC operation)
     */
    public AnalysisResult analyzeNetworkEvent(NetworkEvent event) {
        Objects.requireNonNull(event, "event");
        lock.lock();
        try {
            List<SensorEvent> typed = mapper.map(event, wallClockNanos.getAsLong());
            engine.countSubmitted();
            AnalysisResult best = AnalysisResult.BENIGN;
            for (SensorEvent ev : typed) {
                AnalysisResult r = engine.process(ev);
                if (r.analysis().confidence() >= best.analysis().confidence()
                        && r.analysis().attackType() != null) {
                    best = r;
                }
            }
            return best;
        } finally {
            lock.unlock();
        }
    }

    /** Analyses one typed event; {@link #observe} when the answer is not read. */
    public AnalysisResult analyze(SensorEvent event) {
        if (event instanceof io.impacketsensor.core.event.DcerpcEvent.DcerpcBind b && b.requestLost()) {
            // An ack whose bind was not captured names no interface: a protocol record only.
            return AnalysisResult.BENIGN;
        }
        lock.lock();
        try {
            engine.countSubmitted();
            return engine.process(event);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Analyses one typed event for its alerts (to the alert sink), blocks and statistics, without an
     * answer: the packet pipeline's entry, which reads none. Same verdicts as {@link #analyze}.
     */
    public void observe(SensorEvent event) {
        if (event instanceof io.impacketsensor.core.event.DcerpcEvent.DcerpcBind b && b.requestLost()) {
            return; // as in analyze: a protocol record only
        }
        lock.lock();
        try {
            engine.countSubmitted();
            engine.observe(event);
        } finally {
            lock.unlock();
        }
    }

    /** Reports an authentication attempt seen by an integration; it feeds the behaviour layer. */
    public AnalysisResult reportAuthAttempt(String sourceIp, AuthAttempt attempt) {
        InetAddress ip = AllowListMatcher.parseAddress(sourceIp);
        if (ip == null) {
            throw new NetworkEventException("source_ip", "not an IP address: '" + sourceIp + "'");
        }
        lock.lock();
        try {
            long now = Math.max(wallClockNanos.getAsLong(), engine.clock());
            return engine.reportAuth(ip, attempt, now);
        } finally {
            lock.unlock();
        }
    }

    public Statistics getStatistics() {
        lock.lock();
        try {
            return engine.statistics();
        } finally {
            lock.unlock();
        }
    }

    /** The rules in force: the built-in catalog, then the operator's rules. */
    public List<io.impacketsensor.detection.rules.Rule> rules() {
        lock.lock();
        try {
            return engine.rules();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts a tuning in force between two events (a reload: the previous one stays in force when the
     * new file does not parse, because parsing happens before this call).
     */
    public void tune(io.impacketsensor.detection.rules.Tuning tuning) {
        lock.lock();
        try {
            engine.tune(tuning);
        } finally {
            lock.unlock();
        }
    }

    /** The rules before any operator file: the built-in catalog and the config's custom signatures. */
    public List<io.impacketsensor.detection.rules.Rule> baseRules() {
        lock.lock();
        try {
            return engine.baseRules();
        } finally {
            lock.unlock();
        }
    }

    /** Puts operator rules and a tuning in force together (both parsed before this call). */
    public void install(List<io.impacketsensor.detection.rules.LocalRules.LocalRule> local,
                        io.impacketsensor.detection.rules.Tuning tuning) {
        lock.lock();
        try {
            engine.install(local, tuning);
        } finally {
            lock.unlock();
        }
    }

    /** The tuning in force ({@code Tuning.NONE} when none). */
    public io.impacketsensor.detection.rules.Tuning tuning() {
        lock.lock();
        try {
            return engine.tuning();
        } finally {
            lock.unlock();
        }
    }

    /** How many findings of each rule the tuning's suppressions and thresholds dropped. */
    public java.util.Map<io.impacketsensor.detection.rules.Rule, Long> ruleSuppressed() {
        lock.lock();
        try {
            return engine.ruleSuppressed();
        } finally {
            lock.unlock();
        }
    }

    /** How often each rule fired since start, by rule (rules that never fired are left out). */
    public java.util.Map<io.impacketsensor.detection.rules.Rule, Long> ruleHits() {
        lock.lock();
        try {
            return engine.ruleHits();
        } finally {
            lock.unlock();
        }
    }

    /** Blocked addresses (lapsed entries are dropped first). */
    public List<BlockEntry> getBlockedIps() {
        lock.lock();
        try {
            return engine.blocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies a block another sensor of a fleet decided, under this sensor's protected addresses,
     * TTL and size cap ({@link io.impacketsensor.detection.response.Blocklist#applyRemote}; the caller
     * logs the result). Without a block policy clock, "now" is the later of the engine's
     * event time and the block's start.
     */
    public io.impacketsensor.detection.response.Blocklist.RemoteResult applyRemoteBlock(BlockEntry e) {
        io.impacketsensor.detection.response.Blocklist.RemoteResult r;
        lock.lock();
        try {
            java.time.Instant clock = java.time.Instant.ofEpochSecond(0, engine.clock());
            java.time.Instant at = e.blockedAt() != null && e.blockedAt().isAfter(clock) ? e.blockedAt() : clock;
            r = engine.blocklist().applyRemote(e, at);
        } finally {
            lock.unlock();
        }
        return r;
    }

    /**
     * Learns a DC another sensor of a fleet reported ({@link DetectionEngine#learnFleetDc}); null
     * when {@code ip} is not an address literal.
     */
    public DetectionEngine.FleetDc learnFleetDc(String ip) {
        java.net.InetAddress a = io.impacketsensor.detection.response.AllowListMatcher.parseAddress(ip);
        if (a == null) {
            return null;
        }
        lock.lock();
        try {
            return engine.learnFleetDc(a);
        } finally {
            lock.unlock();
        }
    }

    /** Ends a block because a sensor of the fleet unblocked it; true when it was held here. */
    public boolean removeRemoteBlock(String ip) {
        boolean had;
        lock.lock();
        try {
            had = engine.blocklist().removeRemote(ip);
        } finally {
            lock.unlock();
        }
        return had;
    }

    /** Tells {@code l} of this sensor's own blocks and unblocks, to publish them to a fleet. */
    public void setBlockListener(io.impacketsensor.detection.response.Blocklist.Listener l) {
        lock.lock();
        try {
            engine.blocklist().listener(l);
        } finally {
            lock.unlock();
        }
    }

    /** Counters of other sensors' blocks: applied, refused as protected, already lapsed, removed. */
    public long[] remoteBlockCounters() {
        lock.lock();
        try {
            io.impacketsensor.detection.response.Blocklist b = engine.blocklist();
            return new long[] {b.remoteApplied(), b.remoteProtected(), b.remoteExpired(), b.remoteRemoved()};
        } finally {
            lock.unlock();
        }
    }

    /** Removes an address from the blocklist; true when it was blocked. */
    public boolean unblock(String ip) {
        lock.lock();
        try {
            return engine.unblock(ip);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets which addresses are never blocked, the cap of new blocks per minute and the blocks'
     * clock ({@link BlockPolicy}; default {@link BlockPolicy#NONE}). A service sets it before the
     * first event.
     */
    public void setBlockPolicy(BlockPolicy policy) {
        lock.lock();
        try {
            engine.blockPolicy(Objects.requireNonNull(policy, "policy"));
        } finally {
            lock.unlock();
        }
    }

    public EngineConfig config() {
        return engine.config();
    }
}
