package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Impacket coverage table: one row per example script of Impacket, read from
 * {@code docs/coverage.yaml} and rendered into {@code docs/coverage.md}. The data file is the one
 * place a verdict is written down; the page is generated so that it cannot drift from it, and
 * {@code CoverageTableTest} holds the data against the rule catalog and the lab captures.
 */
final class CoverageTable {
    /** How a script shows on the wire, from strongest to none. */
    enum Verdict {
        DETECTED("detected"), MONITOR_LEVEL("monitor-level"), NOT_YET("not-yet"), OUT_OF_SCOPE("out-of-scope"),
        OFFLINE("offline");

        final String id;

        Verdict(String id) {
            this.id = id;
        }

        static Verdict of(String id, String where) {
            for (Verdict v : values()) {
                if (v.id.equals(id)) {
                    return v;
                }
            }
            throw new IllegalArgumentException(where + ": unknown verdict '" + id + "'");
        }
    }

    /** One example script. {@code captures} maps an Impacket version label to lab capture file names. */
    record Row(String script, boolean inDebianVersion, String wire, Verdict verdict, List<String> attackTypes,
               List<String> rules, Map<String, List<String>> captures, String signal, String reason) {
    }

    /** The data file: which Impacket it describes and its rows, in file order. */
    record Table(String repository, String commit, String current, String debian, List<Row> rows) {
    }

    private CoverageTable() {
    }

    static Table read(Path yaml) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml.toFile());
        JsonNode imp = required(root, "impacket", "coverage.yaml");
        List<Row> rows = new ArrayList<>();
        for (JsonNode s : required(root, "scripts", "coverage.yaml")) {
            String script = text(s, "script", "coverage.yaml");
            String where = "coverage.yaml " + script;
            Map<String, List<String>> caps = new LinkedHashMap<>();
            JsonNode c = s.get("captures");
            if (c != null) {
                c.fields().forEachRemaining(e -> caps.put(e.getKey(), strings(e.getValue())));
            }
            rows.add(new Row(script, required(s, "in_0_10", where).asBoolean(), text(s, "wire", where),
                    Verdict.of(text(s, "verdict", where), where), strings(s.get("attack_types")),
                    strings(s.get("rules")), caps, optional(s, "signal"), optional(s, "reason")));
        }
        return new Table(text(imp, "repository", "impacket"), text(imp, "commit", "impacket"),
                text(imp, "current", "impacket"), text(imp, "debian", "impacket"), rows);
    }

    /** The generated part of docs/coverage.md. */
    static String render(Table t) {
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        for (Row r : t.rows()) {
            counts.merge(r.verdict(), 1, Integer::sum);
        }
        StringBuilder b = new StringBuilder();
        b.append("Impacket ").append(t.current()).append(" (").append(t.repository()).append(" at `")
                .append(t.commit(), 0, 12).append("`) has ").append(t.rows().size())
                .append(" example scripts; Debian's ").append(t.debian()).append(" has those marked ✓ in the second column.\n\n");
        b.append("| verdict | scripts |\n|---|---|\n");
        for (Verdict v : Verdict.values()) {
            b.append("| ").append(v.id).append(" | ").append(counts.getOrDefault(v, 0)).append(" |\n");
        }
        b.append("\n| script | ").append(t.debian()).append(" | on the wire | verdict | attack types and rules | lab captures | signal, or why not |\n");
        b.append("|---|---|---|---|---|---|---|\n");
        for (Row r : t.rows()) {
            b.append("| `").append(r.script()).append("` | ").append(r.inDebianVersion() ? "✓" : "").append(" | ")
                    .append(cell(r.wire())).append(" | ").append(r.verdict().id).append(" | ");
            List<String> parts = new ArrayList<>();
            for (String a : r.attackTypes()) {
                parts.add("**" + a + "**");
            }
            for (String rule : r.rules()) {
                parts.add("`" + rule + "`");
            }
            b.append(String.join(", ", parts)).append(" | ");
            List<String> caps = new ArrayList<>();
            r.captures().forEach((version, files) -> {
                for (String f : files) {
                    caps.add("`" + f + "` (" + version + ")");
                }
            });
            b.append(String.join("<br>", caps)).append(" | ");
            String why = r.signal() != null ? r.signal() : r.reason();
            b.append(why == null ? "" : cell(why)).append(" |\n");
        }
        return b.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    private static JsonNode required(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(where + ": missing '" + key + "'");
        }
        return v;
    }

    private static String text(JsonNode n, String key, String where) {
        return required(n, key, where).asText();
    }

    private static String optional(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null) {
            for (JsonNode e : n) {
                out.add(e.asText());
            }
        }
        return List.copyOf(out);
    }
}
