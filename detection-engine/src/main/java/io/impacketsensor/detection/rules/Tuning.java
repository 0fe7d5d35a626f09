package io.impacketsensor.detection.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.impacketsensor.detection.model.Action;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.Severity;
import io.impacketsensor.detection.response.AllowListMatcher;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The operator's {@code tuning.yaml}: per-rule switches and overrides, suppressions and thresholds,
 * in the spirit of Suricata's {@code disable.conf}, {@code threshold.config} and {@code suppress}.
 * Parsed whole: one bad entry rejects the file with {@code file:line: problem}, so a half-applied
 * tuning never runs.
 *
 * <pre>
 * rules:                      # per rule, by sid or name
 *   - sid: 9000241
 *     enabled: false
 *   - name: ntlm_no_mic
 *     confidence: 0.05
 *     severity: low
 *     action: monitor         # cap: findings of this rule never lead past this action
 * suppress:                   # drop findings of a rule or attack type when any listed value matches
 *   - attack_type: psexec
 *     src: [10.0.5.0/24]
 *     dst: [10.0.0.10]
 *     account: [svc_deploy]
 *     service: [DeployAgent]
 * threshold:
 *   - sid: 9000265
 *     type: limit             # limit | threshold | both
 *     count: 1
 *     seconds: 3600
 *     track: by_src           # by_src | by_dst
 * </pre>
 */
public record Tuning(String source, List<RuleOverride> overrides, List<Suppression> suppressions, List<Threshold> thresholds) {
    public static final Tuning NONE = new Tuning("", List.of(), List.of(), List.of());

    public Tuning {
        overrides = List.copyOf(overrides);
        suppressions = List.copyOf(suppressions);
        thresholds = List.copyOf(thresholds);
    }

    /** Which findings an entry is about: one rule, or every rule of an attack type. */
    public record Selector(Rule rule, AttackType attackType) {
        public boolean matches(Rule r) {
            return rule != null ? rule.sid() == r.sid() : r.attackType() == attackType;
        }

        @Override
        public String toString() {
            return rule != null ? rule.sid() + " " + rule.name() : "attack_type " + attackType.id();
        }
    }

    /** Per-rule override; null fields keep the default. {@code at} is the entry's file:line. */
    public record RuleOverride(Rule rule, Boolean enabled, Double confidence, Severity severity, Action actionCap, String at) {
    }

    /** A suppression: the selector plus address ranges and names; an empty list is "any". */
    public record Suppression(Selector selector, List<String> src, List<String> dst, List<String> accounts,
                              List<String> services, String at) {
    }

    /** Suricata threshold kinds. */
    public enum Type { LIMIT, THRESHOLD, BOTH }

    /** Whose occurrences are counted together. */
    public enum Track { BY_SRC, BY_DST }

    /** A threshold on a rule's (or attack type's) findings per tracked address. */
    public record Threshold(Selector selector, Type type, int count, long seconds, Track track, String at) {
    }

    private static final Set<String> TOP = Set.of("rules", "suppress", "threshold");

