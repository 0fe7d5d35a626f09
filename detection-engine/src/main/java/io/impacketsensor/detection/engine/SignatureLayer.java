package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.rules.DataRuleIndex;
import io.impacketsensor.detection.rules.RuleCatalog;

/**
 * Layer 1: names and strings Impacket uses (INDICATORS.md §2) — named pipes, service names and binary
 * paths, output and uploaded files, registry keys, tasks, WMI/DCOM method names and activated classes.
 * Every rule of this layer is catalog data over the {@code EventField} registry; each match is a
 * finding with the rule's signature. (The operator's custom signatures match over the same registry:
 * {@link CustomSignature}.)
 */
final class SignatureLayer {
    /** The catalog's signature rules, indexed by event kind and DCE/RPC interface. */
    private final DataRuleIndex dataRules = RuleCatalog.builtin().dataRuleIndex("signature");

    void analyse(SensorEvent ev, Classification c, Evidence e) {
        int first = e.size;
        e.addMatching(dataRules, ev, c);
        e.sortByRule(first);
    }
}
