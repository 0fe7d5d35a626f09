package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.config.EngineConfigLoader;
import io.impacketsensor.detection.model.Action;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.response.AllowListMatcher;
import io.impacketsensor.detection.response.Blocklist;
import io.impacketsensor.detection.response.BlocklistStore;
import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.RuleCatalog;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decide/block step on hand-filled findings (synthetic), without the layers. */
class DeciderTest {
    private static final InetAddress ATK = AllowListMatcher.parseAddress("10.8.0.66");
    private static final InetAddress SRV = AllowListMatcher.parseAddress("10.8.0.10");
    private static final InetAddress ADMIN = AllowListMatcher.parseAddress("10.9.0.5");
    private static final long T0 = 1_800_000_000L * 1_000_000_000L;

    private final List<Alert> alerts = new ArrayList<>();
    private Blocklist blocklist;

    private Decider decider(EngineConfig cfg) {
        AllowListMatcher allow = new AllowListMatcher(cfg.allowList().adminNetworks(), cfg.allowList().serviceNames());
        blocklist = new Blocklist(BlocklistStore.NONE, cfg.blocking().ttlSeconds(), cfg.blocking().maxEntries());
        Decider d = new Decider(cfg, allow, blocklist);
        d.sink(alerts::add);
        return d;
    }

    private static Evidence findings(Object... ruleAndConfidence) {
        Evidence e = new Evidence();
        e.active = new ActiveRules(RuleCatalog.builtin(), List.of());
        for (int i = 0; i < ruleAndConfidence.length; i += 2) {
            Rule r = (Rule) ruleAndConfidence[i];
            e.active.confidence[r.index()] = (Double) ruleAndConfidence[i + 1];
            e.add(r, "finding " + r.name());
        }
        return e;
    }

    private static EventHeader h(InetAddress src, long t) {
        return new EventHeader(t, 1, src, 50000, SRV, 445, Transport.TCP);
    }

    private AnalysisResult decide(Decider d, Evidence e, InetAddress src, long t) {
        return d.decide(e, h(src, t), "smb", src, SRV, t, true);
    }

    /**
     * A log-level answer builds its details when read, from its own copy of the findings: reading it
     * after the next event has reused the evidence gives the first event's details, the same each time.
     */
    @Test
    void aLogAnswerIsReadFromItsOwnFindingsAfterTheEvidenceIsReused() {
        Decider d = decider(EngineConfig.defaults());
        Rule step = RuleCatalog.builtin().require("pass_the_hash_chain_step1"); // pass_the_hash too
        Rule pipe = RuleCatalog.builtin().require("svcctl_pipe"); // service_manipulation
        Evidence e = findings(Rules.PASS_THE_HASH, 0.1, step, 0.05, pipe, 0.02);
        e.add(Rules.PASS_THE_HASH, "second finding pass_the_hash");
        AnalysisResult log = decide(d, e, ATK, T0);
        e.clear();
        e.add(pipe, "another event");
        decide(d, e, SRV, T0 + 1);

        assertFalse(log.isAttack());
        var a = log.analysis();
        assertSame(a, log.analysis(), "built once");
        assertEquals(AttackType.PASS_THE_HASH, a.attackType());
        assertEquals(Action.LOG, a.action());
        assertEquals(List.of("finding pass_the_hash", "finding pass_the_hash_chain_step1", "second finding pass_the_hash"),
                a.indicators());
        // Noisy-OR of 0.1, 0.05 and 0.1; each rule once, at its highest confidence, strongest first.
        assertEquals(Math.round((1 - 0.9 * 0.95 * 0.9) * 10_000) / 10_000.0, a.confidence());
        assertEquals(List.of("pass_the_hash", "pass_the_hash_chain_step1"), a.rules().stream().map(r -> r.name()).toList());
        assertEquals(List.of(0.1, 0.05), a.rules().stream().map(r -> r.confidence()).toList());
        assertEquals("10.8.0.66", a.sourceIp());
        assertEquals("10.8.0.10", a.targetIp());
        assertEquals(0L, a.instanceId());
    }

