package io.impacketsensor.detection.engine;

import io.impacketsensor.core.collections.LruMap;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.detection.model.Action;
import io.impacketsensor.detection.model.Analysis;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.AuthAttempt;
import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.model.RuleHit;
import io.impacketsensor.detection.model.Severity;
import io.impacketsensor.detection.model.Statistics;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.response.AllowListMatcher;
import io.impacketsensor.detection.response.Blocklist;
import io.impacketsensor.detection.response.BlocklistStore;
import io.impacketsensor.detection.response.Recommendations;
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
 * The detection engine: runs the five layers on each event, combines their findings into one
 * confidence per attack type (noisy-OR within an event; an instance keeps its highest confidence),
 * maps confidence to an action, keeps attack instances (one alert per instance, updated rather than
 * repeated), the blocklist and the statistics.
 *
 * <p><b>Single-threaded by design:</b> one thread owns all state (the pipeline's engine thread, or
 * {@code ImpacketProtection}, which serialises library callers). Not thread-safe by itself. Time is
 * event time (the latest event timestamp seen), so replays behave like live traffic.
 */
public final class DetectionEngine {
    /** How long an observed AS/TGS exchange vouches for the client's later ticket use: a TGT's default 10 h. */
    private static final long TICKET_WINDOW_SECONDS = 10 * 3600;
    /** How long an address recognised as an Impacket client names the tool in its other alerts. */
    private static final long TOOL_MEMORY_NANOS = 3600 * BehaviourLayer.SEC;
    static final String TOOL_IMPACKET = "impacket";
    private static final int P_SMB = 0;
    private static final int P_RPC = 1;
    private static final int P_KRB = 2;
    private static final int P_NTLM = 3;
    private static final int P_LDAP = 4;

    private final EngineConfig cfg;
    private final Evidence e = new Evidence();
    /** What the current event is: computed once per event, read by every layer. */
    private final Classification cls = new Classification();
    private final DomainControllers dcs;
    private final SignatureLayer signatures;
    private final AnomalyLayer anomalies;
    private final TicketHistory tickets;
    private final ChainLayer chains;
    private final BehaviourLayer behaviour;
    private final RelayLayer relay;
    private final AllowListMatcher allow;
    private final Blocklist blocklist;
    private final LruMap<Instance.Key, Instance> instances;
    /** Addresses recognised as Impacket clients (fingerprint or Impacket-only signature), last seen. */
    private final LruMap<InetAddress, Long> impacketSources;
    private final Action minAlertAction;
    private AlertSink sink = AlertSink.NONE;
    /** The operator's rules (custom signatures), numbered after the catalog. */
    private final List<Rule> localRules;
    /** Suppressions and thresholds of the tuning in force, or null. */
    private TuningFilter tuningFilter;
    /** The operator's local.rules.yaml rules, evaluated on every event. */
    private LocalRules.LocalRule[] localFileRules = new LocalRules.LocalRule[0];
    private Tuning tuning = Tuning.NONE;

    private long clock;
    private long nextInstanceId = 1;
    /** Events submitted by the caller (the specification's total_events). */
    private long totalEvents;
    /** Events the layers processed (a flat event maps to several). */
    private long engineEvents;
    private long authAttempts;
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

    public DetectionEngine(EngineConfig cfg, BlocklistStore store) {
        this.cfg = cfg;
        this.dcs = new DomainControllers(cfg.domainControllers(), cfg.learnDomainControllers());
        RuleCatalog catalog = RuleCatalog.builtin();
        this.signatures = new SignatureLayer(cfg.customSignatures(), catalog.rules().size());
        List<Rule> local = new java.util.ArrayList<>();
        for (CustomSignature c : signatures.customSignatures()) {
            local.add(c.rule);
        }
        this.localRules = List.copyOf(local);
        ActiveRules active = new ActiveRules(catalog, local);
        for (CustomSignature c : signatures.customSignatures()) {
            active.severity[c.rule.index()] = c.spec.severity();
        }
        e.active = active;
        this.tickets = new TicketHistory(cfg.behaviour().maxTrackedIps(), TICKET_WINDOW_SECONDS);
        this.anomalies = new AnomalyLayer(dcs, tickets, cfg.kerberos().maxTicketLifetimeSeconds());
        this.chains = new ChainLayer(cfg.chains().maxTrackedPairs(), cfg.chains().windowSeconds());
        this.behaviour = new BehaviourLayer(cfg.behaviour());
        this.relay = new RelayLayer(cfg.relay());
        this.allow = new AllowListMatcher(cfg.allowList().adminNetworks(), cfg.allowList().serviceNames());
        this.blocklist = new Blocklist(store, cfg.blocking().ttlSeconds(), cfg.blocking().maxEntries());
        this.instances = new LruMap<>(cfg.alerts().maxInstances());
        this.impacketSources = new LruMap<>(cfg.behaviour().maxTrackedIps());
        this.minAlertAction = Action.valueOf(cfg.alerts().minAction().toUpperCase(Locale.ROOT));
    }

