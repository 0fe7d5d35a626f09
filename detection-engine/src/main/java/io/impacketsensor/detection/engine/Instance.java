package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.model.Action;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.ChainStep;
import io.impacketsensor.detection.model.RuleHit;
import io.impacketsensor.detection.model.Severity;
import io.impacketsensor.detection.rules.Rule;

import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One attack instance: an attack type from one source against one target within the dedupe window.
 * Repeated evidence updates it instead of raising a new alert. Indicator and signature sets are
 * bounded by {@code alerts.max_indicators}.
 */
final class Instance {
    /**
     * (type, source, target). The decider reuses one instance as its lookup probe; keys stored in
     * the map are fresh copies and never change.
     */
    static final class Key {
        AttackType type;
        InetAddress source;
        InetAddress target;

        Key(AttackType type, InetAddress source, InetAddress target) {
            this.type = type;
            this.source = source;
            this.target = target;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.type == type && java.util.Objects.equals(k.source, source)
                    && java.util.Objects.equals(k.target, target);
        }

        @Override
        public int hashCode() {
            return (type.ordinal() * 31 + java.util.Objects.hashCode(source)) * 31 + java.util.Objects.hashCode(target);
        }
    }

    final long id;
    final AttackType type;
    final long firstSeen;
    long lastSeen;
    double confidence;
    Action action = Action.LOG;
    boolean blocked;
    /**
     * The source and target addresses as text, formatted once: every revision's answer quotes them,
     * and a blocked attack's every repeat checks its block.
     */
    String sourceText;
    String targetText;
    boolean counted;
    int revision;
    long events;
    Severity severityOverride;
    /** {@code impacket} once the source was recognised as Impacket, else null. */
    String tool;
    List<ChainStep> chain = List.of();
    final Set<String> indicators = new LinkedHashSet<>();
    final Set<String> signatures = new LinkedHashSet<>();
    /**
     * The indicators, signatures and rule hits as the last answer listed them: most revisions of an
     * instance change its confidence or action, or add one indicator, and leave the rest as listed.
     */
    private List<String> listedIndicators = List.of();
    private List<String> listedSignatures = List.of();
    List<RuleHit> listedHits = List.of();
    /**
     * The rules of this instance's type that contributed, in the order they first did, with the highest
     * confidence each gave: {@code ruleCount} entries of two parallel arrays, grown when a new rule joins.
     */
    Rule[] rules = new Rule[4];
    double[] ruleConfidence = new double[4];
    int ruleCount;
    /** The answer of the last decision, reused while nothing the answer shows has changed. */
    AnalysisResult last;

    /** The indicators as an immutable list; the sets only grow, so a list of the same size lists them still. */
    List<String> indicatorList() {
        if (listedIndicators.size() != indicators.size()) {
            listedIndicators = List.copyOf(indicators);
        }
        return listedIndicators;
    }

    /** The signatures as an immutable list, as {@link #indicatorList}. */
    List<String> signatureList() {
        if (listedSignatures.size() != signatures.size()) {
            listedSignatures = List.copyOf(signatures);
        }
        return listedSignatures;
    }

    /** Records a rule's contribution; true when it is new or stronger than before. */
    boolean contributed(Rule rule, double confidence) {
        for (int i = 0; i < ruleCount; i++) {
            if (rules[i] == rule) {
                if (confidence > ruleConfidence[i]) {
                    ruleConfidence[i] = confidence;
                    return true;
                }
                return false;
            }
        }
        if (ruleCount == rules.length) {
            rules = java.util.Arrays.copyOf(rules, ruleCount * 2);
            ruleConfidence = java.util.Arrays.copyOf(ruleConfidence, ruleCount * 2);
        }
        rules[ruleCount] = rule;
        ruleConfidence[ruleCount] = confidence;
        ruleCount++;
        return true;
    }

    Instance(long id, AttackType type, long now) {
        this.id = id;
        this.type = type;
        this.firstSeen = now;
        this.lastSeen = now;
    }
}
