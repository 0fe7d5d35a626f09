package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.HttpEvent;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.MssqlEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.detection.model.Action;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.AuthAttempt;
import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.model.Statistics;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.response.AllowListMatcher;
import io.impacketsensor.detection.response.Blocklist;
import io.impacketsensor.detection.response.BlocklistStore;
import io.impacketsensor.detection.rules.DataRuleIndex;
import io.impacketsensor.detection.rules.LocalRules;
import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.RuleCatalog;
import io.impacketsensor.detection.rules.Tuning;

import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The detection engine: the orchestration of one event's analysis. It learns domain controllers
 * from the event ({@link DcLearning}), runs the layers (signatures and operator rules, anomalies and
 * ticket history, chains, behaviour through {@link BehaviourRouting}, relay and coercion through
 * {@link RelayRouting}), drops what the service allow-list and the tuning excuse, and hands the rest
 * to the decide/block step ({@link Decider}), which keeps the attack instances, the blocklist and the
 * verdict counters.
 *
 * <p><b>Single-threaded by design:</b> one thread owns all state (the pipeline's engine thread, or
 * {@code ImpacketProtection}, which serialises library callers). Not thread-safe by itself. Time is
 * event time (the latest event timestamp seen), so replays behave like live traffic.
 */
public final class DetectionEngine {
    /** How long an observed AS/TGS exchange vouches for the client's later ticket use: a TGT's default 10 h. */
    private static final long TICKET_WINDOW_SECONDS = 10 * 3600;

    private final EngineConfig cfg;
    private final Evidence e = new Evidence();
    /** What the current event is: computed once per event, read by every layer. */
    private final Classification cls = new Classification();
    private final DomainControllers dcs;
    private final DcLearning dcLearning;
    private final SignatureLayer signatures;
    /** The configuration's custom signatures, matched over the field registry like the operator's rules. */
    private final CustomSignature[] customSignatures;
    private final AnomalyLayer anomalies;
    private final TicketHistory tickets;
    private final ChainLayer chains;
    private final BehaviourRouting behaviour;
    private final RelayRouting relay;
    private final AllowListMatcher allow;
    private final Blocklist blocklist;
    private final Decider decider;
    /** The operator's rules (custom signatures), numbered after the catalog. */
    private final List<Rule> localRules;
    /** Suppressions and thresholds of the tuning in force, or null. */
    private TuningFilter tuningFilter;
    /** The operator's local.rules.yaml rules, as installed. */
    private LocalRules.LocalRule[] localFileRules = new LocalRules.LocalRule[0];
    /** The same rules indexed like the catalog's data rules: an event meets only those that can match it. */
    private DataRuleIndex localIndex = DataRuleIndex.local(List.of());
    private Tuning tuning = Tuning.NONE;

    private long clock;
    /** Events submitted by the caller (the specification's total_events). */
    private long totalEvents;
    /** Events the layers processed (a flat event maps to several). */
    private long engineEvents;

    public DetectionEngine(EngineConfig cfg, BlocklistStore store) {
        this.cfg = cfg;
        this.dcs = new DomainControllers(cfg.domainControllers(), cfg.learnDomainControllers(),
                cfg.dcPromotion().maxPerDay(), cfg.dcPromotion().provisionalHours() * 3_600_000_000_000L);
        this.dcLearning = new DcLearning(dcs);
        RuleCatalog catalog = RuleCatalog.builtin();
        this.signatures = new SignatureLayer();
        List<CustomSignature> custom = CustomSignature.compile(cfg.customSignatures(), catalog.rules().size());
        this.customSignatures = custom.toArray(new CustomSignature[0]);
        List<Rule> local = new java.util.ArrayList<>();
        for (CustomSignature c : custom) {
            local.add(c.rule);
        }
        this.localRules = List.copyOf(local);
        ActiveRules active = new ActiveRules(catalog, local);
        for (CustomSignature c : custom) {
            active.severity[c.rule.index()] = c.spec.severity();
        }
        e.active = active;
        this.tickets = new TicketHistory(cfg.behaviour().maxTrackedIps(), TICKET_WINDOW_SECONDS);
        this.anomalies = new AnomalyLayer(dcs, tickets, cfg.kerberos().maxTicketLifetimeSeconds());
        this.chains = new ChainLayer(cfg.chains().maxTrackedPairs(), cfg.chains().windowSeconds());
        this.behaviour = new BehaviourRouting(new BehaviourLayer(cfg.behaviour()));
        this.relay = new RelayRouting(cfg.relay());
        this.allow = new AllowListMatcher(cfg.allowList().adminNetworks(), cfg.allowList().serviceNames());
        this.blocklist = new Blocklist(store, cfg.blocking().ttlSeconds(), cfg.blocking().maxEntries());
        this.decider = new Decider(cfg, allow, blocklist);
    }

