package io.impacketsensor.detection.engine;

import io.impacketsensor.core.collections.LruMap;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.model.Action;
import io.impacketsensor.detection.model.Analysis;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.ChainStep;
import io.impacketsensor.detection.model.RuleHit;
import io.impacketsensor.detection.model.Severity;
import io.impacketsensor.detection.response.AllowListMatcher;
import io.impacketsensor.detection.response.Blocklist;
import io.impacketsensor.detection.rules.Recommendations;
import io.impacketsensor.detection.rules.Rule;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The decide/block step: turns one event's findings into a verdict. Picks the strongest attack type
 * (noisy-OR within the event), applies the admin allow-list, maps confidence to an action under the
 * tuning's caps, keeps the attack instance (one per type, source and target within the dedupe
 * window; it keeps its highest confidence and is updated rather than repeated), blocks the source
 * when the instance reaches {@link Action#BLOCK}, and hands new or changed instances at or above
 * {@code alerts.min_action} to the alert sink. Keeps the verdict counters of the statistics.
 *
 * <p>Single-threaded, like the engine that owns it.
 */
final class Decider {
    /** How long an address recognised as an Impacket client names the tool in its other alerts. */
    private static final long TOOL_MEMORY_NANOS = 3600 * BehaviourLayer.SEC;
    static final String TOOL_IMPACKET = "impacket";

    private final EngineConfig cfg;
    private final AllowListMatcher allow;
    private final Blocklist blocklist;
    private final LruMap<Instance.Key, Instance> instances;
    /** The lookup key of {@link #instances}, reused for every decision; stored keys are fresh copies. */
    private final Instance.Key probe = new Instance.Key(null, null, null);
    /** Addresses recognised as Impacket clients (fingerprint or Impacket-only signature), last seen. */
    private final LruMap<InetAddress, Stamp> impacketSources;
    private final Action minAlertAction;
    /** Read at construction, so a broken table stops the engine at start, not at its first alert. */
    private final Recommendations recommendations = Recommendations.builtin();
    private AlertSink sink = AlertSink.NONE;

    private long nextInstanceId = 1;
    private long attacks;
    private long smbAttacks;
    private long kerberosAttacks;
    private long relayAttempts;
    private long secretDumps;
    private long alertsEmitted;
    private long alertsSuppressed;
    private long monitorSeen;
    private final long[] byAction = new long[Action.values().length];
    private final long[] byType = new long[AttackType.values().length];
    /** Scratch for ordering rule hits: positions and rounded confidences, grown when needed. */
    private int[] order = new int[Evidence.MAX];
    private double[] rounded = new double[Evidence.MAX];
    /**
     * The rule hits the answers quoted last, by rule index: an instance's alerts quote its rules again,
     * mostly at the same confidence, and a hit is immutable. Grown when needed.
     */
    private RuleHit[] madeHits = new RuleHit[64];
    /** Addresses as text: an attacker's instances (one per attack type and target) all quote its address. */
    private final AddressTexts addresses = new AddressTexts(256);

    Decider(EngineConfig cfg, AllowListMatcher allow, Blocklist blocklist) {
        this.cfg = cfg;
        this.allow = allow;
        this.blocklist = blocklist;
        this.instances = new LruMap<>(cfg.alerts().maxInstances());
        this.impacketSources = new LruMap<>(cfg.behaviour().maxTrackedIps());
        this.minAlertAction = Action.valueOf(cfg.alerts().minAction().toUpperCase(Locale.ROOT));
    }

    void sink(AlertSink sink) {
        this.sink = sink == null ? AlertSink.NONE : sink;
    }

    /** An event with no finding left: counted as {@link Action#LOG}. */
    AnalysisResult benign() {
        byAction[Action.LOG.ordinal()]++;
        return AnalysisResult.BENIGN;
    }

    /**
     * The verdict on one event's findings {@code e} (not empty) from {@code src} against {@code dst}
     * (null when not known). With {@code answer} false the caller reads no answer (the packet pipeline):
     * the verdict's counters, instances, blocks and alerts are the same, and null is returned unless
     * the answer was built anyway.
     */
    AnalysisResult decide(Evidence e, EventHeader h, String appProto, InetAddress src, InetAddress dst, long now,
                          boolean answer) {
        AttackType best = null;
        double conf = 0;
        for (int i = 0; i < e.size; i++) {
            AttackType t = e.types[i];
            if (t == best) {
                continue;
            }
            double c = e.combined(t);
            if (c > conf) {
                conf = c;
                best = t;
            }
        }
        String tool = tool(e, src, now);
        if (best == null) {
            // Only zero-confidence findings (a custom signature configured with confidence 0).
            return benign();
        }
        boolean admin = allow.isAdmin(src);
        if (admin) {
            if (cfg.allowList().mode() == EngineConfig.AllowList.Mode.SUPPRESS) {
                return benign();
            }
            conf *= cfg.allowList().confidenceFactor();
        }
        Action action = actionFor(conf);
        Action eventCap = cap(e, best);
        if (eventCap != null && action.compareTo(eventCap) > 0) {
            action = eventCap;
        }
        if (action == Action.LOG) {
            // Below the monitor threshold: reported to the caller, but no attack instance is kept.
            byAction[Action.LOG.ordinal()]++;
            return answer ? AnalysisResult.deferred(false, new LogDetails(e, best, conf, src, dst, tool, recommendations))
                    : null;
        }

        probe.type = best;
        probe.source = src;
        probe.target = dst;
        Instance in = instances.get(probe);
        probe.source = null; // the probe holds no address between events
        probe.target = null;
        long dedupe = cfg.alerts().dedupeWindowSeconds() * BehaviourLayer.SEC;
        if (in == null || now - in.lastSeen > dedupe) {
            in = new Instance(nextInstanceId++, best, now);
            instances.put(new Instance.Key(best, src, dst), in);
        }
        boolean changed = in.revision == 0;
        // What the answer shows beyond what the alert reports (signatures, rules, severity) marks it stale too.
        boolean stale = false;
        in.lastSeen = Math.max(in.lastSeen, now);
        in.events++;
        if (conf > in.confidence + 0.005) {
            in.confidence = conf;
            changed = true;
        }
        int maxInd = cfg.alerts().maxIndicators();
        for (int i = 0; i < e.size; i++) {
            // Other chains' progress is their own business; other findings are evidence for this instance.
            boolean foreignChain = e.types[i] != best && e.rules[i].chain();
            if (!foreignChain && in.indicators.size() < maxInd && in.indicators.add(e.indicator(i))) {
                changed = true;
            }
            if (e.types[i] == best && e.signatures[i] != null && in.signatures.size() < maxInd) {
                stale |= in.signatures.add(e.signatures[i]);
            }
            if (e.types[i] == best) {
                stale |= in.contributed(e.rules[i], e.confidences[i]);
            }
            if (e.types[i] == best && e.severities[i] != null
                    && (in.severityOverride == null || e.severities[i].compareTo(in.severityOverride) > 0)) {
                in.severityOverride = e.severities[i];
                stale = true;
            }
        }
        if (tool != null && in.tool == null) {
            in.tool = tool;
            changed = true;
        }
        ChainLayer.Progress p = e.chainFor(best);
        if (p != null && p.size() > in.chain.size()) {
            in.chain = p.steps();
            changed = true;
        }
        Action instAction = actionFor(in.confidence);
        if (admin && instAction == Action.BLOCK) {
            instAction = Action.ALERT;
        }
        Action cap = cap(e, best);
        if (cap != null && instAction.compareTo(cap) > 0) {
            instAction = cap;
        }
        if (instAction.compareTo(in.action) > 0) {
            in.action = instAction;
            changed = true;
        }
        if (in.action == Action.BLOCK && cfg.blocking().enabled() && !admin) {
            String ip = sourceText(in, src);
            // Asked with the event's nanoseconds: an address blocked already is asked on every
            // event of its attack, and needs no Instant.
            if (!in.blocked || !blocklist.isBlocked(ip, now)) {
                Instant at = Instant.ofEpochSecond(0, now);
                // null: the block policy refused it (protected address, rate cap); the answer says not blocked.
                boolean made = blocklist.block(ip, best.signature(), best.id(), in.confidence, at) != null;
                changed |= made || in.blocked;
                in.blocked = made;
            }
        }
        if (!in.counted && in.action.compareTo(Action.ALERT) >= 0) {
            in.counted = true;
            count(best);
        }
        byAction[action.ordinal()]++;
        boolean emits = changed && emits(in);
        AnalysisResult r = in.last;
        if (r == null || changed || stale) {
            // A repeat that changes nothing (the common case of a long attack) reuses the last answer.
            // Without a reader and an alert, it is built when one of them first needs it: nothing it
            // shows changes in between without marking it changed or stale again.
            r = answer || emits ? new AnalysisResult(in.action.compareTo(Action.ALERT) >= 0, snapshot(in, src, dst))
                    : null;
            in.last = r;
        }
        if (changed) {
            in.revision++;
            if (emits) {
                alertsEmitted++;
                sink.accept(new Alert(h, appProto, r.analysis(), in.revision, in.firstSeen, in.events));
            }
        } else {
            alertsSuppressed++;
        }
        return r;
    }

    /**
     * The action cap of this event's findings of {@code best}: when every one of them has a cap (tuning
     * {@code action}), the highest cap; null when any is uncapped.
     */
    private static Action cap(Evidence e, AttackType best) {
        Action max = null;
        for (int i = 0; i < e.size; i++) {
            if (e.types[i] != best) {
                continue;
            }
            Action c = e.active.cap[e.rules[i].index()];
            if (c == null) {
                return null;
            }
            max = max == null || c.compareTo(max) > 0 ? c : max;
        }
        return max;
    }

    /**
     * The tool this event's source is known as: {@code impacket} when this event or one from the
     * same address within the hour carried the Impacket client fingerprint or an Impacket-only
     * signature ({@code impacket_*}), else null (the "also used to name the tool").
     */
    private String tool(Evidence e, InetAddress src, long now) {
        for (int i = 0; i < e.size; i++) {
            if (e.types[i] == AttackType.IMPACKET_FINGERPRINT || TOOL_IMPACKET.equals(e.rules[i].tool())) {
                Stamp seen = impacketSources.get(src); // made the most recent, as a put would
                if (seen == null) {
                    impacketSources.put(src, new Stamp(now));
                } else {
                    seen.at = now;
                }
                return TOOL_IMPACKET;
            }
        }
        Stamp seen = impacketSources.get(src);
        return seen != null && now - seen.at <= TOOL_MEMORY_NANOS ? TOOL_IMPACKET : null;
    }

    /**
     * Whether a changed instance goes to the alert sink: at or above {@code alerts.min_action}, and a
     * monitor-level one only every {@code alerts.monitor_sample_every}th time (counted here).
     */
    private boolean emits(Instance in) {
        if (in.action.compareTo(minAlertAction) < 0) {
            return false;
        }
        return in.action != Action.MONITOR || (monitorSeen++ % cfg.alerts().monitorSampleEvery()) == 0;
    }

    private void count(AttackType t) {
        attacks++;
        byType[t.ordinal()]++;
        switch (t.family()) {
            case SMB -> smbAttacks++;
            case KERBEROS -> kerberosAttacks++;
            default -> {
            }
        }
        if (t == AttackType.NTLM_RELAY) {
            relayAttempts++;
        }
        if (t == AttackType.SECRETSDUMP || t == AttackType.DCSYNC) {
            secretDumps++;
        }
    }

    private Action actionFor(double c) {
        EngineConfig.Thresholds t = cfg.thresholds();
        if (c >= t.block()) {
            return Action.BLOCK;
        }
        if (c >= t.alert()) {
            return Action.ALERT;
        }
        return c >= t.monitor() ? Action.MONITOR : Action.LOG;
    }

    /**
     * The details of a finding below the monitor threshold, kept by value (the evidence arrays are
     * reused for the next event) and built into an {@link Analysis} only when the caller reads them:
     * the packet pipeline never does. One finding of the strongest type (the common case) is held in
     * fields, more in arrays.
     */
    private static final class LogDetails implements java.util.function.Supplier<Analysis> {
        private final AttackType best;
        private final double conf;
        private final InetAddress src;
        private final InetAddress dst;
        private final String tool;
        private final Recommendations recommendations;
        private final List<ChainStep> chain;
        private final int n;
        private final String indicator;
        private final String signature;
        private final Rule rule;
        private final double ruleConfidence;
        /** Two or more findings: all of them, in order (null with one). */
        private final String[] indicators;
        private final String[] signatures;
        private final Rule[] rules;
        private final double[] confidences;

        LogDetails(Evidence e, AttackType best, double conf, InetAddress src, InetAddress dst, String tool,
                   Recommendations recommendations) {
            this.best = best;
            this.conf = conf;
            this.src = src;
            this.dst = dst;
            this.tool = tool;
            this.recommendations = recommendations;
            ChainLayer.Progress p = e.chainFor(best);
            this.chain = p == null ? List.of() : p.steps();
            int count = 0;
            int first = -1;
            for (int i = 0; i < e.size; i++) {
                if (e.types[i] == best) {
                    if (count++ == 0) {
                        first = i;
                    }
                }
            }
            this.n = count;
            this.indicator = e.indicator(first);
            this.signature = e.signatures[first];
            this.rule = e.rules[first];
            this.ruleConfidence = e.confidences[first];
            if (count == 1) {
                indicators = null;
                signatures = null;
                rules = null;
                confidences = null;
                return;
            }
            indicators = new String[count];
            signatures = new String[count];
            rules = new Rule[count];
            confidences = new double[count];
            for (int i = first, k = 0; i < e.size; i++) {
                if (e.types[i] == best) {
                    indicators[k] = e.indicator(i);
                    signatures[k] = e.signatures[i];
                    rules[k] = e.rules[i];
                    confidences[k] = e.confidences[i];
                    k++;
                }
            }
        }

        @Override
        public Analysis get() {
            List<String> ind = new java.util.ArrayList<>(n);
            List<String> sigs = new java.util.ArrayList<>(n);
            Rule[] merged = new Rule[n];
            double[] mergedConf = new double[n];
            int m = 0;
            for (int i = 0; i < n; i++) {
                String in = n == 1 ? indicator : indicators[i];
                String sig = n == 1 ? signature : signatures[i];
                ind.add(in);
                if (sig != null && !sigs.contains(sig)) {
                    sigs.add(sig);
                }
                m = merge(merged, mergedConf, m, n == 1 ? rule : rules[i], n == 1 ? ruleConfidence : confidences[i]);
            }
            List<RuleHit> hits = hits(merged, mergedConf, m, new int[m], new double[m], null);
            return new Analysis(best, Math.round(conf * 10_000) / 10_000.0, best.severity(), best.severityScore(),
                    Action.LOG, false, List.copyOf(ind), List.copyOf(sigs), recommendations.forAlert(best, hits),
                    best.mitreTechniques(), chain, src.getHostAddress(), dst == null ? null : dst.getHostAddress(), 0L,
                    tool, hits);
        }
    }

    /** Adds a rule's confidence to the first {@code n} entries (keeping each rule's highest); the new count. */
    private static int merge(Rule[] rules, double[] conf, int n, Rule rule, double c) {
        for (int i = 0; i < n; i++) {
            if (rules[i] == rule) {
                conf[i] = Math.max(conf[i], c);
                return n;
            }
        }
        rules[n] = rule;
        conf[n] = c;
        return n + 1;
    }

    /** The instance's source address as text, formatted once (the instance is keyed by it). */
    private String sourceText(Instance in, InetAddress src) {
        return in.sourceText != null ? in.sourceText : (in.sourceText = addresses.of(src));
    }

    private Analysis snapshot(Instance in, InetAddress src, InetAddress dst) {
        Severity sev = in.severityOverride != null ? in.severityOverride : in.type.severity();
        int score = in.severityOverride != null ? in.severityOverride.maxScore() : in.type.severityScore();
        double conf = Math.round(in.confidence * 10_000) / 10_000.0;
        List<RuleHit> hits = hits(in.rules, in.ruleConfidence, in.ruleCount, in.listedHits);
        in.listedHits = hits;
        return new Analysis(in.type, conf, sev, score, in.action, in.blocked, in.indicatorList(),
                in.signatureList(), recommendations.forAlert(in.type, hits), in.type.mitreTechniques(), in.chain,
                sourceText(in, src), dst == null ? null : in.targetText != null ? in.targetText
                : (in.targetText = addresses.of(dst)), in.id, in.tool, hits);
    }

    /**
     * The contributing rules (the first {@code n} of two parallel arrays, in the order they first
     * contributed), strongest first by reported (rounded) confidence; the first of equals keeps its
     * place. Sorts an index in the reused scratch arrays (a stable insertion sort: a handful of rules),
     * so the only allocation is the answer itself, and none when {@code listed} (the instance's last
     * answer's) lists the same hits.
     */
    private List<RuleHit> hits(Rule[] rules, double[] conf, int n, List<RuleHit> listed) {
        if (order.length < n) {
            order = new int[Math.max(n, order.length * 2)];
            rounded = new double[order.length];
        }
        for (int i = 0; i < n; i++) {
            if (rules[i].index() >= madeHits.length) {
                madeHits = java.util.Arrays.copyOf(madeHits, Math.max(rules[i].index() + 1, madeHits.length * 2));
            }
        }
        if (n == 0) {
            return List.of();
        }
        sort(conf, n, order, rounded);
        return n == listed.size() && lists(listed, rules, n, order, rounded) ? listed
                : list(rules, n, order, rounded, madeHits);
    }

    /**
     * {@link #hits(Rule[], double[], int, List)} with the caller's scratch arrays (at least {@code n} long);
     * {@code made} (by rule index, covering the rules; null for none) keeps the hits made, given again
     * when a rule is quoted the same.
     */
    private static List<RuleHit> hits(Rule[] rules, double[] conf, int n, int[] order, double[] rounded, RuleHit[] made) {
        if (n == 0) {
            return List.of();
        }
        sort(conf, n, order, rounded);
        return list(rules, n, order, rounded, made);
    }

    /** Orders the first {@code n} rules into {@code order} by rounded confidence, strongest first (stable). */
    private static void sort(double[] conf, int n, int[] order, double[] rounded) {
        for (int i = 0; i < n; i++) {
            rounded[i] = Math.round(conf[i] * 10_000) / 10_000.0;
            int j = i;
            while (j > 0 && rounded[order[j - 1]] < rounded[i]) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
    }

    /** The hits of the sorted rules, each the one made before for its rule when that quotes it the same. */
    private static List<RuleHit> list(Rule[] rules, int n, int[] order, double[] rounded, RuleHit[] made) {
        RuleHit[] out = new RuleHit[n];
        for (int k = 0; k < n; k++) {
            Rule r = rules[order[k]];
            double c = rounded[order[k]];
            RuleHit h = made == null ? null : made[r.index()];
            if (h == null || !quotes(h, r, c)) {
                h = new RuleHit(r.sid(), r.rev(), r.name(), c, r.msg());
                if (made != null) {
                    made[r.index()] = h;
                }
            }
            out[k] = h;
        }
        return List.of(out);
    }

    /** True when {@code listed} ({@code n} long) quotes the sorted rules as {@link #list} would. */
    private static boolean lists(List<RuleHit> listed, Rule[] rules, int n, int[] order, double[] rounded) {
        for (int k = 0; k < n; k++) {
            if (!quotes(listed.get(k), rules[order[k]], rounded[order[k]])) {
                return false;
            }
        }
        return true;
    }

    /** True when hit {@code h} (immutable) quotes rule {@code r} at confidence {@code c}: a reload may change a rule. */
    private static boolean quotes(RuleHit h, Rule r, double c) {
        return h.sid() == r.sid() && h.rev() == r.rev() && Double.compare(h.confidence(), c) == 0
                && h.name().equals(r.name()) && java.util.Objects.equals(h.msg(), r.msg());
    }

    long attacks() {
        return attacks;
    }

    long smbAttacks() {
        return smbAttacks;
    }

    long kerberosAttacks() {
        return kerberosAttacks;
    }

    long relayAttempts() {
        return relayAttempts;
    }

    long secretDumps() {
        return secretDumps;
    }

    long alertsEmitted() {
        return alertsEmitted;
    }

    long alertsSuppressed() {
        return alertsSuppressed;
    }

    /** Events per action (index: {@link Action#ordinal()}); the caller must not change it. */
    long[] byAction() {
        return byAction;
    }

    /** Attacks counted per type (index: {@link AttackType#ordinal()}); the caller must not change it. */
    long[] byType() {
        return byType;
    }
}