    public EngineConfig config() {
        return cfg;
    }

    /** Where alerts (new instances and updates at or above {@code alerts.min_action}) go. */
    public void setAlertSink(AlertSink sink) {
        this.sink = sink == null ? AlertSink.NONE : sink;
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
        engineEvents++;
        EventHeader h = ev.header();
        long now = h.timestampNanos();
        if (now > clock) {
            clock = now;
        }
        e.clear();
        learn(ev);
        cls.classify(ev, dcs);
        EngineConfig.Layers layers = cfg.layers();
        if (layers.signatures()) {
            signatures.analyse(ev, cls, e);
            for (LocalRules.LocalRule r : localFileRules) {
                if (r.matches(ev)) {
                    e.add(r.rule(), "Local rule " + r.rule().name() + ": " + r.rule().msg());
                }
            }
        }
        if (layers.anomalies()) {
            anomalies.analyse(ev, cls, e);
            if (ev instanceof KerberosEvent k) {
                tickets.analyse(k, now, e);
            }
        }
        if (layers.chains()) {
            if (cls.steps != 0) {
                chains.analyse(cls.steps, h.clientIp(), h.serverIp(), now, e);
            }
        }
        if (layers.behaviour()) {
            behaviour(ev, h.clientIp(), now);
        }
        if (layers.ntlmRelay() && ev instanceof NtlmEvent n) {
            relay.analyse(n, e);
        }
        if (e.isEmpty()) {
            byAction[Action.LOG.ordinal()]++;
            return AnalysisResult.BENIGN;
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
            byAction[Action.LOG.ordinal()]++;
            return AnalysisResult.BENIGN;
        }
        return decide(h, appProto(ev), src, dst, now);
    }

    /** An authentication attempt reported by an integration: feeds the behaviour layer. */
    public AnalysisResult reportAuth(InetAddress ip, AuthAttempt attempt, long now) {
        engineEvents++;
        if (now > clock) {
            clock = now;
        }
        e.clear();
        if (cfg.layers().behaviour()) {
            authAttempts++;
            behaviour.auth(ip, attempt.username().toLowerCase(Locale.ROOT), attempt.success(), now, e);
        }
        if (tuningFilter != null && !e.isEmpty()) {
            tuningFilter.filter(null, ip, null, now, e);
        }
        if (e.isEmpty()) {
            byAction[Action.LOG.ordinal()]++;
            return AnalysisResult.BENIGN;
        }
        EventHeader h = new EventHeader(now, 0, ip, 0, ip, 0, io.impacketsensor.core.event.Transport.TCP);
        return decide(h, attempt.protocol().toLowerCase(Locale.ROOT), ip, null, now);
    }

    private void learn(SensorEvent ev) {
        if (ev instanceof KerberosEvent.KerberosReply || ev instanceof KerberosEvent.KerberosError) {
            dcs.observedServing(ev.header().serverIp());
        } else if (ev instanceof LdapEvent.LdapBind b && b.resultCode() >= 0) {
            dcs.observedServing(ev.header().serverIp());
        } else if (ev instanceof DcerpcEvent.DcerpcBind b && !b.nak()) {
            for (DcerpcEvent.Context c : b.contexts()) {
                if (RpcCatalog.DRSUAPI.equals(c.interfaceUuid()) && c.result() == 0) {
                    dcs.observedServing(ev.header().serverIp());
                }
            }
        } else if (ev instanceof NtlmEvent.NtlmChallenge c) {
            dcs.observedNtlmServer(ev.header().serverIp(), c.nbDomain(), c.nbComputer());
        } else if (ev instanceof SmbEvent.SmbTreeConnect t) {
            dcs.observedServerName(ev.header().serverIp(), t.path());
        } else if (ev instanceof DcerpcEvent.DcerpcRequest r && RpcCatalog.SAMR.equals(r.interfaceUuid())
                && r.args() instanceof RpcArgs.SamrCall c) {
            if (r.opnum() == 5) {
                dcs.observedSamrLookup(ev.header().serverIp(), c.name()); // SamrLookupDomainInSamServer
            } else if (r.opnum() == 64 || r.opnum() == 62 || r.opnum() == 57) {
                dcs.observedServerName(ev.header().serverIp(), c.name()); // SamrConnect5/4/2 ServerName
            }
        } else if (ev instanceof DcerpcEvent.DcerpcResponse r && r.opnum() == 5 && RpcCatalog.SAMR.equals(r.interfaceUuid())
                && r.result() instanceof RpcArgs.ReturnStatus st) {
            dcs.observedSamrLookupResult(ev.header().serverIp(), st.status());
        } else if (ev instanceof DcerpcEvent.DcerpcFault f && f.opnum() == 5 && RpcCatalog.SAMR.equals(f.interfaceUuid())) {
            dcs.observedSamrLookupResult(ev.header().serverIp(), f.status() == 0 ? -1 : f.status());
        }
    }