    /**
     * At most this many DCs learned from other sensors of a fleet. A fleet fact is another sensor's
     * word, not this sensor's observation: a compromised sensor (or anyone who can write to the
     * topic) could otherwise make every address a DC, and a DC's DRSGetNCChanges is not DCSync.
     */
    public static final int MAX_FLEET_DCS = 256;
    private int fleetDcs;

    /** What {@link #learnFleetDc} did with a fact. */
    public enum FleetDc {
        /** The address is now a learned DC. */
        LEARNED,
        /** It was a DC here already (configured, learned, or from the fleet before). */
        KNOWN,
        /** {@link #MAX_FLEET_DCS} fleet DCs are learned already, or DC learning's own cap is reached. */
        CAPPED,
        /** DC learning is off ({@code engine.learn_domain_controllers: false}): only configured DCs count. */
        LEARNING_OFF
    }

    /**
     * A DC another sensor of a fleet saw answer as one (its {@code dc_fact}): learned here as if this
     * sensor had seen it, within {@link #MAX_FLEET_DCS}, and only when DC learning is on.
     */
    public FleetDc learnFleetDc(InetAddress ip) {
        if (dcs.isDc(ip)) {
            return FleetDc.KNOWN;
        }
        if (!cfg.learnDomainControllers()) {
            return FleetDc.LEARNING_OFF;
        }
        if (fleetDcs >= MAX_FLEET_DCS) {
            return FleetDc.CAPPED;
        }
        dcs.observedServing(ip, DomainControllers.Source.FLEET);
        if (!dcs.isDc(ip)) {
            return FleetDc.CAPPED;
        }
        fleetDcs++;
        return FleetDc.LEARNED;
    }

    public EngineConfig config() {
        return cfg;
    }

    /** Where alerts (new instances and updates at or above {@code alerts.min_action}) go. */
    public void setAlertSink(AlertSink sink) {
        decider.sink(sink);
    }

    /**
     * Counts one event submitted by the caller (a flat event, or a typed event of the packet
     * pipeline), however many typed events it maps to: the specification's {@code total_events}.
     */
    public void countSubmitted() {
        totalEvents++;
    }

    /** Analyses one event. Returns {@link AnalysisResult#BENIGN} (no allocation) when nothing matched. */
    public AnalysisResult process(SensorEvent ev) {
        return analyse(ev, true);
    }

    /**
     * Analyses one event for its alerts, blocks and statistics only, like {@link #process} but building
     * no answer: the packet pipeline reads none, and most findings stay below the alert threshold.
     */
    public void observe(SensorEvent ev) {
        analyse(ev, false);
    }

    /** {@link #process}; with {@code answer} false it may return null instead of an answer. */
    private AnalysisResult analyse(SensorEvent ev, boolean answer) {
        engineEvents++;
        EventHeader h = ev.header();
        long now = h.timestampNanos();
        if (now > clock) {
            clock = now;
        }
        e.clear();
        cls.classify(ev, dcLearning, dcs);
        EngineConfig.Layers layers = cfg.layers();
        if (layers.signatures()) {
            signatures.analyse(ev, cls, e);
            for (CustomSignature c : customSignatures) {
                c.analyse(ev, e);
            }
            e.addMatching(localIndex, ev, cls);
        }
        if (layers.anomalies()) {
            anomalies.analyse(ev, cls, e);
            if (cls.kind.kerberos()) { // the kind, not KerberosEvent: EventKind.of says why
                tickets.analyse((KerberosEvent) ev, now, e);
            }
        }
        if (layers.chains()) {
            if (cls.steps != 0) {
                chains.analyse(cls.steps, h.clientIp(), h.clientIpv4(), h.serverIp(), h.serverIpv4(), now, e);
            }
        }
        if (layers.behaviour()) {
            behaviour.route(ev, cls.kind, h.clientIp(), h.clientIpv4(), now, e);
        }
        if (layers.ntlmRelay()) {
            relay.route(ev, cls.kind, e);
        }
        if (e.isEmpty()) {
            return decider.benign();
        }
        if (ev instanceof DcerpcEvent.DcerpcRequest r && r.interfaceSource() == DcerpcEvent.InterfaceSource.INFERRED) {
            double f = RuleCatalog.builtin().inferredInterfaceFactor();
            e.weaken(f, " (interface inferred from the calls themselves, not bound: confidence x" + f + ")");
        }
        InetAddress src = e.attackerIsServer ? h.serverIp() : h.clientIp();
        InetAddress dst = e.attackerIsServer ? h.clientIp() : h.serverIp();
        if (authorisedService(ev, src)) {
            // An allow-listed service's own lifecycle (create, change, start, stop, delete, and the
            // service chains advancing on those calls) is the authorised tool at work, not evidence.
            e.dropTypes(AttackType.PSEXEC, AttackType.SMBEXEC, AttackType.SERVICE_MANIPULATION);
        }
        if (tuningFilter != null) {
            tuningFilter.filter(ev, src, dst, now, e);
        }
        if (e.isEmpty()) {
            return decider.benign();
        }
        return decider.decide(e, h, appProto(ev), src, dst, now, answer);
    }

