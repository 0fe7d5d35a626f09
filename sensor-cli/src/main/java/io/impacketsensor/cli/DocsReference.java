package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.impacketsensor.core.capture.PcapFileChain;
import io.impacketsensor.core.packet.SymmetricFlowHash;
import io.impacketsensor.core.pipeline.CapturePipeline;
import io.impacketsensor.core.pipeline.PipelineOptions;
import io.impacketsensor.core.flow.Expectations;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.flow.PacketProcessor;
import io.impacketsensor.core.pipeline.CounterSnapshot;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.DecoderLimits;
import io.impacketsensor.decoders.Decoders;
import io.impacketsensor.detection.config.ConfigException;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The generated reference pages of the user guide: the command line (docs/user/cli.md), the
 * configuration keys (docs/user/configuration.md), the Prometheus metrics (docs/user/metrics.md) and
 * the Impacket coverage table (docs/coverage.md, from the data file docs/coverage.yaml).
 * Each is rendered from what the program itself uses, so the pages cannot drift from it: picocli's
 * usage help of every command; the configuration loader, asked key by key (types, ranges, allowed
 * values come from its own error messages) with the descriptions of the shipped
 * config/impacket-sensor.yaml; the registry the service builds for {@code GET /metrics}. The tests
 * compare the committed pages with these renderings. Regenerate all four from a checkout with
 * {@code java -cp sensor-cli/target/impacket-sensor.jar io.impacketsensor.cli.DocsReference .}
 */
public final class DocsReference {
    /** How to regenerate, quoted by the staleness tests. */
    public static final String REGENERATE = "mvn -B -q -DskipTests package -pl sensor-cli -am && "
            + "java -cp sensor-cli/target/impacket-sensor.jar io.impacketsensor.cli.DocsReference .";

    static final String CLI = "docs/user/cli.md";
    static final String CONFIG = "docs/user/configuration.md";
    static final String METRICS = "docs/user/metrics.md";
    static final String COVERAGE = "docs/coverage.md";
    static final String BEGIN = "<!-- generated:begin (" + "do not edit; regenerate: see the top of this page) -->\n";
    static final String END = "<!-- generated:end -->";

    private DocsReference() {
    }