    /**
     * Without a reader (the packet pipeline) a decision builds no answer, yet its alerts, counters and
     * blocks are those of a decision with one, and an answer asked for later shows the same instance.
     */
    @Test
    void decisionsWithoutAReaderRaiseTheSameAlertsAndLaterAnswers() {
        Rule b = RuleCatalog.builtin().rules().stream()
                .filter(r -> r.attackType() == AttackType.PASS_THE_HASH && r != Rules.PASS_THE_HASH).findFirst().orElseThrow();
        Object[][] steps = {{Rules.PASS_THE_HASH, 0.1}, {Rules.PASS_THE_HASH, 0.4}, {Rules.PASS_THE_HASH, 0.4},
                {Rules.PASS_THE_HASH, 0.6}, {Rules.PASS_THE_HASH, 0.6, b, 0.3}, {Rules.PASS_THE_HASH, 0.6},
                {Rules.PASS_THE_HASH, 0.9}, {Rules.PASS_THE_HASH, 0.9}};
        List<Alert> answered = new ArrayList<>();
        List<AnalysisResult> answers = new ArrayList<>();
        Decider withAnswers = decider(EngineConfig.defaults());
        withAnswers.sink(answered::add);
        Blocklist answeredBlocks = blocklist;
        List<Alert> quiet = new ArrayList<>();
        Decider without = decider(EngineConfig.defaults());
        without.sink(quiet::add);
        for (int i = 0; i < steps.length; i++) {
            long t = T0 + i * 1_000_000_000L;
            answers.add(withAnswers.decide(findings(steps[i]), h(ATK, t), "smb", ATK, SRV, t, true));
            AnalysisResult r = without.decide(findings(steps[i]), h(ATK, t), "smb", ATK, SRV, t, false);
            if (r != null) {
                assertEquals(answers.get(i), r, "an answer built anyway is the same answer");
            }
        }
        assertEquals(answered.size(), quiet.size());
        for (int i = 0; i < answered.size(); i++) {
            assertEquals(answered.get(i).analysis(), quiet.get(i).analysis());
            assertEquals(answered.get(i).revision(), quiet.get(i).revision());
        }
        assertEquals(java.util.Arrays.toString(withAnswers.byAction()), java.util.Arrays.toString(without.byAction()));
        assertEquals(withAnswers.alertsSuppressed(), without.alertsSuppressed());
        assertEquals(answeredBlocks.size(), blocklist.size());
        long t = T0 + steps.length * 1_000_000_000L;
        Object[] last = steps[steps.length - 1];
        assertEquals(withAnswers.decide(findings(last), h(ATK, t), "smb", ATK, SRV, t, true),
                without.decide(findings(last), h(ATK, t), "smb", ATK, SRV, t, true));
    }

    @Test
    void confidenceMapsToTheConfiguredActions() {
        Decider d = decider(EngineConfig.defaults());
        AnalysisResult log = decide(d, findings(Rules.PASS_THE_HASH, 0.2), ATK, T0);
        assertEquals(Action.LOG, log.analysis().action());
        assertEquals(0L, log.analysis().instanceId(), "below monitor no instance is kept");
        assertEquals(Action.MONITOR, decide(d, findings(Rules.PASS_THE_HASH, 0.4), ATK, T0).analysis().action());
        AnalysisResult alert = decide(d, findings(Rules.PASS_THE_HASH, 0.6), ATK, T0);
        assertEquals(Action.ALERT, alert.analysis().action());
        assertTrue(alert.isAttack());
        assertFalse(alert.analysis().blocked());
        AnalysisResult block = decide(d, findings(Rules.PASS_THE_HASH, 0.9), ATK, T0);
        assertEquals(Action.BLOCK, block.analysis().action());
        assertTrue(block.analysis().blocked());
        assertTrue(blocklist.isBlocked("10.8.0.66", Instant.ofEpochSecond(0, T0)));
        assertEquals(1, d.attacks(), "one instance, counted once");
        assertEquals(1, d.byType()[AttackType.PASS_THE_HASH.ordinal()]);
    }

