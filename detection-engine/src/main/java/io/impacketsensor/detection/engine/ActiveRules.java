package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.model.Action;
import io.impacketsensor.detection.model.Severity;
import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.RuleCatalog;

import java.util.ArrayList;
import java.util.List;

/**
 * The rule set in force for one engine: the built-in catalog followed by the operator's rules, with
 * each rule's effective switch, confidence and severity override in arrays indexed by
 * {@link Rule#index()} (no lookup on the event path), and a hit counter per rule.
 */
final class ActiveRules {
    final List<Rule> rules;
    final boolean[] enabled;
    final double[] confidence;
    /** Severity override (operator rule or tuning), null to keep the attack type's. */
    final Severity[] severity;
    final long[] hits;
    /** Findings dropped by a suppression or threshold, per rule. */
    final long[] suppressed;
    /** Action cap per rule (tuning), null when none. */
    final Action[] cap;

    ActiveRules(RuleCatalog catalog, List<Rule> local) {
        this(catalog, local, null);
    }

    /** A rule set with the counters of {@code previous} carried over (a reload keeps the statistics). */
    ActiveRules(RuleCatalog catalog, List<Rule> local, ActiveRules previous) {
        List<Rule> all = new ArrayList<>(catalog.rules());
        all.addAll(local);
        this.rules = List.copyOf(all);
        int n = all.size();
        enabled = new boolean[n];
        confidence = new double[n];
        severity = new Severity[n];
        hits = new long[n];
        suppressed = new long[n];
        if (previous != null) {
            // The built-in rules and custom signatures keep their indices across reloads; operator
            // file rules after them may change, and a changed rule starts counting afresh.
            for (int i = 0; i < Math.min(n, previous.rules.size()); i++) {
                if (previous.rules.get(i).sid() == all.get(i).sid()) {
                    hits[i] = previous.hits[i];
                    suppressed[i] = previous.suppressed[i];
                }
            }
        }
        cap = new Action[n];
        for (Rule r : all) {
            enabled[r.index()] = true;
            confidence[r.index()] = r.confidence();
        }
    }

    /** Applies a tuning's per-rule overrides. */
    void apply(io.impacketsensor.detection.rules.Tuning t) {
        for (io.impacketsensor.detection.rules.Tuning.RuleOverride o : t.overrides()) {
            int i = o.rule().index();
            if (i >= rules.size() || rules.get(i).sid() != o.rule().sid()) {
                throw new IllegalArgumentException("tuning names rule " + o.rule().sid() + " that is not in force");
            }
            if (o.enabled() != null) {
                enabled[i] = o.enabled();
            }
            if (o.confidence() != null) {
                confidence[i] = o.confidence();
            }
            if (o.severity() != null) {
                severity[i] = o.severity();
            }
            if (o.actionCap() != null) {
                cap[i] = o.actionCap();
            }
        }
    }
}