    /** Rewrites the generated part of each page under the checkout {@code args[0]} (default "."). */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        Map<String, String> pages = pages(root);
        for (Map.Entry<String, String> e : pages.entrySet()) {
            Path file = root.resolve(e.getKey());
            String now = Files.readString(file, StandardCharsets.UTF_8);
            Files.writeString(file, splice(now, e.getValue(), e.getKey()), StandardCharsets.UTF_8);
            System.out.println("wrote " + e.getKey());
        }
    }

    /** Page path → its generated part. */
    static Map<String, String> pages(Path root) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(CLI, cli());
        m.put(CONFIG, configuration(root.resolve("config/impacket-sensor.yaml")));
        m.put(METRICS, metrics(root.resolve("samples/atk_psexec.pcap")));
        m.put(COVERAGE, CoverageTable.render(CoverageTable.read(root.resolve("docs/coverage.yaml"))));
        return m;
    }

    /** The page with its generated part (between the markers) replaced. */
    static String splice(String page, String generated, String name) {
        int b = page.indexOf(BEGIN);
        int e = page.indexOf(END);
        if (b < 0 || e < b) {
            throw new IllegalArgumentException(name + " lacks the generated:begin/end markers");
        }
        return page.substring(0, b + BEGIN.length()) + generated + page.substring(e);
    }

    /** The generated part of a committed page, or null without the markers. */
    static String generatedPart(String page) {
        int b = page.indexOf(BEGIN);
        int e = page.indexOf(END);
        return b < 0 || e < b ? null : page.substring(b + BEGIN.length(), e);
    }

    // ---------------------------------------------------------------- command line

    /** Every command's usage help, as {@code impacket-sensor [COMMAND...] --help} prints it. */
    static String cli() {
        StringWriter sink = new StringWriter();
        CommandLine top = Main.commandLine(new PrintWriter(sink), new PrintWriter(sink));
        StringBuilder b = new StringBuilder();
        List<CommandLine> all = new ArrayList<>();
        collect(top, all);
        b.append("Commands: ");
        for (int i = 0; i < all.size(); i++) {
            String name = all.get(i).getCommandSpec().qualifiedName(" ");
            b.append(i == 0 ? "" : ", ").append("[`").append(name).append("`](#").append(anchor(name)).append(')');
        }
        b.append(".\n\n");
        for (CommandLine c : all) {
            String name = c.getCommandSpec().qualifiedName(" ");
            b.append("## ").append(name).append("\n\n```\n");
            // Fixed width: the page must not depend on the terminal it is generated in.
            c.setUsageHelpWidth(100);
            b.append(c.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing()).append("\n```\n\n");
        }
        return b.toString();
    }

    private static void collect(CommandLine c, List<CommandLine> out) {
        out.add(c);
        for (CommandLine sub : new LinkedHashMap<>(c.getSubcommands()).values()) {
            if (!sub.getCommandSpec().usageMessage().hidden() && !out.contains(sub)) {
                collect(sub, out);
            }
        }
    }

    /** GitHub's heading anchor: lower case, spaces to dashes, punctuation dropped. */
    static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    // ---------------------------------------------------------------- configuration

    /** One configuration key as the loader treats it. */
    record Key(String path, String type, String defaults, String range, String description) {
    }

    private static final Pattern WITHIN = Pattern.compile("must be (?:an integer )?within (-?[0-9.]+)\\.\\.(-?[0-9.]+)");
    private static final Pattern ONE_OF = Pattern.compile("must be (?:one of )?([a-z0-9_]+(?:, [a-z0-9_]+)*,? or [a-z0-9_]+|[a-z0-9_]+(?:, [a-z0-9_]+)+), not '");

    /**
     * Every key of the effective configuration (what {@code config check} prints), with its type,
     * default and range found by giving the loader values it must refuse, and the description the
     * shipped file gives the key (the comment on its line and the comment lines continuing it, or
     * the comment block above it).
     */
    static List<Key> configKeys(Path shipped) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode effective = yaml.readTree(SensorConfig.defaults().toYaml());
        Map<String, String> comments = comments(Files.readAllLines(shipped, StandardCharsets.UTF_8));
        Map<String, String> limitDocs = new LinkedHashMap<>();
        for (DecoderLimits.Row r : DecoderLimits.rows()) {
            limitDocs.put("decoders." + r.section() + "." + r.key(), r.doc());
        }
        // The keys: those of the effective configuration and those of the shipped file (which names
        // every key with its default; a section the effective view renders under another name is
        // found there), in the order of the effective view.
        Map<String, JsonNode> leaves = new LinkedHashMap<>();
        walk(effective, "", leaves::put);
        // The default as the shipped file spells it (mode "lower", not the enum's LOWER); the file
        // states the defaults (SensorConfigTest), the effective view covers the keys it leaves out.
        Map<String, JsonNode> spelled = new LinkedHashMap<>();
        walk(yaml.readTree(shipped.toFile()), "", spelled::put);
        spelled.forEach(leaves::put);
        List<Key> keys = new ArrayList<>();
        leaves.forEach((path, value) -> {
            String[] probe = probe(path);
            if (probe == null) {
                return; // not a key the loader reads (a value the effective view derives)
            }
            String desc = comments.get(path);
            if (desc == null) {
                desc = limitDocs.get(path);
            }
            if (desc == null) {
                String parent = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "";
                desc = comments.getOrDefault(parent, "");
            }
            keys.add(new Key(path, probe[0], render(value), probe[1], desc));
        });
        // In the order of the shipped file (decoders.* where its "decoders:" line is).
        List<String> shippedOrder = new ArrayList<>();
        walk(yaml.readTree(shipped.toFile()), "", (path, value) -> shippedOrder.add(path));
        keys.sort(java.util.Comparator.comparingInt(k -> rank(shippedOrder, k.path())));
        return keys;
    }

    private static int rank(List<String> order, String path) {
        for (String p = path; ; p = p.substring(0, p.lastIndexOf('.'))) {
            int i = order.indexOf(p);
            if (i >= 0) {
                return i;
            }
            if (!p.contains(".")) {
                return Integer.MAX_VALUE;
            }
        }
    }

    static String configuration(Path shipped) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("| key | type | default | range or values | description |\n|---|---|---|---|---|\n");
        for (Key k : configKeys(shipped)) {
            b.append("| `").append(k.path()).append("` | ").append(k.type()).append(" | ")
                    .append(k.defaults().isEmpty() ? "" : "`" + k.defaults() + "`").append(" | ")
                    .append(k.range()).append(" | ").append(cell(k.description())).append(" |\n");
        }
        return b.toString();
    }

    private interface LeafVisitor {
        void leaf(String path, JsonNode value);
    }

    private static void walk(JsonNode n, String path, LeafVisitor v) {
        if (n.isObject() && n.size() > 0) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                walk(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), v);
            }
        } else {
            v.leaf(path, n);
        }
    }

    private static String render(JsonNode v) {
        if (v == null || v.isNull()) {
            return "null";
        }
        if (v.isTextual()) {
            return v.textValue().isEmpty() ? "\"\"" : v.textValue();
        }
        return v.toString();
    }

    /** {type, range} of one key from the loader's answers, or null when the loader does not know the key. */
    private static String[] probe(String path) {
        String text = refusal(path, JsonNodeFactory.instance.textNode("\u00a7probe"));
        if (text != null && (text.contains("unknown key") || text.contains("must be a mapping"))) {
            return null; // not a key the loader reads, or a section (its keys are rows of their own)
        }
        if (text == null) {
            return new String[] {"string", ""};
        }
        if (text.contains("must be true or false")) {
            return new String[] {"boolean", "true, false"};
        }
        if (text.contains("must be a list of strings")) {
            return new String[] {"list of strings", ""};
        }
        if (text.contains("must be a list")) {
            return new String[] {"list", ""};
        }
        Matcher one = ONE_OF.matcher(text);
        if (one.find()) {
            return new String[] {"string", one.group(1).replace(" or ", ", ").replace(",,", ",")};
        }
        boolean number = text.contains("must be a number");
        if (!number && !text.contains("must be an integer") && !WITHIN.matcher(text).find()) {
            return new String[] {"string", ""}; // a string with a format of its own (HOST:PORT, a path)
        }
        String type = number ? "number" : "integer";
        String range = "";
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonNode[] tries = number
                ? new JsonNode[] {f.numberNode(1e12), f.numberNode(-1e12)}
                : new JsonNode[] {f.numberNode(Integer.MAX_VALUE), f.numberNode(Integer.MIN_VALUE),
                        f.numberNode(Long.MAX_VALUE)};
        Matcher w = WITHIN.matcher(text);
        if (w.find()) {
            range = w.group(1) + " .. " + w.group(2);
        }
        for (int i = 0; i < tries.length && range.isEmpty(); i++) {
            String t = refusal(path, tries[i]);
            Matcher m = t == null ? null : WITHIN.matcher(t);
            if (m != null && m.find()) {
                range = m.group(1) + " .. " + m.group(2);
            }
        }
        return new String[] {type, range};
    }

    /** The loader's message for a document that sets only {@code path} to {@code value}; null when accepted. */
    private static String refusal(String path, JsonNode value) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode at = root;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            at = at.putObject(parts[i]);
        }
        at.set(parts[parts.length - 1], value);
        try {
            SensorConfig.fromRoot(root);
            return null;
        } catch (ConfigException e) {
            String m = e.getMessage();
            // Only a message about this key describes it (a check of another key is not its range).
            return m.startsWith(path + ":") || m.startsWith(path + "[") ? m : m.contains("unknown key") ? m : null;
        }
    }

    /** Key path → description, from the comments of the shipped YAML file. */
    static Map<String, String> comments(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        Pattern keyLine = Pattern.compile("^( *)([a-z_0-9]+):(.*)$");
        List<String> stack = new ArrayList<>();
        List<Integer> indents = new ArrayList<>();
        List<String> block = new ArrayList<>();
        int blockIndent = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher m = keyLine.matcher(line);
            if (!m.matches()) {
                String t = line.strip();
                if (t.startsWith("#")) {
                    int ind = line.indexOf('#');
                    if (ind != blockIndent) {
                        block.clear();
                        blockIndent = ind;
                    }
                    block.add(t.substring(1).strip());
                } else {
                    block.clear();
                    blockIndent = -1;
                }
                continue;
            }
            int indent = m.group(1).length();
            while (!indents.isEmpty() && indents.get(indents.size() - 1) >= indent) {
                indents.remove(indents.size() - 1);
                stack.remove(stack.size() - 1);
            }
            stack.add(m.group(2));
            indents.add(indent);
            String path = String.join(".", stack);
            String rest = m.group(3);
            int hash = inlineComment(rest);
            StringBuilder d = new StringBuilder();
            if (hash >= 0) {
                d.append(rest.substring(hash + 1).strip());
                int column = line.length() - rest.length() + hash;
                // Comment lines aligned with the inline comment continue it.
                while (i + 1 < lines.size() && lines.get(i + 1).indexOf('#') == column
                        && lines.get(i + 1).substring(0, column).isBlank()) {
                    d.append(' ').append(lines.get(++i).substring(column + 1).strip());
                }
            } else if (blockIndent == indent && !block.isEmpty()) {
                d.append(String.join(" ", block));
            }
            block.clear();
            blockIndent = -1;
            if (d.length() > 0) {
                out.put(path, d.toString());
            }
        }
        return out;
    }

    /** Index of a comment's '#' in the rest of a key line (not inside quotes), or -1. */
    private static int inlineComment(String rest) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single) {
                dbl = !dbl;
            } else if (c == '#' && !single && !dbl && (i == 0 || rest.charAt(i - 1) == ' ')) {
                return i;
            }
        }
        return -1;
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    // ---------------------------------------------------------------- metrics

    /** One metric family of {@code GET /metrics}. */
    record Metric(String name, String type, String labels, String help) {
    }

    /**
     * The sensor's own families of the registry a running service exposes. The service runs on a temporary state
     * directory; the bundled capture is decoded and its events analysed by the service's engine, so
     * that the labelled families have series and their label names show.
     */
    static List<Metric> metricFamilies(Path sample) throws Exception {
        Path dir = Files.createTempDirectory("impacket-sensor-docs");
        try {
            SensorConfig d = SensorConfig.defaults().withOverrides(null, null, null, null, "", null, null, dir, "",
                    false);
            List<Metric> out = new ArrayList<>();
            try (Service service = new Service(d)) {
                // A replay through the capture pipeline, so that the capture, ring, event and
                // per-worker counters are reported too (the live source adds capture.kernel_*).
                CounterSnapshot counters;
                try (PcapFileChain chain = PcapFileChain.open(List.of(sample))) {
                    CapturePipeline pipeline = new CapturePipeline(chain, new SymmetricFlowHash(),
                            (worker, workers, sink) -> new PacketProcessor(worker, FlowLimits.DEFAULTS,
                                    Decoders.forWorker(DecoderConfig.defaults()), Expectations.of(FlowLimits.DEFAULTS),
                                    sink),
                            e -> service.engine().analyze(e), new PipelineOptions(1, 1024, 1024, 1000));
                    pipeline.run();
                    counters = pipeline.snapshot(0);
                }
                service.pipelineCounters(() -> counters);
                MetricSnapshots snaps = service.metrics().scrape();
                for (MetricSnapshot s : snaps) {
                    String type = s.getClass().getSimpleName().replace("Snapshot", "").toLowerCase(Locale.ROOT);
                    String name = s.getMetadata().getPrometheusName();
                    if (!name.startsWith("impacket_sensor_")) {
                        // The client's JVM and process collectors: their series depend on the JVM that
                        // runs (GC, memory pools), so the page names them in prose instead of the table.
                        continue;
                    }
                    if (s instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot) {
                        name += "_total";
                    } else if (s instanceof InfoSnapshot) {
                        name += "_info";
                    }
                    TreeSet<String> labels = new TreeSet<>();
                    for (DataPointSnapshot dp : s.getDataPoints()) {
                        for (Label l : dp.getLabels()) {
                            labels.add(l.getName());
                        }
                    }
                    out.add(new Metric(name, "unknown".equals(type) ? "untyped" : type, String.join(", ", labels),
                            s.getMetadata().getHelp() == null ? "" : s.getMetadata().getHelp()));
                }
            }
            out.sort(java.util.Comparator.comparing(Metric::name));
            return out;
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    static String metrics(Path sample) throws Exception {
        StringBuilder b = new StringBuilder();
        List<Metric> all = metricFamilies(sample);
        b.append(all.size()).append(" metric families of the sensor's own, and the JVM and process families above.\n\n");
        b.append("| metric | type | labels | help |\n|---|---|---|---|\n");
        for (Metric m : all) {
            b.append("| `").append(m.name()).append("` | ").append(m.type()).append(" | ")
                    .append(m.labels().isEmpty() ? "" : "`" + m.labels() + "`").append(" | ").append(cell(m.help()))
                    .append(" |\n");
        }
        return b.toString();
    }
}