    @Test
    void findingsOfOneTypeCombineAndTheStrongestTypeWins() {
        Decider d = decider(EngineConfig.defaults());
        // 1 - (1 - 0.4)(1 - 0.4) = 0.64 beats a single 0.6 of another type.
        Rule overpass = io.impacketsensor.detection.rules.RuleCatalog.builtin().require("overpass_the_hash");
        AnalysisResult r = decide(d, findings(overpass, 0.6, Rules.PASS_THE_HASH, 0.4, Rules.PASS_THE_HASH, 0.4), ATK, T0);
        assertEquals(AttackType.PASS_THE_HASH, r.analysis().attackType());
        assertEquals(0.64, r.analysis().confidence(), 1e-9);
        assertEquals(1, r.analysis().rules().size(), "only the winning type's rules are quoted");
        assertEquals(Rules.PASS_THE_HASH.sid(), r.analysis().strongestRule().sid());
    }

    @Test
    void repeatedEvidenceUpdatesOneInstanceAndIsNotReRaised() {
        Decider d = decider(EngineConfig.defaults());
        AnalysisResult first = decide(d, findings(Rules.PASS_THE_HASH, 0.6), ATK, T0);
        AnalysisResult again = decide(d, findings(Rules.PASS_THE_HASH, 0.6), ATK, T0 + 1_000_000_000L);
        assertEquals(first.analysis().instanceId(), again.analysis().instanceId());
        assertEquals(1, alerts.size(), "the same evidence again changes nothing");
        assertEquals(1, d.alertsSuppressed());
        decide(d, findings(Rules.PASS_THE_HASH, 0.9), ATK, T0 + 2_000_000_000L);
        assertEquals(2, alerts.size(), "a stronger finding updates the alert");
        assertEquals(2, alerts.get(1).revision());
        // Past the dedupe window (3600 s by default) the same evidence is a new instance.
        AnalysisResult later = decide(d, findings(Rules.PASS_THE_HASH, 0.6), ATK, T0 + 3700 * 1_000_000_000L);
        assertNotEquals(first.analysis().instanceId(), later.analysis().instanceId());
    }

    @Test
    void anAdminSourceIsLoweredAndNeverBlocked() {
        EngineConfig cfg = EngineConfigLoader.parse("engine:\n  allowlist:\n    admin_networks: [10.9.0.0/16]\n");
        Decider d = decider(cfg);
        AnalysisResult r = decide(d, findings(Rules.PASS_THE_HASH, 0.9), ADMIN, T0);
        // confidence_factor 0.5 by default: 0.9 becomes 0.45, a monitor.
        assertEquals(0.45, r.analysis().confidence(), 1e-9);
        assertEquals(Action.MONITOR, r.analysis().action());
        assertFalse(r.analysis().blocked());
        assertEquals(0, blocklist.size());

        Decider suppress = decider(EngineConfigLoader.parse(
                "engine:\n  allowlist:\n    admin_networks: [10.9.0.0/16]\n    mode: suppress\n"));
        assertSame(AnalysisResult.BENIGN, decide(suppress, findings(Rules.PASS_THE_HASH, 0.9), ADMIN, T0));
        assertEquals(1, suppress.byAction()[Action.LOG.ordinal()]);
    }

    @Test
    void aTuningCapHoldsTheAction() {
        Decider d = decider(EngineConfig.defaults());
        Evidence e = findings(Rules.PASS_THE_HASH, 0.9);
        e.active.cap[Rules.PASS_THE_HASH.index()] = Action.ALERT;
        AnalysisResult r = decide(d, e, ATK, T0);
        assertEquals(Action.ALERT, r.analysis().action());
        assertFalse(r.analysis().blocked());
    }

    @Test
    void minActionKeepsMonitorsOutOfTheSink() {
        Decider d = decider(EngineConfig.defaults());
        decide(d, findings(Rules.PASS_THE_HASH, 0.4), ATK, T0);
        assertEquals(0, alerts.size(), "alerts.min_action is alert by default");
        assertEquals(0, d.alertsEmitted());
    }