    private void behaviour(SensorEvent ev, InetAddress src, long now) {
        behaviour.protocol(src, protocolIndex(ev), now, e);
        if (ev instanceof SmbEvent.SmbSessionSetup s) {
            if (s.status() == 0) {
                behaviour.smbSession(src, now, e);
            }
        } else if (ev instanceof NtlmEvent.NtlmAuthenticate a) {
            if (!a.anonymous()) {
                behaviour.ntlmServed(ev.header().serverIp(), now);
            }
            if (a.status() != SensorEvent.NO_STATUS && !a.anonymous()) {
                // The carrier's result (SMB2 status, LDAP bind result, DCE/RPC fault) is the NTLM outcome:
                // this is the one count of an NTLM logon, whatever carries it.
                authAttempts++;
                behaviour.auth(src, account(a.domain(), a.user()), a.status() == 0, now, e);
            }
        } else if (ev instanceof KerberosEvent.KerberosRequest r) {
            if (r.msgType() == 12) {
                behaviour.tgsRequest(src, now, e);
            }
        } else if (ev instanceof KerberosEvent.KerberosReply r) {
            if (r.msgType() == 11) {
                authAttempts++;
                behaviour.auth(src, principal(r.cname()), true, now, e);
            } else if (r.msgType() == 13 && AnomalyLayer.roastableTicket(r)) {
                behaviour.rc4UserTicket(src, r.ticket().sname().toString(), now, e);
            }
        } else if (ev instanceof KerberosEvent.KerberosError k) {
            if (k.errorCode() == 24 || k.errorCode() == 18) {
                authAttempts++;
                behaviour.auth(src, principal(k.cname()), false, now, e);
            } else if (k.errorCode() == 6 && (k.request() == null || k.request().msgType() == 10)) {
                // KDC_ERR_C_PRINCIPAL_UNKNOWN to an AS-REQ: the client name does not exist (RFC 4120 7.5.9).
                behaviour.unknownPrincipal(src, principal(k.cname() != null || k.request() == null ? k.cname() : k.request().cname()), now, e);
            }
        } else if (ev instanceof LdapEvent.LdapSearch) {
            behaviour.ldapSearch(src, now, e);
        } else if (ev instanceof LdapEvent.LdapBind b) {
            // Only simple binds name the account in the bind itself; SASL and Sicily binds carry NTLM or
            // Kerberos, whose attempt is counted from the NTLM AUTHENTICATE (with the bind's result) or
            // from the KDC exchange. Counting the bind too would count one failed logon twice.
            if (b.bindType() == LdapEvent.BindType.SIMPLE && (b.resultCode() == 0 || b.resultCode() == 49)
                    && b.name() != null && !b.name().isEmpty()) {
                authAttempts++;
                behaviour.auth(src, b.name().toLowerCase(Locale.ROOT), b.resultCode() == 0, now, e);
            }
        } else if (ev instanceof DcerpcEvent.DcerpcRequest r && RpcCatalog.NETLOGON.equals(r.interfaceUuid())
                && (r.opnum() == 2 || r.opnum() == 39 || r.opnum() == 45)) {
            behaviour.netlogonLogon(src, now, e);
        }
    }

    private static String account(String domain, String user) {
        if (user == null || user.isEmpty()) {
            return "";
        }
        return domain == null || domain.isEmpty() ? user.toLowerCase(Locale.ROOT)
                : (domain + "\\" + user).toLowerCase(Locale.ROOT);
    }

