package io.impacketsensor.detection.rules;

import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.Severity;

import java.util.List;

/**
 * One detection rule: one outcome the engine can raise, with a stable id. Built-in rules come from
 * the catalog resource ({@code rules/catalog.yaml}); operator rules from {@code local.rules.yaml}
 * or the configuration's {@code custom_signatures}.
 *
 * @param sid         stable unique id (9000xxx for the built-in catalog), EVE {@code alert.signature_id}
 * @param rev         revision, raised when the rule's meaning changes
 * @param name        unique snake_case name
 * @param signature   the name reported in {@code matched_signatures} (several rules of one technique share it)
 * @param attackType  the attack type the finding is evidence for
 * @param confidence  default confidence the finding contributes (0..1)
 * @param severity    severity of an alert this rule leads
 * @param mitre       ATT&CK technique ids
 * @param layer       where the rule is evaluated: signature, anomaly, chain, behaviour, ticket_history,
 *                    relay (Java), fleet (the correlator, across sensors) or local (an operator rule
 *                    over decoded fields)
 * @param tool        {@code impacket} when the rule alone identifies the Impacket client, else null
 * @param msg         one line, EVE {@code alert.signature}
 * @param description what the rule detects and why
 * @param evidence    the indicator it quotes, with {@code <placeholders>} for the observed values
 * @param index       dense position in its rule set (per-rule counters and tuning arrays)
 */
public record Rule(int sid, int rev, String name, String signature, AttackType attackType, double confidence,
                   Severity severity, List<String> mitre, String layer, String tool, String msg, String description,
                   String evidence, int index) {

    /** True for a chain step (its progress belongs to its own attack type only). */
    public boolean chain() {
        return "chain".equals(layer);
    }

    /**
     * A rule is its sid (unique in a rule set): alert instances key their contributing rules by rule
     * on every alerting event, and the record's default would hash every string and list.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Rule r && r.sid == sid && r.rev == rev && r.index == index;
    }

    @Override
    public int hashCode() {
        return sid;
    }
}
