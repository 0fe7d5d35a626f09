package io.impacketsensor.cli.arch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The package dependency graph of the project's main sources, read from the source text: a
 * package depends on another when one of its files imports a type (or a static member) of it or
 * names one of its types fully qualified. Comments and string literals are removed first, so a
 * Javadoc mention or a class name in a message is not a dependency; references inside the same
 * package need no import and are not edges.
 *
 * <p>Reading sources rather than class files keeps the check independent of the build order of
 * the modules and lets it run from any one module's tests. Runnable on its own as a single-file
 * program ({@code java PackageGraph.java <repo root>}) to print the cycles of any checkout.
 */
public final class PackageGraph {

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    /** A qualified name of this project up to its first capitalised segment (the type). */
    private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])(io\\.impacketsensor(?:\\.[a-z_][\\w]*)*)\\.(?:[A-Z]\\w*|\\*)");

    /** from package -> to package -> files of {@code from} that make the reference. */
    private final Map<String, Map<String, Set<String>>> edges = new TreeMap<>();

    /** Every {@code src/main/java} tree of the modules directly under {@code repoRoot}. */
    public static PackageGraph ofModules(Path repoRoot) {
        PackageGraph g = new PackageGraph();
        try (Stream<Path> modules = Files.list(repoRoot)) {
            for (Path m : modules.sorted().toList()) {
                Path src = m.resolve("src/main/java");
                if (Files.isRegularFile(m.resolve("pom.xml")) && Files.isDirectory(src)) {
                    g.addTree(src);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return g;
    }

    void addTree(Path src) throws IOException {
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                addSource(src.relativize(f).toString(), Files.readString(f));
            }
        }
    }

    /** Adds one compilation unit; {@code name} only labels the edges it creates. */
    public void addSource(String name, String source) {
        String code = stripCommentsAndStrings(source);
        Matcher pm = PACKAGE.matcher(code);
        if (!pm.find()) {
            return;
        }
        String from = pm.group(1);
        edges.computeIfAbsent(from, k -> new TreeMap<>());
        Matcher m = QUALIFIED.matcher(code);
        while (m.find()) {
            String to = m.group(1);
            if (!to.equals(from)) {
                edges.get(from).computeIfAbsent(to, k -> new TreeSet<>()).add(name);
                edges.computeIfAbsent(to, k -> new TreeMap<>());
            }
        }
    }

    public Set<String> packages() {
        return edges.keySet();
    }

    /** The packages {@code from} depends on, with the files that make each reference. */
    public Map<String, Set<String>> dependencies(String from) {
        return edges.getOrDefault(from, Map.of());
    }

    /**
     * The strongly connected components with more than one package (Tarjan): every package cycle
     * lies inside exactly one of them. Each is sorted; the list is sorted by its first package.
     */
    public List<List<String>> cycles() {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : edges.keySet()) {
            if (!index.containsKey(v)) {
                strongConnect(v, index, low, stack, onStack, out, counter);
            }
        }
        out.sort((a, b) -> a.get(0).compareTo(b.get(0)));
        return out;
    }

    private void strongConnect(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
                               Set<String> onStack, List<List<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : dependencies(v).keySet()) {
            if (!index.containsKey(w)) {
                strongConnect(w, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> comp = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                comp.add(w);
            } while (!w.equals(v));
            if (comp.size() > 1) {
                comp.sort(null);
                out.add(comp);
            }
        }
    }

    /** One component as text: each edge inside it with the files that make it. */
    public String describe(List<String> component) {
        StringBuilder sb = new StringBuilder("cycle among ").append(component).append('\n');
        for (String a : component) {
            for (Map.Entry<String, Set<String>> e : dependencies(a).entrySet()) {
                if (component.contains(e.getKey())) {
                    sb.append("  ").append(a).append(" -> ").append(e.getKey()).append("  ").append(e.getValue()).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /** Blanks comments, string and char literals and text blocks, keeping line structure. */
    static String stripCommentsAndStrings(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                while (i < n && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (c == '"' && s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && s.charAt(j) != c && s.charAt(j) != '\n') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                i = Math.min(n, j + 1);
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    public static void main(String[] args) {
        PackageGraph g = ofModules(Path.of(args.length > 0 ? args[0] : "."));
        List<List<String>> cycles = g.cycles();
        System.out.println(g.packages().size() + " packages, " + cycles.size() + " cycle(s)");
        for (List<String> c : cycles) {
            System.out.print(g.describe(c));
        }
    }
}
