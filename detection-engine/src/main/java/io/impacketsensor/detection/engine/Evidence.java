package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.rules.Text;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.Severity;
import io.impacketsensor.detection.rules.DataRuleIndex;
import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.core.event.SensorEvent;

/**
 * The findings of the layers for one event: reused for every event (the engine is single-threaded),
 * so a benign event allocates nothing here. A finding is a rule of the catalog (its attack type and
 * signature name), the confidence the active rule set gives it and an indicator text; chain findings
 * also carry the steps. A disabled rule adds nothing.
 */
public final class Evidence {
    static final int MAX = 32;

    final AttackType[] types = new AttackType[MAX];
    final double[] confidences = new double[MAX];
    final String[] indicators = new String[MAX];
    /** A finding's indicator made when first read ({@link #indicator}), from its event: else null. */
    final EventText[] texts = new EventText[MAX];
    final SensorEvent[] textEvents = new SensorEvent[MAX];
    final String[] signatures = new String[MAX];
    final Severity[] severities = new Severity[MAX];
    final Rule[] rules = new Rule[MAX];
    int size;
    /** The rules in force (defaults plus tuning); swapped by the engine thread on reload. */
    ActiveRules active;
    /** Set by the chain layer: the chains that advanced on this event. */
    final ChainLayer.Progress[] chains = new ChainLayer.Progress[ChainLayer.DEFS.size()];
    int chainCount;
    /** True when the server side of the event is the attacker (an Impacket SMB server's challenge). */
    boolean attackerIsServer;

    /** An indicator text made from the event alone. */
    interface EventText {
        String of(SensorEvent ev);
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            indicators[i] = null;
            texts[i] = null;
            textEvents[i] = null;
            signatures[i] = null;
            severities[i] = null;
            rules[i] = null;
        }
        size = 0;
        for (int i = 0; i < chainCount; i++) {
            chains[i] = null;
        }
        chainCount = 0;
        attackerIsServer = false;
    }

    /** Adds a finding for every data rule of {@code rules} (catalog or operator) that the classified event matches. */
    void addMatching(DataRuleIndex rules, SensorEvent ev, Classification c) {
        for (DataRuleIndex.Entry d : rules.candidates(c.kind, c.iface, c.opnum, c.values)) {
            if (d.matches(c.values)) {
                add(d.rule().rule(), d.indicator(ev, c.values));
            }
        }
    }

    /** Adds a finding of a rule; findings past {@link #MAX} for one event are dropped. */
    public void add(Rule rule, String indicator) {
        addFinding(rule, indicator);
    }

    /**
     * Adds a finding whose indicator {@code text} makes from {@code ev} when the decision first reads
     * it ({@link #indicator}): a finding that stays below the monitor threshold, where the packet
     * pipeline reads none, makes no text. {@code text} must not depend on state that the rest of the
     * event's analysis changes.
     */
    void add(Rule rule, EventText text, SensorEvent ev) {
        if (addFinding(rule, null)) {
            texts[size - 1] = text;
            textEvents[size - 1] = ev;
        }
    }

    /** The indicator of finding {@code i}, made now when it was left to be made. */
    String indicator(int i) {
        EventText t = texts[i];
        if (t != null) {
            indicators[i] = Text.bound(t.of(textEvents[i]), Text.INDICATOR_LIMIT);
            texts[i] = null;
            textEvents[i] = null;
        }
        return indicators[i];
    }

    private boolean addFinding(Rule rule, String indicator) {
        int r = rule.index();
        if (size == MAX || !active.enabled[r]) {
            return false;
        }
        active.hits[r]++;
        types[size] = rule.attackType();
        confidences[size] = active.confidence[r];
        indicators[size] = Text.bound(indicator, Text.INDICATOR_LIMIT);
        signatures[size] = rule.signature();
        severities[size] = active.severity[r];
        rules[size] = rule;
        size++;
        return true;
    }

    /**
     * Every finding so far multiplied by {@code factor}, its indicator followed by {@code why}: the
     * event's evidence is less certain than the rules assume (a DCE/RPC interface inferred from the
     * call sequence instead of bound). Allocates the new indicator texts; called for such events only.
     */
    void weaken(double factor, String why) {
        for (int i = 0; i < size; i++) {
            confidences[i] *= factor;
            indicators[i] = Text.bound(indicator(i) + why, Text.INDICATOR_LIMIT);
        }
    }

    /**
     * Orders the findings from {@code first} on by their rule's catalog position (stable): a layer runs
     * its data rules before its Java checks, and the catalog lists each layer's rules in the order the
     * checks run, so the findings of one event come out in the same order however a rule is written.
     * Insertion sort over a handful of findings; no allocation.
     */
    void sortByRule(int first) {
        for (int i = first + 1; i < size; i++) {
            Rule r = rules[i];
            if (rules[i - 1].index() <= r.index()) {
                continue;
            }
            AttackType t = types[i];
            double c = confidences[i];
            String ind = indicators[i];
            EventText text = texts[i];
            SensorEvent textEvent = textEvents[i];
            String sig = signatures[i];
            Severity sev = severities[i];
            int j = i;
            while (j > first && rules[j - 1].index() > r.index()) {
                move(j - 1, j);
                j--;
            }
            types[j] = t;
            confidences[j] = c;
            indicators[j] = ind;
            texts[j] = text;
            textEvents[j] = textEvent;
            signatures[j] = sig;
            severities[j] = sev;
            rules[j] = r;
        }
    }

    /** Moves finding {@code from} to position {@code to} (to &lt;= from), for in-place filtering. */
    void move(int from, int to) {
        if (from == to) {
            return;
        }
        types[to] = types[from];
        confidences[to] = confidences[from];
        indicators[to] = indicators[from];
        texts[to] = texts[from];
        textEvents[to] = textEvents[from];
        signatures[to] = signatures[from];
        severities[to] = severities[from];
        rules[to] = rules[from];
    }

    /** Keeps the first {@code n} findings. */
    void truncate(int n) {
        for (int i = n; i < size; i++) {
            indicators[i] = null;
            texts[i] = null;
            textEvents[i] = null;
            signatures[i] = null;
            severities[i] = null;
            rules[i] = null;
        }
        size = n;
    }

    /** Drops the findings of these attack types (an authorised service's own lifecycle). */
    void dropTypes(io.impacketsensor.detection.model.AttackType a, io.impacketsensor.detection.model.AttackType b,
                   io.impacketsensor.detection.model.AttackType c) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (types[i] == a || types[i] == b || types[i] == c) {
                active.suppressed[rules[i].index()]++;
                continue;
            }
            move(i, kept++);
        }
        truncate(kept);
    }

    /** The chain of this attack type that advanced on this event, or null. */
    ChainLayer.Progress chainFor(AttackType type) {
        for (int i = 0; i < chainCount; i++) {
            if (chains[i].def().type() == type) {
                return chains[i];
            }
        }
        return null;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    /** Noisy-OR of the findings of one type: independent evidence adds up without exceeding 1. */
    double combined(AttackType type) {
        double miss = 1.0;
        boolean any = false;
        for (int i = 0; i < size; i++) {
            if (types[i] == type) {
                miss *= 1.0 - confidences[i];
                any = true;
            }
        }
        return any ? 1.0 - miss : 0.0;
    }

    /** True when a finding of this type is present. */
    boolean has(AttackType type) {
        for (int i = 0; i < size; i++) {
            if (types[i] == type) {
                return true;
            }
        }
        return false;
    }
}
