package io.impacketsensor.detection.model;

import java.util.List;

/**
 * The engine's verdict on an event, or on the attack instance the event belongs to.
 *
 * @param attackType        the most likely attack, or null when nothing matched
 * @param confidence        0..1
 * @param severity          severity class (of the attack type; LOW when none)
 * @param severityScore     1–10 (0 when no attack type)
 * @param action            the action for this confidence (after the allow-list)
 * @param blocked           true when the source is on the blocklist because of this instance
 * @param indicators        human-readable evidence, e.g. {@code Admin share access: ADMIN$}
 * @param matchedSignatures names of the signatures and chains that matched, e.g. {@code psexec}
 * @param recommendations   remediation for the attack type
 * @param mitreTechniques   ATT&CK technique ids
 * @param chain             attack chain steps seen so far, in order
 * @param sourceIp          the attacker's address
 * @param targetIp          the target's address, or null
 * @param instanceId        id of the attack instance (stable across updates), 0 when none
 * @param tool              the tool the source was recognised as ({@code impacket}: its client
 *                          fingerprint or an Impacket-only signature seen from that address), or null
 * @param rules             the rules that contributed, strongest first (EVE {@code alert.signature_id} is
 *                          the first one's sid)
 */
public record Analysis(AttackType attackType, double confidence, Severity severity, int severityScore,
                       Action action, boolean blocked, List<String> indicators, List<String> matchedSignatures,
                       List<String> recommendations, List<String> mitreTechniques, List<ChainStep> chain,
                       String sourceIp, String targetIp, long instanceId, String tool,
                       List<RuleHit> rules) {

    /** The analysis of an event nothing matched. */
    public static final Analysis NONE = new Analysis(null, 0.0, Severity.LOW, 0, Action.LOG, false, List.of(),
            List.of(), List.of(), List.of(), List.of(), null, null, 0L, null, List.of());

    /** The strongest contributing rule, or null when none. */
    public RuleHit strongestRule() {
        return rules.isEmpty() ? null : rules.get(0);
    }

    /** Attack type id, or {@code none}. */
    public String attackTypeId() {
        return attackType == null ? "none" : attackType.id();
    }
}
