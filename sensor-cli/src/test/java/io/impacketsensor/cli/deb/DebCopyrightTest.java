package io.impacketsensor.cli.deb;

import io.impacketsensor.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package's copyright file against the jars the build bundles: target/bundled-dependencies.txt
 * is written by the build (dependency:list, runtime scope, phase generate-resources) from the
 * same dependency set the shade plugin packs into the runnable jar.
 */
class DebCopyrightTest {
    private static final Path REPO = Path.of("..");
    private static final Path LIST = Path.of("target/bundled-dependencies.txt");

    private static List<DebFiles.Artifact> bundled() throws IOException {
        assertTrue(Files.isRegularFile(LIST), LIST + " is written by the build (mvn generate-resources or later)");
        return DebFiles.readDependencyList(LIST);
    }

    private static List<DebFiles.Licence> licences() throws IOException {
        return DebFiles.readLicences(REPO.resolve("packaging/deb/licenses.tsv"));
    }

    @Test
    void everyBundledJarHasALicenceAndAParagraph() throws IOException {
        List<DebFiles.Artifact> bundled = bundled();
        assertTrue(bundled.size() >= 10, "the sensor bundles jackson, logback, pcap4j, jna, picocli...: " + bundled);
        assertEquals(List.of(), DebFiles.unlicensed(bundled, licences()),
                "bundled jars missing from packaging/deb/licenses.tsv");
        String copyright = DebFiles.copyright("https://example.org", bundled, licences(), REPO.resolve("packaging/deb/licenses"));
        for (DebFiles.Artifact a : bundled) {
            assertTrue(copyright.contains("Comment: " + a.groupId() + ":" + a.artifactId() + " " + a.version() + " "),
                    "copyright names " + a);
        }
        // Every licence a Files paragraph names has its stand-alone paragraph (DEP-5 section 7).
        for (String line : copyright.split("\n")) {
            if (line.startsWith("License: ") && copyright.indexOf("\n" + line + "\n") >= 0) {
                for (String name : DebFiles.names(line.substring("License: ".length()))) {
                    assertTrue(copyright.contains("\nLicense: " + name + "\n "), "stand-alone paragraph for " + name);
                }
            }
        }
        assertTrue(copyright.contains("Files: com/sun/jna/*\n"), "JNA, native libraries included, under com/sun/jna");
    }

    @Test
    void aBundledJarWithoutALicenceStopsTheBuild() throws IOException {
        List<DebFiles.Artifact> bundled = new ArrayList<>(bundled());
        bundled.add(new DebFiles.Artifact("org.example", "unlisted", "1.0", bundled.get(0).file()));
        IOException e = assertThrows(IOException.class,
                () -> DebFiles.copyright("https://example.org", bundled, licences(), REPO.resolve("packaging/deb/licenses")));
        assertTrue(e.getMessage().contains("no licence for the bundled org.example:unlisted:1.0"), e.getMessage());
    }

    @Test
    void dependencyListLinesAreParsedAndOwnModulesSkipped(@TempDir Path dir) throws IOException {
        Path list = dir.resolve("deps.txt");
        Files.writeString(list, "\nThe following files have been resolved:\n"
                + "   info.picocli:picocli:jar:4.7.7:compile:/r/info/picocli/picocli/4.7.7/picocli-4.7.7.jar -- module info.picocli\n"
                + "   io.impacketsensor:sensor-core:jar:0.1.0-SNAPSHOT:compile:/w/sensor-core/target/sensor-core-0.1.0-SNAPSHOT.jar -- module sensor.core (auto)\n"
                + "   net.java.dev.jna:jna:jar:5.19.1:runtime:/r/jna-5.19.1.jar\n");
        List<DebFiles.Artifact> a = DebFiles.readDependencyList(list);
        assertEquals(2, a.size(), a.toString());
        assertEquals("info.picocli:picocli", a.get(0).key());
        assertEquals("5.19.1", a.get(1).version());
    }

    @Test
    void debianVersionOfReleasesAndSnapshots() {
        LocalDateTime t = LocalDateTime.of(2026, 1, 2, 3, 4, 5);
        assertEquals("1.2.0-1", DebFiles.debianVersion("1.2.0", t));
        assertEquals("0.1.0~20260102030405-1", DebFiles.debianVersion("0.1.0-SNAPSHOT", t));
    }

    /** gzip -9 with no name and no time stamp: reproducible, and flagged as maximum compression. */
    @Test
    void gzipIsMaximumCompressionWithoutTimestamp() throws IOException {
        byte[] data = "impacket-sensor\n".repeat(500).getBytes(StandardCharsets.UTF_8);
        byte[] gz = DebFiles.gzip(data);
        assertEquals(2, gz[8], "XFL: maximum compression");
        assertEquals(0, gz[4] | gz[5] | gz[6] | gz[7], "MTIME zero");
        assertEquals(0, gz[3], "no FNAME");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            assertTrue(java.util.Arrays.equals(data, in.readAllBytes()));
        }
    }

    @Test
    void manPagesForEveryCommandWithTheirOptions() throws IOException {
        var pages = new ManPages("9.9", "2026-01-02").render(Main.commandLine(
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(new java.io.StringWriter())));
        for (String p : new String[] {"impacket-sensor.8", "impacket-sensor-replay.8", "impacket-sensor-live.8",
            "impacket-sensor-blocklist-export.8", "impacket-sensor-config-check.8", "impacket-sensor-rules-show.8"}) {
            assertTrue(pages.containsKey(p), p + " in " + pages.keySet());
        }
        String live = pages.get("impacket-sensor-live.8");
        assertTrue(live.startsWith(".\\\" Generated") && live.contains("\n.TH IMPACKET\\-SENSOR\\-LIVE 8 \"2026-01-02\" \"impacket-sensor 9.9\""), live);
        assertTrue(live.contains("\\fB\\-i\\fR, \\fB\\-\\-interface\\fR=\\fIIFACE\\fR"), live);
        assertTrue(live.contains("\\fB\\-\\-enforce\\fR, \\fB\\-\\-no\\-enforce\\fR"), live);
        assertTrue(live.contains(".SH EXAMPLES\n.nf\n"), live);
        for (String page : pages.values()) {
            for (String line : page.split("\n")) {
                assertFalse(!line.startsWith(".") && (line.startsWith("'")), "a text line would be read as a request: " + line);
            }
        }
    }

    /** --version prints the version of the build, the one the parent POM declares. */
    @Test
    void versionIsTheProjectVersion() throws IOException {
        String pom = Files.readString(REPO.resolve("pom.xml"));
        int parent = pom.indexOf("<artifactId>impacket-sensor-parent</artifactId>");
        int open = pom.indexOf("<version>", parent);
        String expected = pom.substring(open + "<version>".length(), pom.indexOf("</version>", open));
        assertEquals(expected, Main.version());
        java.io.StringWriter out = new java.io.StringWriter();
        assertEquals(0, Main.execute(new java.io.PrintWriter(out, true), new java.io.PrintWriter(new java.io.StringWriter()), "--version"));
        assertEquals("impacket-sensor " + expected, out.toString().strip());
    }
}
