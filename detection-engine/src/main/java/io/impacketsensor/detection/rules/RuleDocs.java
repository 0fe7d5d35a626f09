package io.impacketsensor.detection.rules;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renderings of rules for people and tools: the {@code rules} command's table, JSON and detail, and docs/user/rules.md. */
public final class RuleDocs {
    private RuleDocs() {
    }

    /** One line per rule: sid, rev, name, attack type, confidence, severity, msg. */
    public static String table(List<Rule> rules) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-8s %-4s %-40s %-24s %-5s %-8s %s%n", "sid", "rev", "name", "attack_type",
                "conf", "severity", "msg"));
        for (Rule r : rules) {
            b.append(String.format(Locale.ROOT, "%-8d %-4d %-40s %-24s %-5s %-8s %s%n", r.sid(), r.rev(), r.name(),
                    r.attackType().id(), conf(r.confidence()), r.severity().id(), r.msg()));
        }
        return b.toString();
    }

    /** A JSON array of the rules (one object per rule, every catalog field). */
    public static String json(List<Rule> rules) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartArray();
            for (Rule r : rules) {
                write(g, r);
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w + "\n";
    }

    private static void write(JsonGenerator g, Rule r) throws IOException {
        g.writeStartObject();
        g.writeNumberField("sid", r.sid());
        g.writeNumberField("rev", r.rev());
        g.writeStringField("name", r.name());
        g.writeStringField("signature", r.signature());
        g.writeStringField("attack_type", r.attackType().id());
        g.writeNumberField("confidence", r.confidence());
        g.writeStringField("severity", r.severity().id());
        g.writeArrayFieldStart("mitre");
        for (String m : r.mitre()) {
            g.writeString(m);
        }
        g.writeEndArray();
        g.writeStringField("layer", r.layer());
        if (r.tool() != null) {
            g.writeStringField("tool", r.tool());
        }
        g.writeStringField("msg", r.msg());
        g.writeStringField("description", r.description());
        g.writeStringField("evidence", r.evidence());
        g.writeEndObject();
    }

    /** One rule in full, with an example indicator and the tuning lines that address it. */
    public static String show(Rule r) {
        StringBuilder b = new StringBuilder();
        b.append("sid:         ").append(r.sid()).append('\n');
        b.append("rev:         ").append(r.rev()).append('\n');
        b.append("name:        ").append(r.name()).append('\n');
        b.append("signature:   ").append(r.signature()).append(" (in matched_signatures)\n");
        b.append("attack_type: ").append(r.attackType().id()).append('\n');
        b.append("confidence:  ").append(conf(r.confidence())).append('\n');
        b.append("severity:    ").append(r.severity().id()).append('\n');
        b.append("mitre:       ").append(String.join(", ", r.mitre())).append('\n');
        b.append("layer:       ").append(r.layer()).append('\n');
        if (r.tool() != null) {
            b.append("tool:        ").append(r.tool()).append('\n');
        }
        b.append("msg:         ").append(r.msg()).append('\n');
        b.append('\n').append(r.description()).append('\n');
        if (!r.evidence().isEmpty()) {
            b.append("\nExample indicator: ").append(r.evidence()).append('\n');
        }
        DataRule d = dataRule(r);
        if (d != null) {
            b.append("\nMatch (catalog data, all must hold on one event):\n");
            for (LocalRules.Condition c : d.conditions()) {
                b.append("  ").append(c).append('\n');
            }
            b.append("Indicator: ").append(d.indicator()).append('\n');
        }
        Map.Entry<ChainCatalog.Chain, Integer> at = r.chain() ? ChainCatalog.builtin().raising(r) : null;
        if (at != null) {
            b.append("\nChain (rules/chains.yaml): ").append(at.getKey().name()).append(", step ").append(at.getValue() + 1)
                    .append(" of ").append(at.getKey().positions().size()).append('\n');
            chain(b, at.getKey(), "  ");
        }
        b.append("\nIn tuning.yaml:\n");
        b.append("  rules:\n    - sid: ").append(r.sid()).append("          # ").append(r.name()).append('\n');
        b.append("      confidence: ").append(conf(r.confidence())).append("       # or enabled: false\n");
        return b.toString();
    }

    /** docs/user/rules.md: the reference page of the built-in catalog. */
    public static String markdown(List<Rule> rules) {
        StringBuilder b = new StringBuilder();
        b.append("# Detection rules\n\n");
        b.append("<!-- Generated from detection-engine/src/main/resources/rules/catalog.yaml by\n");
        b.append("     `impacket-sensor rules list --format markdown > docs/user/rules.md`; a test fails when it is stale. -->\n\n");
        b.append("Every detection the sensor raises is one rule of this catalog. An EVE alert names its strongest rule in\n");
        b.append("`alert.signature_id`, `alert.rev` and `alert.signature` (the rule's message) and every contributing rule in\n");
        b.append("`impacket.rules` (`sid`, `rev`, `name`, `confidence`). Findings of one attack type in one event combine by\n");
        b.append("noisy-OR; the confidence below is what one finding of the rule contributes. `impacket-sensor rules show SID`\n");
        b.append("prints one rule in full; [tuning](tuning.md) disables, re-scores, suppresses or thresholds rules.\n");
        b.append("A rule with a \"Match\" is written as data in the catalog, conditions on the decoded fields of one event\n");
        b.append("(the language of [operator rules](tuning.md#operator-rules-localrulesyaml)); the others need state or\n");
        b.append("decoded arguments no field carries and are raised by the engine's code.\n\n");
        b.append(rules.size()).append(" rules.\n\n");
        b.append("| sid | name | attack type | confidence | severity | MITRE | message | description |\n");
        b.append("|---|---|---|---|---|---|---|---|\n");
        for (Rule r : rules) {
            b.append("| ").append(r.sid()).append(" | `").append(r.name()).append("` | ").append(r.attackType().id())
                    .append(" | ").append(conf(r.confidence())).append(" | ").append(r.severity().id()).append(" | ")
                    .append(String.join(", ", r.mitre())).append(" | ").append(cell(r.msg())).append(" | ")
                    .append(cell(r.description())).append(match(r)).append(" |\n");
        }
        ChainCatalog chains = ChainCatalog.builtin();
        b.append("\n## Attack chains\n\n");
        b.append("<!-- Generated from detection-engine/src/main/resources/rules/chains.yaml. -->\n\n");
        b.append("A chain follows one (source, target) pair: it advances when an event is one of the steps listed for its\n");
        b.append("next position, within `engine.chains.window_seconds` of its first step (or the chain's own window), and\n");
        b.append("each position raises the rule it names; a position without a rule only records progress. The rules are\n");
        b.append("tuned by sid like any other. Which event is which step is decided by the engine's code (it needs decoded\n");
        b.append("arguments or the domain controllers learnt); the labels are what the alert's `chain` shows.\n\n");
        b.append(chains.chains().size()).append(" chains.\n\n");
        for (ChainCatalog.Chain c : chains.chains()) {
            b.append("### ").append(c.name()).append("\n\n");
            b.append("Attack type ").append(c.type().id());
            if (c.windowSeconds() > 0) {
                b.append(", window ").append(c.windowSeconds()).append(" s");
            }
            b.append(".\n\n");
            for (int i = 0; i < c.positions().size(); i++) {
                ChainCatalog.Position p = c.positions().get(i);
                b.append(i + 1).append(". ");
                for (int k = 0; k < p.any().size(); k++) {
                    b.append(k == 0 ? "" : " or ").append(cell(chains.label(p.any().get(k)))).append(" (`")
                            .append(p.any().get(k)).append("`)");
                }
                b.append(p.rule() == null ? ": progress only" : ": rule " + p.rule().sid() + " `" + p.rule().name() + "`");
                b.append('\n');
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The positions of a chain, one line each, for rules show. */
    private static void chain(StringBuilder b, ChainCatalog.Chain c, String indent) {
        ChainCatalog chains = ChainCatalog.builtin();
        for (int i = 0; i < c.positions().size(); i++) {
            ChainCatalog.Position p = c.positions().get(i);
            b.append(indent).append(i + 1).append(". any of: ");
            for (int k = 0; k < p.any().size(); k++) {
                b.append(k == 0 ? "" : "; ").append(p.any().get(k)).append(" (").append(chains.label(p.any().get(k))).append(')');
            }
            b.append(p.rule() == null ? " -> progress only" : " -> " + p.rule().sid() + " " + p.rule().name()).append('\n');
        }
        if (c.windowSeconds() > 0) {
            b.append(indent).append("window: ").append(c.windowSeconds()).append(" s\n");
        }
    }

    /** The built-in data rule of this rule, or null for a rule the Java layers raise. */
    private static DataRule dataRule(Rule r) {
        for (DataRule d : RuleCatalog.builtin().dataRules()) {
            if (d.rule().sid() == r.sid()) {
                return d;
            }
        }
        return null;
    }

    /** For a data rule, its conditions as the description cell's last sentence; else nothing. */
    private static String match(Rule r) {
        DataRule d = dataRule(r);
        if (d == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(" Match: ");
        for (int i = 0; i < d.conditions().size(); i++) {
            b.append(i == 0 ? "" : ", ").append('`').append(cell(d.conditions().get(i).toString())).append('`');
        }
        return b.append('.').toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ");
    }

    static String conf(double c) {
        String s = Double.toString(c);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
