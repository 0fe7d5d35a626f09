package io.impacketsensor.detection.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.impacketsensor.core.collections.LongObjectMap;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.RuleHit;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The remediation each alert carries (commands, registry values, Windows event ids), read from the
 * table {@code rules/recommendations.yaml}: texts by id, a list of text ids per attack type, and
 * optionally per rule name the ids added when that rule contributed. The table is checked whole when
 * read (every attack type listed, every id and rule name known, every text used), like the rule
 * catalog it is read with: a broken shipped table stops the engine at start rather than leaving an
 * alert without its remediation. The lists are immutable and shared.
 */
public final class Recommendations {
    public static final String RESOURCE = "/rules/recommendations.yaml";
    private static final Set<String> KEYS = Set.of("texts", "attack_types", "rules");

    private final Map<AttackType, List<String>> byType;
    /** Texts added by a contributing rule, by sid; empty when the table names no rule. */
    private final Map<Integer, List<String>> byRule;
    /** The same by sid unboxed, for every alert's lookup of each of its rules; filled here, read only after. */
    private final LongObjectMap<List<String>> bySid = new LongObjectMap<>();

    Recommendations(Map<AttackType, List<String>> byType, Map<Integer, List<String>> byRule) {
        this.byType = byType;
        this.byRule = byRule;
        byRule.forEach(bySid::put);
    }

    /** The shipped table (read at first use with the catalog, {@link CompiledRules}; checked against it at build time). */
    public static Recommendations builtin() {
        return CompiledRules.builtin().recommendations();
    }

    /** Parses and checks table text; rule names are resolved in {@code catalog}. */
    public static Recommendations parse(String text, String source, RuleCatalog catalog) {
        return parse(YamlDoc.parse(text, source), catalog);
    }

    private static Recommendations parse(YamlDoc doc, RuleCatalog catalog) {
        JsonNode root = doc.root();
        if (!root.isObject() || !root.path("texts").isObject() || !root.path("attack_types").isObject()) {
            throw doc.error(root, "a recommendations table is a mapping with the mappings 'texts' and 'attack_types'");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw doc.error(root.get(k), "unknown key '" + k + "'");
            }
        }
        Map<String, String> texts = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("texts").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> en = it.next();
            if (!en.getValue().isTextual() || en.getValue().asText().isBlank()) {
                throw doc.error(en.getValue(), "text " + en.getKey() + " must be a non-empty string");
            }
            texts.put(en.getKey(), en.getValue().asText());
        }
        Set<String> used = new HashSet<>();
        Map<AttackType, List<String>> byType = new EnumMap<>(AttackType.class);
        JsonNode types = root.get("attack_types");
        for (Iterator<Map.Entry<String, JsonNode>> it = types.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> en = it.next();
            AttackType t = AttackType.byId(en.getKey());
            if (t == null) {
                throw doc.error(en.getValue(), "unknown attack type '" + en.getKey() + "'");
            }
            byType.put(t, texts(doc, en.getValue(), texts, used));
        }
        for (AttackType t : AttackType.values()) {
            if (!byType.containsKey(t)) {
                throw doc.error(types, "attack type " + t.id() + " has no recommendations");
            }
        }
        Map<Integer, List<String>> byRule = new HashMap<>();
        JsonNode rules = root.path("rules");
        if (!rules.isMissingNode()) {
            if (!rules.isObject()) {
                throw doc.error(rules, "rules is a mapping of rule name to text ids");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = rules.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> en = it.next();
                Rule r = catalog.byName(en.getKey());
                if (r == null) {
                    throw doc.error(en.getValue(), "unknown rule '" + en.getKey() + "'");
                }
                byRule.put(r.sid(), texts(doc, en.getValue(), texts, used));
            }
        }
        for (String id : texts.keySet()) {
            if (!used.contains(id)) {
                throw doc.error(root.get("texts").get(id), "text " + id + " is not used");
            }
        }
        return new Recommendations(byType, Map.copyOf(byRule));
    }

    private static List<String> texts(YamlDoc doc, JsonNode list, Map<String, String> texts, Set<String> used) {
        if (!list.isArray() || list.isEmpty()) {
            throw doc.error(list, "a non-empty list of text ids");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode id : list) {
            String text = id.isTextual() ? texts.get(id.asText()) : null;
            if (text == null) {
                throw doc.error(id, "unknown text id '" + id.asText() + "'");
            }
            used.add(id.asText());
            out.add(text);
        }
        return List.copyOf(out);
    }

    Map<AttackType, List<String>> byType() {
        return byType;
    }

    Map<Integer, List<String>> byRule() {
        return byRule;
    }

    /** The recommendations for an attack type (immutable). */
    public List<String> forType(AttackType type) {
        return byType.get(type);
    }

    /**
     * The recommendations of an alert: its attack type's, then those of each contributing rule (in
     * the order given) that are not already there. Without rule entries this is {@link #forType} and
     * allocates nothing.
     */
    public List<String> forAlert(AttackType type, List<RuleHit> rules) {
        List<String> base = byType.get(type);
        if (bySid.size() == 0) {
            return base;
        }
        List<String> out = null;
        for (int i = 0; i < rules.size(); i++) { // by index: no iterator per alert
            List<String> extra = bySid.get(rules.get(i).sid());
            if (extra == null) {
                continue;
            }
            for (String s : extra) {
                if (out == null) {
                    out = new ArrayList<>(base);
                }
                if (!out.contains(s)) {
                    out.add(s);
                }
            }
        }
        return out == null ? base : List.copyOf(out);
    }
}
