package io.impacketsensor.detection.model;

import java.util.Map;

/**
 * A snapshot of the engine's counters.
 *
 * @param totalEvents       events submitted to the engine: each flat event ({@code analyzeNetworkEvent}) and each
 *                          typed event ({@code analyze}) counts once; the specification's {@code total_events}
 * @param engineEvents      events the engine's layers processed: a flat event counts once per typed event it
 *                          maps to, a reported authentication attempt once
 * @param authAttempts      authentication attempts seen or reported
 * @param attacksDetected   attack instances that reached the alert threshold (each counted once)
 * @param smbAttacks        of those, attacks carried over SMB (remote execution, secretsdump, GPP ...)
 * @param kerberosAttacks   of those, Kerberos attacks
 * @param ntlmRelayAttempts of those, NTLM relay instances
 * @param secretDumps       of those, secretsdump and DCSync instances
 * @param blockedIps        addresses currently on the blocklist
 * @param alertsEmitted     alert records emitted (new instances and updates)
 * @param alertsSuppressed  alert updates withheld because nothing new was seen (deduplicated)
 * @param byAttackType      attack instances per attack type id
 * @param byAction          analysed events per action id (log, monitor, alert, block)
 * @param trackedSources    source addresses the behaviour layer tracks now
 * @param evictedSources    source addresses evicted (least recently used) since start
 * @param blocklistEvictions blocklist entries evicted because the list was full (engine.blocking.max_entries)
 * @param dcsLearned        hosts learned as domain controllers from traffic, by what first showed each to be one
 *                          (kerberos, ldap_bind, drsuapi_bind, rootdse, cldap, dns_srv, promotion, fleet)
 * @param dcPromotionsRefused hosts not learned as new DCs because the promotion cap was reached
 * @param kdcRelays         hosts whose Kerberos answers relayed requests they had forwarded to another KDC
 *                          (not learned as DCs from those answers)
 */
public record Statistics(long totalEvents, long engineEvents, long authAttempts, long attacksDetected, long smbAttacks,
                         long kerberosAttacks, long ntlmRelayAttempts, long secretDumps, long blockedIps,
                         long alertsEmitted, long alertsSuppressed, Map<String, Long> byAttackType,
                         Map<String, Long> byAction, long trackedSources, long evictedSources,
                         long blocklistEvictions, Map<String, Long> dcsLearned, long dcPromotionsRefused,
                         long kdcRelays) {
}
