package io.impacketsensor.detection.rules;

import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.Severity;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in rule resources ({@code rules/catalog.yaml}, {@code chains.yaml},
 * {@code recommendations.yaml}) compiled at build time into one resource of the values their
 * readers produce, in the order they produce them.
 *
 * <p>Why: the YAML readers check every key, name, operator and cross-reference, and report
 * {@code file:line}; that needs the document as a tree with a line per node, which at start costs
 * the JSON tree classes, about 20 000 tree nodes and the checks themselves, all run once by the
 * interpreter: some 60 ms of CPU before the first packet. The shipped files are checked when the
 * module is built (Maven runs {@link #main} in process-classes, a broken file fails the build) and
 * again by the tests; at start the engine reads this form with a {@link DataInputStream} and calls
 * the same constructors with the values the checking reader produced. Operator files
 * ({@code local.rules.yaml}, {@code tuning.yaml}) and catalogs given as text keep the checking
 * YAML reader. {@code CompiledRulesTest} fails when the resource is missing or differs from
 * compiling the YAML sources.
 */
public final class CompiledRules {
    /** The compiled resource, next to the YAML files in the module's classes. */
    public static final String RESOURCE = "/rules/builtin-rules.bin";
    /** Raised when the layout below changes: a resource of another layout is a packaging error. */
    private static final int FORMAT = 1;
    private static final int MAGIC = 0x49535231; // "ISR1"

    /** The three built-in tables, read together. */
    record Builtin(RuleCatalog catalog, ChainCatalog chains, Recommendations recommendations) {
    }

    private CompiledRules() {
    }

    /** Compiles checked tables: the bytes of the resource. */
    static byte[] compile(RuleCatalog catalog, ChainCatalog chains, Recommendations recommendations) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            writeCatalog(out, catalog);
            writeChains(out, chains);
            writeRecommendations(out, recommendations);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** Compiles the YAML sources of a resource folder (the checking readers run; an error is a {@link RuleException}). */
    static byte[] compileSources(Path resources) throws IOException {
        RuleCatalog catalog = RuleCatalog.parse(read(resources, RuleCatalog.RESOURCE), source(RuleCatalog.RESOURCE));
        ChainCatalog chains = ChainCatalog.parse(read(resources, ChainCatalog.RESOURCE), source(ChainCatalog.RESOURCE), catalog);
        Recommendations recs = Recommendations.parse(read(resources, Recommendations.RESOURCE),
                source(Recommendations.RESOURCE), catalog);
        return compile(catalog, chains, recs);
    }

    private static String read(Path resources, String resource) throws IOException {
        return Files.readString(resources.resolve(source(resource)), StandardCharsets.UTF_8);
    }

    private static String source(String resource) {
        return resource.substring(1);
    }

    /**
     * The built-in tables from the resource (read once, at first use). A missing or foreign resource is a packaging error that
     * stops the engine: falling back to the YAML readers would hide it.
     */
    static Builtin builtin() {
        Builtin b = loaded;
        if (b == null) {
            synchronized (CompiledRules.class) {
                b = loaded;
                if (b == null) {
                    b = load();
                    loaded = b;
                }
            }
        }
        return b;
    }

    private static volatile Builtin loaded;

    private static Builtin load() {
        try (InputStream in = CompiledRules.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing: build with Maven, which compiles "
                        + "rules/*.yaml into it at process-classes");
            }
            return read(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
    }

    static Builtin read(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
        if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
            throw new IllegalStateException(RESOURCE + " is not of this build's format: rebuild the module");
        }
        RuleCatalog catalog = readCatalog(in);
        ChainCatalog chains = readChains(in, catalog);
        Recommendations recs = readRecommendations(in);
        if (in.read() != -1) {
            throw new IllegalStateException(RESOURCE + " has trailing bytes: rebuild the module");
        }
        return new Builtin(catalog, chains, recs);
    }

    private static void writeCatalog(DataOutputStream out, RuleCatalog c) throws IOException {
        out.writeDouble(c.inferredInterfaceFactor());
        Map<Rule, DataRule> data = new HashMap<>();
        for (DataRule d : c.dataRules()) {
            data.put(d.rule(), d);
        }
        out.writeInt(c.rules().size());
        for (Rule r : c.rules()) {
            out.writeInt(r.sid());
            out.writeInt(r.rev());
            out.writeUTF(r.name());
            out.writeUTF(r.signature());
            out.writeUTF(r.attackType().id());
            out.writeDouble(r.confidence());
            out.writeUTF(r.severity().name());
            writeList(out, r.mitre());
            out.writeUTF(r.layer());
            writeNullable(out, r.tool());
            out.writeUTF(r.msg());
            out.writeUTF(r.description());
            out.writeUTF(r.evidence());
            DataRule d = data.get(r);
            out.writeBoolean(d != null);
            if (d != null) {
                out.writeInt(d.conditions().size());
                for (LocalRules.Condition x : d.conditions()) {
                    out.writeUTF(x.field().id());
                    out.writeByte(x.op.ordinal());
                    out.writeBoolean(x.negate());
                    writeNullable(out, x.text());
                    out.writeBoolean(x.list() != null);
                    if (x.list() != null) {
                        writeList(out, x.list());
                    }
                    out.writeLong(x.number());
                    out.writeUTF(x.value());
                }
                out.writeUTF(d.indicator());
            }
        }
    }

    private static RuleCatalog readCatalog(DataInputStream in) throws IOException {
        double factor = in.readDouble();
        int n = in.readInt();
        List<Rule> rules = new ArrayList<>(n);
        List<DataRule> data = new ArrayList<>();
        LocalRules.Op[] ops = LocalRules.Op.values();
        for (int i = 0; i < n; i++) {
            Rule r = new Rule(in.readInt(), in.readInt(), in.readUTF(), in.readUTF(), attackType(in.readUTF()),
                    in.readDouble(), Severity.valueOf(in.readUTF()), readList(in), in.readUTF(), readNullable(in),
                    in.readUTF(), in.readUTF(), in.readUTF(), i);
            rules.add(r);
            if (in.readBoolean()) {
                int k = in.readInt();
                List<LocalRules.Condition> conds = new ArrayList<>(k);
                for (int j = 0; j < k; j++) {
                    EventField f = EventField.byId(in.readUTF());
                    if (f == null) {
                        throw new IllegalStateException(RESOURCE + " names a field this build does not have: rebuild the module");
                    }
                    LocalRules.Op op = ops[in.readByte()];
                    boolean negate = in.readBoolean();
                    String text = readNullable(in);
                    List<String> list = in.readBoolean() ? readList(in) : null;
                    conds.add(LocalRules.Condition.compiled(f, op, negate, text, list, in.readLong(), in.readUTF()));
                }
                data.add(new DataRule(r, List.copyOf(conds), in.readUTF()));
            }
        }
        return new RuleCatalog(rules, data, factor);
    }

    private static void writeChains(DataOutputStream out, ChainCatalog c) throws IOException {
        out.writeInt(c.steps().size());
        for (Map.Entry<String, String> e : c.steps().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
        out.writeInt(c.chains().size());
        for (ChainCatalog.Chain ch : c.chains()) {
            out.writeUTF(ch.name());
            out.writeUTF(ch.type().id());
            out.writeLong(ch.windowSeconds());
            out.writeInt(ch.positions().size());
            for (ChainCatalog.Position p : ch.positions()) {
                writeList(out, p.any());
                out.writeInt(p.rule() == null ? -1 : p.rule().index());
            }
        }
    }

    private static ChainCatalog readChains(DataInputStream in, RuleCatalog catalog) throws IOException {
        int n = in.readInt();
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            labels.put(in.readUTF(), in.readUTF());
        }
        n = in.readInt();
        List<ChainCatalog.Chain> chains = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            AttackType type = attackType(in.readUTF());
            long window = in.readLong();
            int k = in.readInt();
            List<ChainCatalog.Position> positions = new ArrayList<>(k);
            for (int j = 0; j < k; j++) {
                List<String> any = readList(in);
                int rule = in.readInt();
                positions.add(new ChainCatalog.Position(any, rule < 0 ? null : catalog.rules().get(rule)));
            }
            chains.add(new ChainCatalog.Chain(name, type, window, List.copyOf(positions)));
        }
        return new ChainCatalog(labels, chains);
    }

    /** The texts once, then each list as indexes into them: the lists share their strings, as when read from YAML. */
    private static void writeRecommendations(DataOutputStream out, Recommendations r) throws IOException {
        List<String> texts = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        for (List<String> l : r.byType().values()) {
            l.forEach(t -> ids.computeIfAbsent(t, x -> { texts.add(x); return texts.size() - 1; }));
        }
        for (List<String> l : r.byRule().values()) {
            l.forEach(t -> ids.computeIfAbsent(t, x -> { texts.add(x); return texts.size() - 1; }));
        }
        writeList(out, texts);
        out.writeInt(r.byType().size());
        for (Map.Entry<AttackType, List<String>> e : r.byType().entrySet()) {
            out.writeUTF(e.getKey().id());
            writeIndexes(out, e.getValue(), ids);
        }
        // Sorted by sid: Map.copyOf iterates in no fixed order, and the resource must be reproducible.
        List<Integer> sids = new ArrayList<>(r.byRule().keySet());
        sids.sort(null);
        out.writeInt(sids.size());
        for (int sid : sids) {
            out.writeInt(sid);
            writeIndexes(out, r.byRule().get(sid), ids);
        }
    }

    private static Recommendations readRecommendations(DataInputStream in) throws IOException {
        List<String> texts = readList(in);
        int n = in.readInt();
        Map<AttackType, List<String>> byType = new EnumMap<>(AttackType.class);
        for (int i = 0; i < n; i++) {
            byType.put(attackType(in.readUTF()), readIndexes(in, texts));
        }
        n = in.readInt();
        Map<Integer, List<String>> byRule = new HashMap<>();
        for (int i = 0; i < n; i++) {
            int sid = in.readInt();
            byRule.put(sid, readIndexes(in, texts));
        }
        return new Recommendations(byType, Map.copyOf(byRule));
    }

    private static void writeIndexes(DataOutputStream out, List<String> l, Map<String, Integer> ids) throws IOException {
        out.writeInt(l.size());
        for (String s : l) {
            out.writeInt(ids.get(s));
        }
    }

    private static List<String> readIndexes(DataInputStream in, List<String> texts) throws IOException {
        String[] a = new String[in.readInt()];
        for (int i = 0; i < a.length; i++) {
            a[i] = texts.get(in.readInt());
        }
        return List.of(a);
    }

    private static AttackType attackType(String id) {
        AttackType t = AttackType.byId(id);
        if (t == null) {
            throw new IllegalStateException(RESOURCE + " names an attack type this build does not have: rebuild the module");
        }
        return t;
    }

    private static void writeList(DataOutputStream out, List<String> l) throws IOException {
        out.writeInt(l.size());
        for (String s : l) {
            out.writeUTF(s);
        }
    }

    private static List<String> readList(DataInputStream in) throws IOException {
        String[] a = new String[in.readInt()];
        for (int i = 0; i < a.length; i++) {
            a[i] = in.readUTF();
        }
        return List.of(a);
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    /**
     * Build step: {@code CompiledRules CLASSES_DIR} compiles {@code rules/*.yaml} of that folder into
     * {@link #RESOURCE} there (rewritten only when it changes). A rule file error fails the build
     * with the checking reader's {@code file:line} message.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: CompiledRules CLASSES_DIR");
        }
        Path dir = Path.of(args[0]);
        byte[] b = compileSources(dir);
        Path target = dir.resolve(source(RESOURCE));
        if (!Files.exists(target) || !java.util.Arrays.equals(Files.readAllBytes(target), b)) {
            Files.write(target, b);
        }
    }
}
