package io.impacketsensor.cli.arch;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * No package cycles in the main sources of any module, and protocol decoders that depend only on
 * what a decoder needs: a decoder is driven through the flow SPIs and emits core events, so it must
 * not reach into capture, the pipeline, the detection engine or the CLI (ARCHITECTURE.md, layers).
 * The surefire working directory is the sensor-cli module, so {@code ..} is the repository root.
 */
class PackageDependencyTest {

    private static final Path REPO = Path.of("..");

    private static final String DECODERS = "io.impacketsensor.decoders";
    private static final List<String> FORBIDDEN_FOR_DECODERS = List.of(
            "io.impacketsensor.core.capture",
            "io.impacketsensor.core.pipeline",
            "io.impacketsensor.detection",
            "io.impacketsensor.cli");

    @Test
    void noPackageCycles() {
        PackageGraph g = PackageGraph.ofModules(REPO);
        assertTrue(g.packages().size() > 20, "found the main sources of all modules under " + REPO.toAbsolutePath());
        StringBuilder found = new StringBuilder();
        for (List<String> c : g.cycles()) {
            found.append(g.describe(c));
        }
        if (found.length() > 0) {
            fail("package cycles (break them by moving the shared type to the package that owns the concept, "
                    + "or to core.spi / core.collections):\n" + found);
        }
    }

    @Test
    void protocolDecodersDoNotDependOnCapturePipelineEngineOrCli() {
        PackageGraph g = PackageGraph.ofModules(REPO);
        List<String> violations = new ArrayList<>();
        for (String p : g.packages()) {
            if (!isWithin(p, DECODERS)) {
                continue;
            }
            for (Map.Entry<String, Set<String>> d : g.dependencies(p).entrySet()) {
                for (String forbidden : FORBIDDEN_FOR_DECODERS) {
                    if (isWithin(d.getKey(), forbidden)) {
                        violations.add(p + " -> " + d.getKey() + " " + d.getValue());
                    }
                }
            }
        }
        assertTrue(g.packages().stream().anyMatch(p -> isWithin(p, DECODERS)), "decoder sources found");
        assertEquals(List.of(), violations);
    }

    /**
     * The SMB versions are handed their messages by {@code decoders.smb}, which frames the connection:
     * they implement its {@code smb.spi} and know neither each other nor the package that creates them.
     */
    @Test
    void smbVersionsDependOnlyOnTheFramingSpi() {
        PackageGraph g = PackageGraph.ofModules(REPO);
        List<String> violations = new ArrayList<>();
        for (String version : List.of("smb1", "smb2")) {
            String p = DECODERS + "." + version;
            assertTrue(g.packages().contains(p), p + " found");
            for (Map.Entry<String, Set<String>> d : g.dependencies(p).entrySet()) {
                String to = d.getKey();
                boolean sibling = to.equals(DECODERS + ".smb1") || to.equals(DECODERS + ".smb2");
                if (!to.equals(p) && (sibling || to.equals(DECODERS + ".smb"))) {
                    violations.add(p + " -> " + to + " " + d.getValue());
                }
            }
            assertTrue(g.dependencies(p).containsKey(DECODERS + ".smb.spi"), p + " implements the framing spi");
        }
        assertEquals(List.of(), violations);
    }

    /** The scanner itself: a cycle through an import, a static import and a qualified name is found. */
    @Test
    void scannerFindsCyclesAndIgnoresCommentsAndStrings() {
        PackageGraph g = new PackageGraph();
        g.addSource("A.java", "package io.impacketsensor.x;\nimport io.impacketsensor.y.B;\nclass A {}");
        g.addSource("B.java", "package io.impacketsensor.y;\nimport static io.impacketsensor.z.C.f;\nclass B {}");
        g.addSource("C.java", "package io.impacketsensor.z;\nclass C { io.impacketsensor.x.A.Inner a; }");
        g.addSource("D.java", "package io.impacketsensor.w;\n/** {@link io.impacketsensor.x.A} */\n"
                + "class D { String s = \"io.impacketsensor.x.A\"; // io.impacketsensor.x.A\n}");
        g.addSource("E.java", "package io.impacketsensor.x;\nimport io.impacketsensor.w.*;\nclass E {}");
        assertEquals(List.of(List.of("io.impacketsensor.x", "io.impacketsensor.y", "io.impacketsensor.z")), g.cycles());
        assertEquals(Set.of(), g.dependencies("io.impacketsensor.w").keySet(), "comments and strings are not references");
        assertTrue(g.dependencies("io.impacketsensor.x").containsKey("io.impacketsensor.w"), "wildcard import");
    }

    private static boolean isWithin(String pkg, String root) {
        return pkg.equals(root) || pkg.startsWith(root + ".");
    }
}
