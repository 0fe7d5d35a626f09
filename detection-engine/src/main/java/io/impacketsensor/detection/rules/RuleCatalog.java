package io.impacketsensor.detection.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.Severity;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rule catalog. The built-in one is {@code rules/catalog.yaml}, checked by {@link #parse} when
 * the module is built and read at start from the form the build compiles it to ({@link CompiledRules}). Sids and names
 * are unique; a catalog that breaks that (or any field rule) stops the engine from starting: a
 * shipped catalog error must never silently drop a detection.
 */
public final class RuleCatalog {
    public static final String RESOURCE = "/rules/catalog.yaml";
    static final Pattern SNAKE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    /** Compiled once: {@code String.matches} would compile it again for each of the ~400 technique ids. */
    static final Pattern MITRE = Pattern.compile("T\\d{4}(\\.\\d{3})?");
    static final Set<String> LAYERS = Set.of("signature", "anomaly", "chain", "behaviour", "ticket_history", "relay", "fleet");
    private static final Set<String> KEYS = Set.of("sid", "rev", "name", "signature", "attack_type", "confidence",
            "severity", "mitre", "layer", "tool", "msg", "description", "evidence", "match", "indicator");

    /** The catalog key of {@link #inferredInterfaceFactor()}. */
    static final String INFERRED_INTERFACE_FACTOR = "inferred_interface_factor";


    private final List<Rule> rules;
    private final List<DataRule> dataRules;
    private final Map<Integer, Rule> bySid = new HashMap<>();
    private final Map<String, Rule> byName = new HashMap<>();
    private final double inferredInterfaceFactor;

    RuleCatalog(List<Rule> rules, List<DataRule> dataRules, double inferredInterfaceFactor) {
        this.inferredInterfaceFactor = inferredInterfaceFactor;
        this.rules = Collections.unmodifiableList(rules);
        this.dataRules = List.copyOf(dataRules);
        for (Rule r : rules) {
            bySid.put(r.sid(), r);
            byName.put(r.name(), r);
        }
    }

    /** The built-in catalog (read at first use from the form the build compiles it to, {@link CompiledRules}). */
    public static RuleCatalog builtin() {
        return CompiledRules.builtin().catalog();
    }

    /** Parses and validates catalog text. */
    public static RuleCatalog parse(String text, String source) {
        return parse(YamlDoc.parse(text, source));
    }

    /** Validates a catalog document. */
    static RuleCatalog parse(YamlDoc doc) {
        JsonNode root = doc.root();
        if (!root.isObject() || !root.path("rules").isArray()) {
            throw doc.error(root, "a catalog is a mapping with a list 'rules'");
        }
        List<Rule> out = new ArrayList<>();
        List<DataRule> data = new ArrayList<>();
        // The first node of each sid and name; its file:line is only formatted for an error.
        Map<Integer, JsonNode> sids = new HashMap<>();
        Map<String, JsonNode> names = new HashMap<>();
        for (JsonNode n : root.get("rules")) {
            Rule r = read(doc, n, out.size());
            JsonNode prev = sids.putIfAbsent(r.sid(), n);
            if (prev != null) {
                throw doc.error(n, "sid " + r.sid() + " already used at " + doc.at(prev));
            }
            prev = names.putIfAbsent(r.name(), n);
            if (prev != null) {
                throw doc.error(n, "rule name " + r.name() + " already used at " + doc.at(prev));
            }
            out.add(r);
            if (n.has("match")) {
                data.add(dataRule(doc, n, r));
            } else if (n.has("indicator")) {
                throw doc.error(n.get("indicator"), "indicator is for rules with a match list");
            }
        }
        JsonNode f = root.get(INFERRED_INTERFACE_FACTOR);
        double factor = 1.0;
        if (f != null) {
            if (!f.isNumber() || f.asDouble() <= 0 || f.asDouble() > 1) {
                throw doc.error(f, INFERRED_INTERFACE_FACTOR + " must be a number in (0, 1]");
            }
            factor = f.asDouble();
        }
        return new RuleCatalog(out, data, factor);
    }

    private static Rule read(YamlDoc doc, JsonNode n, int index) {
        if (!n.isObject()) {
            throw doc.error(n, "a rule is a mapping");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw doc.error(n.get(k), "unknown rule key '" + k + "'");
            }
        }
        int sid = (int) integer(doc, n, "sid", 9_000_000, 9_999_999);
        int rev = (int) integer(doc, n, "rev", 1, 1_000_000);
        String name = text(doc, n, "name");
        if (!SNAKE.matcher(name).matches()) {
            throw doc.error(n.get("name"), "rule name must be snake_case: " + name);
        }
        String sig = n.has("signature") ? text(doc, n, "signature") : name;
        AttackType type = AttackType.byId(text(doc, n, "attack_type"));
        if (type == null) {
            throw doc.error(n.get("attack_type"), "unknown attack type '" + n.get("attack_type").asText() + "'");
        }
        JsonNode c = n.get("confidence");
        if (c == null || !c.isNumber() || !(c.asDouble() >= 0 && c.asDouble() <= 1)) {
            throw doc.error(c == null ? n : c, "confidence must be a number in 0..1");
        }
        Severity sev = severity(doc, n.get("severity"));
        List<String> mitre = new ArrayList<>();
        JsonNode m = n.get("mitre");
        if (m != null) {
            if (!m.isArray()) {
                throw doc.error(m, "mitre must be a list of technique ids");
            }
            for (JsonNode x : m) {
                if (!x.isTextual() || !MITRE.matcher(x.asText()).matches()) {
                    throw doc.error(x, "not a MITRE ATT&CK technique id: " + x.asText());
                }
                mitre.add(x.asText());
            }
        } else {
            mitre.addAll(type.mitreTechniques());
        }
        String layer = text(doc, n, "layer");
        if (!LAYERS.contains(layer)) {
            throw doc.error(n.get("layer"), "layer must be one of " + LAYERS);
        }
        String tool = n.has("tool") ? text(doc, n, "tool") : null;
        return new Rule(sid, rev, name, sig, type, c.asDouble(), sev == null ? type.severity() : sev, List.copyOf(mitre),
                layer, tool, text(doc, n, "msg"), n.path("description").asText(""), n.path("evidence").asText(""), index);
    }

    private static DataRule dataRule(YamlDoc doc, JsonNode n, Rule r) {
        JsonNode m = n.get("match");
        if (!m.isArray() || m.isEmpty()) {
            throw doc.error(m, "match must be a non-empty list of conditions");
        }
        if (!"signature".equals(r.layer()) && !"anomaly".equals(r.layer())) {
            // Chains, behaviour windows, ticket history and relay correlation keep state: Java.
            throw doc.error(n.get("layer"), "a rule with a match list runs in the signature or anomaly layer");
        }
        List<LocalRules.Condition> conds = new ArrayList<>();
        for (JsonNode x : m) {
            conds.add(LocalRules.condition(doc, x));
        }
        String ind = text(doc, n, "indicator");
        for (int i = ind.indexOf('{'); i >= 0; i = ind.indexOf('{', i + 1)) {
            int close = ind.indexOf('}', i);
            if (close < 0 || EventField.byId(ind.substring(i + 1, close)) == null) {
                throw doc.error(n.get("indicator"), "indicator placeholder must be {field} of a known field");
            }
        }
        for (int i = ind.indexOf('['), depth; i >= 0; i = ind.indexOf('[', i + 1)) {
            int close = ind.indexOf(']', i);
            depth = ind.indexOf('[', i + 1);
            if (close < 0 || (depth >= 0 && depth < close)) {
                throw doc.error(n.get("indicator"), "indicator optional part [...] must be closed and not nested");
            }
        }
        if (ind.indexOf(']') >= 0 && ind.indexOf('[') < 0) {
            throw doc.error(n.get("indicator"), "indicator optional part [...] must be closed and not nested");
        }
        return new DataRule(r, List.copyOf(conds), ind);
    }

    static long integer(YamlDoc doc, JsonNode n, String key, long min, long max) {
        JsonNode v = n.get(key);
        if (v == null || !v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw doc.error(v == null ? n : v, key + " must be an integer in " + min + ".." + max);
        }
        return v.asLong();
    }

    static String text(YamlDoc doc, JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw doc.error(v == null ? n : v, "'" + key + "' must be a non-empty string");
        }
        return v.asText();
    }

    static Severity severity(YamlDoc doc, JsonNode v) {
        if (v == null) {
            return null;
        }
        try {
            return Severity.valueOf(v.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw doc.error(v, "severity must be low, medium, high or critical, not '" + v.asText() + "'");
        }
    }

    public List<Rule> rules() {
        return rules;
    }

    /**
     * What the confidence of every finding on a DCE/RPC request is multiplied by when the request's
     * interface was inferred from its call sequence rather than bound ({@code inferred_interface_factor},
     * 1 when the catalog does not set it).
     */
    public double inferredInterfaceFactor() {
        return inferredInterfaceFactor;
    }

    /** The rules written as data (a match list), in catalog order. */
    public List<DataRule> dataRules() {
        return dataRules;
    }

    /** The data rules of one layer ({@code signature} or {@code anomaly}), indexed by event kind and interface. */
    public DataRuleIndex dataRuleIndex(String layer) {
        return new DataRuleIndex(dataRules, layer);
    }

    public Rule bySid(int sid) {
        return bySid.get(sid);
    }

    public Rule byName(String name) {
        return byName.get(name);
    }

    /** A rule by sid (digits) or name, or null. */
    public Rule find(String sidOrName) {
        if (sidOrName == null) {
            return null;
        }
        String s = sidOrName.trim();
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit) && s.length() < 10) {
            return bySid(Integer.parseInt(s));
        }
        return byName(s.toLowerCase(Locale.ROOT));
    }

    /** The rule of this name; a missing one is a packaging error that must stop the engine. */
    public Rule require(String name) {
        Rule r = byName.get(name);
        if (r == null) {
            throw new IllegalStateException("built-in rule " + name + " missing from " + RESOURCE);
        }
        return r;
    }
}
