package io.impacketsensor.detection.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.impacketsensor.detection.model.AttackType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The attack chains; the built-in ones are the resource {@code rules/chains.yaml} (compiled at build
 * with the catalog, {@link CompiledRules}): per chain its attack type, optional window and ordered positions, each
 * a set of step names and the catalog rule it raises. The step names and the labels an alert shows for
 * them are declared in the same file; which events are which step is the engine's code. A chain
 * file that names an unknown step, attack type or rule, a rule of another layer or attack type, or
 * leaves a chain rule of the catalog unused stops the engine from starting.
 */
public final class ChainCatalog {
    public static final String RESOURCE = "/rules/chains.yaml";
    private static final Set<String> KEYS = Set.of("name", "attack_type", "window_seconds", "steps");
    /** At most a month, as engine.chains.window_seconds. */
    private static final long MAX_WINDOW = 2_592_000;

    /** One position of a chain: the steps any of which advance it, and the rule it raises (null: progress only). */
    public record Position(List<String> any, Rule rule) {
    }

    /**
     * A chain: name, attack type (its rules'), window in seconds (0: engine.chains.window_seconds), positions.
     */
    public record Chain(String name, AttackType type, long windowSeconds, List<Position> positions) {
    }

    private final Map<String, String> labels;
    private final List<Chain> chains;

    ChainCatalog(Map<String, String> labels, List<Chain> chains) {
        this.labels = Collections.unmodifiableMap(labels);
        this.chains = List.copyOf(chains);
    }

    /** The built-in chains (read at first use with the catalog, {@link CompiledRules}), over the built-in rule catalog. */
    public static ChainCatalog builtin() {
        return CompiledRules.builtin().chains();
    }

    /** Parses and validates chain text against a rule catalog. */
    public static ChainCatalog parse(String text, String source, RuleCatalog rules) {
        return parse(YamlDoc.parse(text, source), rules);
    }

    static ChainCatalog parse(YamlDoc doc, RuleCatalog rules) {
        JsonNode root = doc.root();
        if (!root.isObject() || !root.path("steps").isObject() || !root.path("chains").isArray() || root.size() != 2) {
            throw doc.error(root, "a chain file is a mapping with a mapping 'steps' and a list 'chains'");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("steps").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!RuleCatalog.SNAKE.matcher(e.getKey()).matches()) {
                throw doc.error(e.getValue(), "step name must be snake_case: " + e.getKey());
            }
            if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                throw doc.error(e.getValue(), "step " + e.getKey() + " needs its label (a non-empty string)");
            }
            labels.put(e.getKey(), e.getValue().asText());
        }
        List<Chain> out = new ArrayList<>();
        Map<String, JsonNode> names = new HashMap<>();
        Map<Rule, JsonNode> used = new HashMap<>();
        for (JsonNode n : root.get("chains")) {
            if (!n.isObject()) {
                throw doc.error(n, "a chain is a mapping");
            }
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!KEYS.contains(k)) {
                    throw doc.error(n.get(k), "unknown chain key '" + k + "' (known: attack_type, name, steps, window_seconds)");
                }
            }
            String name = RuleCatalog.text(doc, n, "name");
            if (!RuleCatalog.SNAKE.matcher(name).matches()) {
                throw doc.error(n.get("name"), "chain name must be snake_case: " + name);
            }
            JsonNode prev = names.putIfAbsent(name, n);
            if (prev != null) {
                throw doc.error(n.get("name"), "chain name " + name + " already used at " + doc.at(prev));
            }
            AttackType type = AttackType.byId(RuleCatalog.text(doc, n, "attack_type"));
            if (type == null) {
                throw doc.error(n.get("attack_type"), "unknown attack type '" + n.get("attack_type").asText() + "'");
            }
            long window = n.has("window_seconds") ? RuleCatalog.integer(doc, n, "window_seconds", 1, MAX_WINDOW) : 0;
            JsonNode steps = n.get("steps");
            if (steps == null || !steps.isArray() || steps.size() < 2) {
                throw doc.error(steps == null ? n : steps, "a chain has a list 'steps' of at least two positions");
            }
            List<Position> positions = new ArrayList<>();
            for (JsonNode s : steps) {
                positions.add(position(doc, s, labels, rules, type, used));
            }
            if (positions.stream().allMatch(p -> p.rule() == null)) {
                throw doc.error(steps, "chain " + name + " raises no rule at any position");
            }
            out.add(new Chain(name, type, window, List.copyOf(positions)));
        }
        for (Rule r : rules.rules()) {
            if (r.chain() && !used.containsKey(r)) {
                throw doc.error(root.get("chains"), "chain rule " + r.sid() + " " + r.name() + " is raised by no chain");
            }
        }
        return new ChainCatalog(labels, out);
    }

    private static Position position(YamlDoc doc, JsonNode s, Map<String, String> labels, RuleCatalog rules,
                                     AttackType type, Map<Rule, JsonNode> used) {
        if (!s.isObject()) {
            throw doc.error(s, "a chain position is a mapping: any, rule");
        }
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("any") && !k.equals("rule")) {
                throw doc.error(s.get(k), "unknown position key '" + k + "' (known: any, rule)");
            }
        }
        JsonNode any = s.get("any");
        if (any == null || !any.isArray() || any.isEmpty()) {
            throw doc.error(any == null ? s : any, "'any' must be a non-empty list of step names");
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode x : any) {
            if (!labels.containsKey(x.asText())) {
                throw doc.error(x, "unknown step '" + x.asText() + "' (declare it under steps)");
            }
            ids.add(x.asText());
        }
        Rule rule = null;
        if (s.has("rule")) {
            String rn = RuleCatalog.text(doc, s, "rule");
            rule = rules.byName(rn);
            if (rule == null) {
                throw doc.error(s.get("rule"), "no catalog rule '" + rn + "'");
            }
            if (!rule.chain()) {
                throw doc.error(s.get("rule"), "rule " + rn + " is of layer " + rule.layer() + ", not chain");
            }
            if (rule.attackType() != type) {
                throw doc.error(s.get("rule"), "rule " + rn + " is of attack type " + rule.attackType().id() + ", the chain "
                        + type.id());
            }
            JsonNode prev = used.putIfAbsent(rule, s);
            if (prev != null) {
                throw doc.error(s.get("rule"), "rule " + rn + " is already raised at " + doc.at(prev));
            }
        }
        return new Position(List.copyOf(ids), rule);
    }

    /** Step name -> label, in declaration order. */
    public Map<String, String> steps() {
        return labels;
    }

    /** The label of a step, or null when the file does not declare it. */
    public String label(String step) {
        return labels.get(step);
    }

    public List<Chain> chains() {
        return chains;
    }

    /** The chain and position (0-based) that raise this rule, or null. */
    public Map.Entry<Chain, Integer> raising(Rule r) {
        for (Chain c : chains) {
            for (int i = 0; i < c.positions().size(); i++) {
                if (r.equals(c.positions().get(i).rule())) {
                    return Map.entry(c, i);
                }
            }
        }
        return null;
    }
}
