package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.Severity;
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

    ActiveRules(RuleCatalog catalog, List<Rule> local) {
        List<Rule> all = new ArrayList<>(catalog.rules());
        all.addAll(local);
        this.rules = List.copyOf(all);
        int n = all.size();
        enabled = new boolean[n];
        confidence = new double[n];
        severity = new Severity[n];
        hits = new long[n];
        for (Rule r : all) {
            enabled[r.index()] = true;
            confidence[r.index()] = r.confidence();
        }
    }
}