    /** An authentication attempt reported by an integration: feeds the behaviour layer. */
    public AnalysisResult reportAuth(InetAddress ip, AuthAttempt attempt, long now) {
        engineEvents++;
        if (now > clock) {
            clock = now;
        }
        e.clear();
        if (cfg.layers().behaviour()) {
            behaviour.reportedAuth(ip, attempt.username(), attempt.success(), now, e);
        }
        if (tuningFilter != null && !e.isEmpty()) {
            tuningFilter.filter(null, ip, null, now, e);
        }
        if (e.isEmpty()) {
            return decider.benign();
        }
        EventHeader h = new EventHeader(now, 0, ip, 0, ip, 0, io.impacketsensor.core.event.Transport.TCP);
        return decider.decide(e, h, attempt.protocol().toLowerCase(Locale.ROOT), ip, null, now, true);
    }

    /**
     * An SVCCTL call on an allow-listed service (by the name it creates or opens, or the name behind
     * the handle it starts, controls or deletes), from an admin network when admin networks are
     * configured (from anywhere otherwise).
     */
    private boolean authorisedService(SensorEvent ev, InetAddress src) {
        if (!(ev instanceof DcerpcEvent.DcerpcRequest r) || !RpcCatalog.SVCCTL.equals(r.interfaceUuid())) {
            return false;
        }
        String name = TuningFilter.serviceName(ev);
        return name != null && allow.isAuthorisedService(name)
                && (cfg.allowList().adminNetworks().isEmpty() || allow.isAdmin(src));
    }

    /**
     * Puts a tuning in force (built-in and operator rules by sid or name, suppressions, thresholds).
     * The rule counters carry over; the threshold counters start afresh.
     */
    public void tune(Tuning t) {
        install(List.of(localFileRules), t);
    }

    /**
     * Puts operator rules ({@code local.rules.yaml}, numbered after {@link #baseRules()}) and a tuning
     * in force together, so that a reload swaps both at once.
     */
    public void install(List<LocalRules.LocalRule> local, Tuning t) {
        List<Rule> all = new java.util.ArrayList<>(localRules);
        int base = RuleCatalog.builtin().rules().size() + localRules.size();
        for (int i = 0; i < local.size(); i++) {
            Rule r = local.get(i).rule();
            if (r.index() != base + i) {
                throw new IllegalArgumentException("local rule " + r.name() + " numbered " + r.index() + ", expected " + (base + i));
            }
            all.add(r);
        }
        ActiveRules a = new ActiveRules(RuleCatalog.builtin(), all, e.active);
        for (CustomSignature c : customSignatures) {
            a.severity[c.rule.index()] = c.spec.severity();
        }
        a.apply(t);
        TuningFilter f = new TuningFilter(t, cfg.behaviour().maxTrackedIps());
        DataRuleIndex index = DataRuleIndex.local(local);
        e.active = a;
        localFileRules = local.toArray(new LocalRules.LocalRule[0]);
        localIndex = index;
        tuningFilter = f.isEmpty() ? null : f;
        tuning = t;
    }