    /** A catalog rule of the same attack type as {@link Rules#PASS_THE_HASH}, other than it. */
    private static Rule anotherPassTheHashRule() {
        return RuleCatalog.builtin().rules().stream()
                .filter(r -> r.attackType() == AttackType.PASS_THE_HASH && r != Rules.PASS_THE_HASH).findFirst()
                .orElseThrow();
    }

    @Test
    void rulesAreQuotedStrongestFirstAndEqualsKeepTheirOrder() {
        Rule a = Rules.PASS_THE_HASH;
        Rule b = anotherPassTheHashRule();
        Decider d = decider(EngineConfig.defaults());
        AnalysisResult r = decide(d, findings(b, 0.3, a, 0.6), ATK, T0);
        assertEquals(List.of(a.sid(), b.sid()), r.analysis().rules().stream().map(h -> h.sid()).toList());
        // Equal (after rounding to four places) keep the order they first contributed in.
        AnalysisResult eq = decide(decider(EngineConfig.defaults()), findings(b, 0.600001, a, 0.6), ATK, T0);
        assertEquals(List.of(b.sid(), a.sid()), eq.analysis().rules().stream().map(h -> h.sid()).toList());
        // Below monitor (no instance) the same order holds.
        AnalysisResult low = decide(decider(EngineConfig.defaults()), findings(b, 0.05, a, 0.1), ATK, T0);
        assertEquals(List.of(a.sid(), b.sid()), low.analysis().rules().stream().map(h -> h.sid()).toList());
    }

    @Test
    void aRepeatThatChangesNothingReusesTheAnswer() {
        Rule a = Rules.PASS_THE_HASH;
        Rule b = anotherPassTheHashRule();
        Decider d = decider(EngineConfig.defaults());
        AnalysisResult first = decide(d, findings(a, 0.6), ATK, T0);
        assertSame(first, decide(d, findings(a, 0.6), ATK, T0 + 1));
        AnalysisResult more = decide(d, findings(a, 0.6, b, 0.6), ATK, T0 + 2);
        assertNotEquals(first, more, "a new contributing rule changes the answer");
        assertEquals(2, more.analysis().rules().size());
        assertSame(more, decide(d, findings(b, 0.6), ATK, T0 + 3), "a weaker repeat of known evidence");
    }

    @Test
    void anAnswerListsWhatDidNotChangeAsTheLastOneDid() {
        Rule a = Rules.PASS_THE_HASH;
        Rule b = anotherPassTheHashRule();
        Decider d = decider(EngineConfig.defaults());
        AnalysisResult first = decide(d, findings(a, 0.6), ATK, T0);
        // Stronger: the same indicators, the rule quoted at its new confidence.
        AnalysisResult stronger = decide(d, findings(a, 0.9), ATK, T0 + 1);
        assertSame(first.analysis().indicators(), stronger.analysis().indicators());
        assertEquals(0.9, stronger.analysis().rules().get(0).confidence());
        assertEquals(0.6, first.analysis().rules().get(0).confidence());
        // A new rule and indicator: both listed anew.
        AnalysisResult more = decide(d, findings(a, 0.9, b, 0.3), ATK, T0 + 2);
        assertEquals(List.of("finding " + a.name(), "finding " + b.name()), more.analysis().indicators());
        assertEquals(List.of(a.sid(), b.sid()), more.analysis().rules().stream().map(h -> h.sid()).toList());
        assertEquals(List.of(a.sid()), stronger.analysis().rules().stream().map(h -> h.sid()).toList());
        // Another indicator of the same rules at the same confidences: the rules as listed.
        Evidence e = findings(a, 0.9);
        e.add(a, "another finding");
        AnalysisResult another = decide(d, e, ATK, T0 + 3);
        assertNotEquals(more, another);
        assertSame(more.analysis().rules(), another.analysis().rules());
        assertSame(more.analysis().matchedSignatures(), another.analysis().matchedSignatures());
        assertEquals(List.of("finding " + a.name(), "finding " + b.name(), "another finding"),
                another.analysis().indicators());
        assertEquals(2, more.analysis().indicators().size());
    }
}
