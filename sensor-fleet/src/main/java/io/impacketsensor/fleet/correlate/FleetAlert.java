package io.impacketsensor.fleet.correlate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.impacketsensor.detection.eve.EveCommon;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.Severity;
import io.impacketsensor.detection.rules.Rule;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * A fleet alert in the EVE alert form the sensors write (docs/user/eve.md), with what only the
 * fleet knows: {@code impacket.sensors} (where the steps were seen) and {@code impacket.fleet}
 * (the fleet layer that raised it). The signature and category are the attack type's.
 */
final class FleetAlert {
    static final ObjectMapper JSON = new ObjectMapper();

    private FleetAlert() {
    }

    /**
     * @param layer      fleet layer: relay, chain, spray, account
     * @param type       the attack type (signature id, signature, category, severity, MITRE)
     * @param tsNanos    when the alerting step happened (event time)
     * @param srcIp      the attacker
     * @param destIp     the attacked host, or null
     * @param sensors    sensors that saw the steps
     * @param indicators what each step was, where it was seen
     * @param key        the entity the fleet state was kept for (challenge, source)
     */
    static byte[] of(String layer, AttackType type, long tsNanos, String srcIp, String destIp, Collection<String> sensors,
                     List<String> indicators, String key) {
        return of(layer, type, type.signatureId(), 1, type.signature(), type.severity(), type.mitreTechniques(), null, tsNanos,
                srcIp, destIp, sensors, indicators, key);
    }

    /** A fleet alert that a catalog rule of the fleet layer names (sid, rev, message, severity, MITRE). */
    static byte[] of(String layer, Rule rule, long tsNanos, String srcIp, String destIp, Collection<String> sensors,
                     List<String> indicators, String key) {
        return of(layer, rule.attackType(), rule.sid(), rule.rev(), rule.msg(), rule.severity(), rule.mitre(), rule, tsNanos,
                srcIp, destIp, sensors, indicators, key);
    }

    private static byte[] of(String layer, AttackType type, int sid, int rev, String signature, Severity severity,
                             List<String> mitreIds, Rule rule, long tsNanos, String srcIp, String destIp,
                             Collection<String> sensors, List<String> indicators, String key) {
        ObjectNode n = JSON.createObjectNode();
        n.put("timestamp", EveCommon.timestamp(tsNanos));
        n.put("event_type", "alert");
        n.put("src_ip", srcIp);
        if (destIp != null) {
            n.put("dest_ip", destIp);
        }
        ObjectNode a = n.putObject("alert");
        a.put("action", "allowed");
        a.put("gid", 1);
        a.put("signature_id", sid);
        a.put("rev", rev);
        a.put("signature", signature);
        a.put("category", type.category());
        a.put("severity", severity.eveSeverity());
        ArrayNode mitre = a.putObject("metadata").putArray("mitre_technique_id");
        mitreIds.forEach(mitre::add);
        ObjectNode i = n.putObject("impacket");
        i.put("attack_type", type.id());
        i.put("severity", severity.id());
        i.put("fleet", layer);
        i.put("fleet_key", key);
        ArrayNode s = i.putArray("sensors");
        new TreeSet<>(sensors).forEach(s::add);
        ArrayNode ind = i.putArray("indicators");
        indicators.forEach(ind::add);
        if (rule != null) {
            ObjectNode r = i.putArray("rules").addObject();
            r.put("sid", rule.sid());
            r.put("rev", rule.rev());
            r.put("name", rule.name());
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