    private static String principal(KerberosEvent.PrincipalName n) {
        return n == null ? "" : n.toString().toLowerCase(Locale.ROOT);
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
        for (CustomSignature c : signatures.customSignatures()) {
            a.severity[c.rule.index()] = c.spec.severity();
        }
        a.apply(t);
        TuningFilter f = new TuningFilter(t, cfg.behaviour().maxTrackedIps());
        e.active = a;
        localFileRules = local.toArray(new LocalRules.LocalRule[0]);
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

    private AnalysisResult decide(EventHeader h, String appProto, InetAddress src, InetAddress dst, long now) {
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
        String tool = tool(src, now);
        if (best == null) {
            // Only zero-confidence findings (a custom signature configured with confidence 0).
            byAction[Action.LOG.ordinal()]++;
            return AnalysisResult.BENIGN;
        }
        boolean admin = allow.isAdmin(src);
        if (admin) {
            if (cfg.allowList().mode() == EngineConfig.AllowList.Mode.SUPPRESS) {
                byAction[Action.LOG.ordinal()]++;
                return AnalysisResult.BENIGN;
            }
            conf *= cfg.allowList().confidenceFactor();
        }
        Action action = actionFor(conf);
        Action eventCap = cap(best);
        if (eventCap != null && action.compareTo(eventCap) > 0) {
            action = eventCap;
        }
        if (action == Action.LOG) {
            // Below the monitor threshold: reported to the caller, but no attack instance is kept.
            byAction[Action.LOG.ordinal()]++;
            return new AnalysisResult(false, eventOnly(best, conf, src, dst, tool));
        }

        Instance.Key key = new Instance.Key(best, src, dst);
        Instance in = instances.get(key);
        long dedupe = cfg.alerts().dedupeWindowSeconds() * BehaviourLayer.SEC;
        if (in == null || now - in.lastSeen > dedupe) {
            in = new Instance(nextInstanceId++, best, now);
            instances.put(key, in);
        }
        boolean changed = in.revision == 0;
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
            if (!foreignChain && in.indicators.size() < maxInd && in.indicators.add(e.indicators[i])) {
                changed = true;
            }
            if (e.types[i] == best && e.signatures[i] != null && in.signatures.size() < maxInd) {
                in.signatures.add(e.signatures[i]);
            }
            if (e.types[i] == best) {
                Double prev = in.rules.get(e.rules[i]);
                if (prev == null || e.confidences[i] > prev) {
                    in.rules.put(e.rules[i], e.confidences[i]);
                }
            }
            if (e.types[i] == best && e.severities[i] != null
                    && (in.severityOverride == null || e.severities[i].compareTo(in.severityOverride) > 0)) {
                in.severityOverride = e.severities[i];
            }
        }
        if (tool != null && in.tool == null) {
            in.tool = tool;
            changed = true;
        }
        ChainLayer.Progress p = e.chainFor(best);
        if (p != null && p.steps().size() > in.chain.size()) {
            in.chain = p.steps();
            changed = true;
        }
        Action instAction = actionFor(in.confidence);
        if (admin && instAction == Action.BLOCK) {
            instAction = Action.ALERT;
        }
        Action cap = cap(best);
        if (cap != null && instAction.compareTo(cap) > 0) {
            instAction = cap;
        }
        if (instAction.compareTo(in.action) > 0) {
            in.action = instAction;
            changed = true;
        }
        if (in.action == Action.BLOCK && cfg.blocking().enabled() && !admin) {
            Instant at = Instant.ofEpochSecond(0, now);
            String ip = src.getHostAddress();
            if (!in.blocked || !blocklist.isBlocked(ip, at)) {
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
        Analysis a = snapshot(in, src, dst);
        if (changed) {
            in.revision++;
            emit(h, appProto, in, a);
        } else {
            alertsSuppressed++;
        }
        return new AnalysisResult(in.action.compareTo(Action.ALERT) >= 0, a);
    }

    /**
     * The action cap of this event's findings of {@code best}: when every one of them has a cap (tuning
     * {@code action}), the highest cap; null when any is uncapped.
     */
    private Action cap(AttackType best) {
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
    private String tool(InetAddress src, long now) {
        for (int i = 0; i < e.size; i++) {
            if (e.types[i] == AttackType.IMPACKET_FINGERPRINT || TOOL_IMPACKET.equals(e.rules[i].tool())) {
                impacketSources.put(src, now);
                return TOOL_IMPACKET;
            }
        }
        Long seen = impacketSources.get(src);
        return seen != null && now - seen <= TOOL_MEMORY_NANOS ? TOOL_IMPACKET : null;
    }

    private void emit(EventHeader h, String appProto, Instance in, Analysis a) {
        if (in.action.compareTo(minAlertAction) < 0) {
            return;
        }
        if (in.action == Action.MONITOR && (monitorSeen++ % cfg.alerts().monitorSampleEvery()) != 0) {
            return;
        }
        alertsEmitted++;
        sink.accept(new Alert(h, appProto, a, in.revision, in.firstSeen, in.events));
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

    private Analysis eventOnly(AttackType best, double conf, InetAddress src, InetAddress dst, String tool) {
        List<String> ind = new java.util.ArrayList<>(e.size);
        List<String> sigs = new java.util.ArrayList<>(e.size);
        Map<Rule, Double> rules = new LinkedHashMap<>();
        for (int i = 0; i < e.size; i++) {
            if (e.types[i] == best) {
                ind.add(e.indicators[i]);
                if (e.signatures[i] != null && !sigs.contains(e.signatures[i])) {
                    sigs.add(e.signatures[i]);
                }
                rules.merge(e.rules[i], e.confidences[i], Math::max);
            }
        }
        ChainLayer.Progress p = e.chainFor(best);
        return new Analysis(best, Math.round(conf * 10_000) / 10_000.0, best.severity(), best.severityScore(), Action.LOG,
                false, List.copyOf(ind), List.copyOf(sigs), Recommendations.forType(best), best.mitreTechniques(),
                p == null ? List.of() : p.steps(), src.getHostAddress(), dst == null ? null : dst.getHostAddress(), 0L, tool,
                hits(rules));
    }

    private static Analysis snapshot(Instance in, InetAddress src, InetAddress dst) {
        Severity sev = in.severityOverride != null ? in.severityOverride : in.type.severity();
        int score = in.severityOverride != null ? in.severityOverride.maxScore() : in.type.severityScore();
        double conf = Math.round(in.confidence * 10_000) / 10_000.0;
        return new Analysis(in.type, conf, sev, score, in.action, in.blocked, List.copyOf(in.indicators),
                List.copyOf(in.signatures), Recommendations.forType(in.type), in.type.mitreTechniques(), in.chain,
                src.getHostAddress(), dst == null ? null : dst.getHostAddress(), in.id, in.tool, hits(in.rules));
    }

    /** The contributing rules, strongest first (the first of equals keeps its place). */
    private static List<RuleHit> hits(Map<Rule, Double> rules) {
        List<RuleHit> l = new java.util.ArrayList<>(rules.size());
        for (Map.Entry<Rule, Double> en : rules.entrySet()) {
            Rule r = en.getKey();
            l.add(new RuleHit(r.sid(), r.rev(), r.name(), Math.round(en.getValue() * 10_000) / 10_000.0, r.msg()));
        }
        l.sort((a, b) -> Double.compare(b.confidence(), a.confidence()));
        return List.copyOf(l);
    }

    private static int protocolIndex(SensorEvent ev) {
        if (ev instanceof SmbEvent) {
            return P_SMB;
        }
        if (ev instanceof DcerpcEvent) {
            return P_RPC;
        }
        if (ev instanceof KerberosEvent) {
            return P_KRB;
        }
        if (ev instanceof NtlmEvent) {
            return P_NTLM;
        }
        if (ev instanceof LdapEvent) {
            return P_LDAP;
        }
        ProtocolAnomaly a = (ProtocolAnomaly) ev;
        return a.name().startsWith("kerberos") ? P_KRB : a.name().startsWith("ldap") ? P_LDAP
                : a.name().startsWith("dcerpc") ? P_RPC : a.name().startsWith("ntlm") ? P_NTLM : P_SMB;
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
                case RAW -> "ntlm";
            };
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
        for (AttackType t : AttackType.values()) {
            if (byType[t.ordinal()] > 0) {
                types.put(t.id(), byType[t.ordinal()]);
            }
        }
        Map<String, Long> actions = new LinkedHashMap<>();
        for (Action a : Action.values()) {
            actions.put(a.id(), byAction[a.ordinal()]);
        }
        return new Statistics(totalEvents, engineEvents, authAttempts, attacks, smbAttacks, kerberosAttacks, relayAttempts,
                secretDumps, blocked().size(), alertsEmitted, alertsSuppressed, java.util.Collections.unmodifiableMap(types),
                java.util.Collections.unmodifiableMap(actions), behaviour.trackedSources(), behaviour.evictedSources(),
                blocklist.evictions());
    }
}