    /** Parses tuning text against the rules in force (built-in and operator rules). */
    public static Tuning parse(String text, String source, List<Rule> known) {
        YamlDoc doc = YamlDoc.parse(text, source);
        JsonNode root = doc.root();
        if (root.isNull()) {
            return new Tuning(source, List.of(), List.of(), List.of());
        }
        if (!root.isObject()) {
            throw doc.error(root, "tuning is a mapping with rules, suppress and threshold lists");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!TOP.contains(k)) {
                throw doc.error(root.get(k), "unknown key '" + k + "' (known: rules, suppress, threshold)");
            }
        }
        List<RuleOverride> overrides = new ArrayList<>();
        for (JsonNode n : list(doc, root, "rules")) {
            keys(doc, n, Set.of("sid", "name", "enabled", "confidence", "severity", "action"));
            Rule r = rule(doc, n, known);
            if (r == null) {
                throw doc.error(n, "a rules entry names its rule by sid or name");
            }
            Boolean enabled = null;
            if (n.has("enabled")) {
                if (!n.get("enabled").isBoolean()) {
                    throw doc.error(n.get("enabled"), "enabled must be true or false");
                }
                enabled = n.get("enabled").asBoolean();
            }
            Double conf = null;
            if (n.has("confidence")) {
                JsonNode c = n.get("confidence");
                if (!c.isNumber() || !(c.asDouble() >= 0 && c.asDouble() <= 1)) {
                    throw doc.error(c, "confidence must be a number in 0..1");
                }
                conf = c.asDouble();
            }
            Severity sev = RuleCatalog.severity(doc, n.get("severity"));
            Action cap = null;
            if (n.has("action")) {
                cap = action(doc, n.get("action"));
            }
            if (enabled == null && conf == null && sev == null && cap == null) {
                throw doc.error(n, "rule " + r.sid() + ": nothing to override (enabled, confidence, severity or action)");
            }
            overrides.add(new RuleOverride(r, enabled, conf, sev, cap, doc.at(n)));
        }
        List<Suppression> sup = new ArrayList<>();
        for (JsonNode n : list(doc, root, "suppress")) {
            keys(doc, n, Set.of("sid", "name", "attack_type", "src", "dst", "account", "service"));
            Selector s = selector(doc, n, known);
            List<String> src = networks(doc, n, "src");
            List<String> dst = networks(doc, n, "dst");
            List<String> acc = strings(doc, n, "account");
            List<String> svc = strings(doc, n, "service");
            if (src.isEmpty() && dst.isEmpty() && acc.isEmpty() && svc.isEmpty()) {
                throw doc.error(n, "a suppression needs src, dst, account or service (to switch a rule off everywhere,"
                        + " use rules: enabled: false)");
            }
            sup.add(new Suppression(s, src, dst, acc, svc, doc.at(n)));
        }
        List<Threshold> th = new ArrayList<>();
        for (JsonNode n : list(doc, root, "threshold")) {
            keys(doc, n, Set.of("sid", "name", "attack_type", "type", "count", "seconds", "track"));
            Selector s = selector(doc, n, known);
            Type type = enumValue(doc, n, "type", Type.class);
            int count = (int) RuleCatalog.integer(doc, n, "count", 1, 1_000_000);
            long seconds = RuleCatalog.integer(doc, n, "seconds", 1, 86_400 * 30L);
            Track track = enumValue(doc, n, "track", Track.class);
            th.add(new Threshold(s, type, count, seconds, track, doc.at(n)));
        }
        return new Tuning(source, overrides, sup, th);
    }

    /** One line per entry, for {@code config check}. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (RuleOverride o : overrides) {
            StringBuilder b = new StringBuilder("rule ").append(o.rule().sid()).append(' ').append(o.rule().name()).append(':');
            if (o.enabled() != null) {
                b.append(o.enabled() ? " enabled" : " disabled");
            }
            if (o.confidence() != null) {
                b.append(" confidence ").append(RuleDocs.conf(o.rule().confidence())).append(" -> ")
                        .append(RuleDocs.conf(o.confidence()));
            }
            if (o.severity() != null) {
                b.append(" severity ").append(o.rule().severity().id()).append(" -> ").append(o.severity().id());
            }
            if (o.actionCap() != null) {
                b.append(" action at most ").append(o.actionCap().id());
            }
            out.add(b.append(" (").append(o.at()).append(')').toString());
        }
        for (Suppression s : suppressions) {
            out.add("suppress " + s.selector() + (s.src().isEmpty() ? "" : " src " + s.src())
                    + (s.dst().isEmpty() ? "" : " dst " + s.dst()) + (s.accounts().isEmpty() ? "" : " account " + s.accounts())
                    + (s.services().isEmpty() ? "" : " service " + s.services()) + " (" + s.at() + ")");
        }
        for (Threshold t : thresholds) {
            out.add("threshold " + t.selector() + ": " + t.type().name().toLowerCase(Locale.ROOT) + " " + t.count() + " per "
                    + t.seconds() + " s " + t.track().name().toLowerCase(Locale.ROOT) + " (" + t.at() + ")");
        }
        return out;
    }

    private static List<JsonNode> list(YamlDoc doc, JsonNode root, String key) {
        JsonNode l = root.get(key);
        List<JsonNode> out = new ArrayList<>();
        if (l == null || l.isNull()) {
            return out;
        }
        if (!l.isArray()) {
            throw doc.error(l, key + " must be a list");
        }
        for (JsonNode n : l) {
            if (!n.isObject()) {
                throw doc.error(n, "each " + key + " entry is a mapping");
            }
            out.add(n);
        }
        return out;
    }

    private static void keys(YamlDoc doc, JsonNode n, Set<String> allowed) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw doc.error(n.get(k), "unknown key '" + k + "' (known: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    private static Rule rule(YamlDoc doc, JsonNode n, List<Rule> known) {
        if (n.has("sid") && n.has("name")) {
            throw doc.error(n, "give sid or name, not both");
        }
        if (n.has("sid")) {
            JsonNode v = n.get("sid");
            for (Rule r : known) {
                if (v.isIntegralNumber() && r.sid() == v.asLong()) {
                    return r;
                }
            }
            throw doc.error(v, "no rule with sid " + v.asText() + " (impacket-sensor rules list)");
        }
        if (n.has("name")) {
            JsonNode v = n.get("name");
            for (Rule r : known) {
                if (r.name().equals(v.asText())) {
                    return r;
                }
            }
            throw doc.error(v, "no rule named '" + v.asText() + "' (impacket-sensor rules list)");
        }
        return null;
    }

    private static Selector selector(YamlDoc doc, JsonNode n, List<Rule> known) {
        Rule r = rule(doc, n, known);
        if (n.has("attack_type")) {
            if (r != null) {
                throw doc.error(n, "give a rule (sid or name) or an attack_type, not both");
            }
            AttackType t = AttackType.byId(n.get("attack_type").asText());
            if (t == null) {
                throw doc.error(n.get("attack_type"), "unknown attack type '" + n.get("attack_type").asText() + "'");
            }
            return new Selector(null, t);
        }
        if (r == null) {
            throw doc.error(n, "name the rule (sid or name) or the attack_type this entry applies to");
        }
        return new Selector(r, null);
    }

    private static List<String> strings(YamlDoc doc, JsonNode n, String key) {
        JsonNode v = n.get(key);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v.isTextual()) {
            out.add(v.asText());
            return out;
        }
        if (!v.isArray()) {
            throw doc.error(v, key + " must be a string or a list of strings");
        }
        for (JsonNode x : v) {
            if (!x.isTextual() || x.asText().isEmpty()) {
                throw doc.error(x, key + " entries must be non-empty strings");
            }
            out.add(x.asText());
        }
        return out;
    }

    private static List<String> networks(YamlDoc doc, JsonNode n, String key) {
        List<String> l = strings(doc, n, key);
        JsonNode v = n.get(key);
        for (int i = 0; i < l.size(); i++) {
            String err = AllowListMatcher.checkNetwork(l.get(i));
            if (err != null) {
                throw doc.error(v.isArray() ? v.get(i) : v, key + ": " + err);
            }
        }
        return l;
    }

    private static Action action(YamlDoc doc, JsonNode v) {
        try {
            return Action.valueOf(v.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw doc.error(v, "action must be log, monitor, alert or block, not '" + v.asText() + "'");
        }
    }

    private static <E extends Enum<E>> E enumValue(YamlDoc doc, JsonNode n, String key, Class<E> type) {
        JsonNode v = n.get(key);
        if (v == null) {
            throw doc.error(n, "'" + key + "' is required");
        }
        try {
            return Enum.valueOf(type, v.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder b = new StringBuilder();
            for (E x : type.getEnumConstants()) {
                b.append(b.length() == 0 ? "" : ", ").append(x.name().toLowerCase(Locale.ROOT));
            }
            throw doc.error(v, key + " must be one of " + b + ", not '" + v.asText() + "'");
        }
    }
}