    /** The rules before any operator file: the built-in catalog and the config's custom signatures. */
    public List<Rule> baseRules() {
        List<Rule> l = new java.util.ArrayList<>(RuleCatalog.builtin().rules());
        l.addAll(localRules);
        return l;
    }

    /** The tuning in force ({@link Tuning#NONE} when none). */
    public Tuning tuning() {
        return tuning;
    }

    /** EVE app_proto of an event. */
    static String appProto(SensorEvent ev) {
        if (ev instanceof SmbEvent) {
            return "smb";
        }
        if (ev instanceof DcerpcEvent d) {
            return "dcerpc";
        }
        if (ev instanceof KerberosEvent) {
            return "krb5";
        }
        if (ev instanceof LdapEvent) {
            return "ldap";
        }
        if (ev instanceof NtlmEvent n) {
            return switch (n.carrier()) {
                case SMB2, SMB1 -> "smb";
                case DCERPC -> "dcerpc";
                case LDAP -> "ldap";
                case HTTP -> "http";
                case MSSQL -> "mssql";
                case RAW -> "ntlm";
            };
        }
        if (ev instanceof HttpEvent) {
            return "http";
        }
        if (ev instanceof MssqlEvent) {
            return "mssql";
        }
        if (ev instanceof io.impacketsensor.core.event.DnsEvent) {
            return "dns";
        }
        if (ev instanceof io.impacketsensor.core.event.RdpEvent) {
            return "rdp";
        }
        if (ev instanceof io.impacketsensor.core.event.SsrpEvent) {
            return "ssrp";
        }
        String name = ((ProtocolAnomaly) ev).name();
        int dot = name.indexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** The rules in force, built-in first, then the operator's. */
    public List<Rule> rules() {
        return e.active.rules;
    }

    /** How often each rule fired since start (rules that never fired are left out). */
    public Map<Rule, Long> ruleHits() {
        Map<Rule, Long> m = new LinkedHashMap<>();
        ActiveRules a = e.active;
        for (Rule r : a.rules) {
            if (a.hits[r.index()] > 0) {
                m.put(r, a.hits[r.index()]);
            }
        }
        return m;
    }

    /** How many findings of each rule a suppression or threshold dropped (rules never dropped are left out). */
    public Map<Rule, Long> ruleSuppressed() {
        Map<Rule, Long> m = new LinkedHashMap<>();
        ActiveRules a = e.active;
        for (Rule r : a.rules) {
            if (a.suppressed[r.index()] > 0) {
                m.put(r, a.suppressed[r.index()]);
            }
        }
        return m;
    }

    /** The blocklist now (lapsed entries dropped). */
    public List<BlockEntry> blocked() {
        return blocklist.current(Instant.ofEpochSecond(0, clock));
    }

    public boolean unblock(String ip) {
        return blocklist.unblock(ip);
    }

    /** The blocklist itself, for a fleet's shared blocks ({@link Blocklist#applyRemote}, its listener). */
    public Blocklist blocklist() {
        return blocklist;
    }

    /** Which addresses may be blocked, how many a minute, on which clock ({@link BlockPolicy}). */
    public void blockPolicy(io.impacketsensor.detection.response.BlockPolicy p) {
        blocklist.policy(p);
    }

    /** The engine's time: the latest event timestamp seen (ns). */
    public long clock() {
        return clock;
    }

    public Statistics statistics() {
        Map<String, Long> types = new LinkedHashMap<>();
        long[] byType = decider.byType();
        for (AttackType t : AttackType.values()) {
            if (byType[t.ordinal()] > 0) {
                types.put(t.id(), byType[t.ordinal()]);
            }
        }
        Map<String, Long> actions = new LinkedHashMap<>();
        long[] byAction = decider.byAction();
        for (Action a : Action.values()) {
            actions.put(a.id(), byAction[a.ordinal()]);
        }
        BehaviourLayer b = behaviour.layer();
        return new Statistics(totalEvents, engineEvents, behaviour.authAttempts(), decider.attacks(), decider.smbAttacks(),
                decider.kerberosAttacks(), decider.relayAttempts(), decider.secretDumps(), blocked().size(),
                decider.alertsEmitted(), decider.alertsSuppressed(), java.util.Collections.unmodifiableMap(types),
                java.util.Collections.unmodifiableMap(actions), b.trackedSources(), b.evictedSources(),
                blocklist.evictions(), dcs.learnedBySource(), dcs.promotionsRefused(),
                dcs.relays().hosts());
    }
}
