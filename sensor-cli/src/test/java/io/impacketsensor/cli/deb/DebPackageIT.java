package io.impacketsensor.cli.deb;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The built Debian package (the build's integration-test phase, after jdeb made it): where its
 * files are, its dependencies, the copyright file against the bundled jars, the real version from
 * the installed launcher's jar, and lintian with no error and no warning.
 */
class DebPackageIT {
    private static Path deb;

    @BeforeAll
    static void locate() {
        assumeTrue(which("dpkg-deb"), "skipped: dpkg-deb not installed (not a Debian system)");
        assumeTrue(System.getProperty("deb.file") != null, "skipped: runs after the package phase (mvn verify), which sets deb.file");
        deb = Path.of(System.getProperty("deb.file"));
        assertTrue(Files.isRegularFile(deb), deb + " is built by the package phase");
    }

    @Test
    void filesAreWhereDebianPolicyPutsThem() throws Exception {
        String list = run(List.of("dpkg-deb", "-c", deb.toString())).out;
        for (String path : new String[] {"./usr/share/impacket-sensor/impacket-sensor.jar", "./usr/bin/impacket-sensor",
            "./etc/impacket-sensor/impacket-sensor.yaml", "./etc/impacket-sensor/logback.xml",
            "./etc/logrotate.d/impacket-sensor", "./lib/systemd/system/impacket-sensor.service",
            "./usr/lib/sysusers.d/impacket-sensor.conf", "./usr/lib/tmpfiles.d/impacket-sensor.conf",
            "./usr/share/doc/impacket-sensor/copyright", "./usr/share/doc/impacket-sensor/changelog.Debian.gz",
            "./usr/share/doc/impacket-sensor/README.md.gz", "./usr/share/man/man8/impacket-sensor.8.gz",
            "./usr/share/man/man8/impacket-sensor-live.8.gz", "./usr/share/man/man8/impacket-sensor-replay.8.gz",
            "./usr/share/lintian/overrides/impacket-sensor", "./usr/share/impacket-sensor/samples/atk_psexec.pcap"}) {
            assertTrue(list.contains(" " + path + "\n"), "package holds " + path + ":\n" + list);
        }
        assertFalse(list.contains("./opt/"), "nothing under /opt (Policy 9.1.1: /opt is the administrator's)");
        assertTrue(list.contains("-rwxr-xr-x root/root") && list.contains(" ./usr/bin/impacket-sensor\n"));
        String conffiles = run(List.of("dpkg-deb", "-I", deb.toString(), "conffiles")).out;
        assertEquals(List.of("/etc/impacket-sensor/impacket-sensor.yaml", "/etc/impacket-sensor/logback.xml",
                "/etc/logrotate.d/impacket-sensor"), conffiles.lines().sorted().toList());
        // The postinst makes the class-data archive again when a JVM package changes /usr/lib/jvm.
        String triggers = run(List.of("dpkg-deb", "-I", deb.toString(), "triggers")).out;
        assertEquals(List.of("interest-noawait /usr/lib/jvm"),
                triggers.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList());
        String depends = run(List.of("dpkg-deb", "-f", deb.toString(), "Depends")).out.strip();
        assertTrue(depends.contains("default-jre-headless (>= 2:1.17) | java17-runtime-headless"), depends);
        assertTrue(depends.contains("libpcap0.8") && depends.contains("adduser"), depends);
    }

    @Test
    void copyrightListsEveryBundledJarAndTheLauncherPrintsTheVersion(@TempDir Path root) throws Exception {
        run(List.of("dpkg-deb", "-x", deb.toString(), root.toString()));
        String copyright = Files.readString(root.resolve("usr/share/doc/impacket-sensor/copyright"));
        List<DebFiles.Artifact> bundled = DebFiles.readDependencyList(Path.of("target/bundled-dependencies.txt"));
        List<String> missing = new ArrayList<>();
        for (DebFiles.Artifact a : bundled) {
            if (!copyright.contains("Comment: " + a.key() + " " + a.version() + " ")) {
                missing.add(a.key());
            }
        }
        assertEquals(List.of(), missing, "bundled jars without a copyright paragraph");
        assertTrue(copyright.startsWith("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"));

        // The launcher as installed finds the jar relative to itself (/usr/bin -> /usr/share).
        Result v = run(List.of(root.resolve("usr/bin/impacket-sensor").toString(), "--version"));
        String version = run(List.of("dpkg-deb", "-f", deb.toString(), "Version")).out.strip();
        String upstream = version.substring(0, version.lastIndexOf('-'));
        String expected = "impacket-sensor " + io.impacketsensor.cli.Main.version();
        assertEquals(expected, v.out.strip());
        assertTrue(io.impacketsensor.cli.Main.version().startsWith(upstream.replaceFirst("~.*", "")),
                "Debian version " + version + " carries the project version");
    }

    /**
     * The installed launcher's class-data archive: made in /var/cache/impacket-sensor (here under the
     * unpacked root) by a run that may write there, used by the next runs, made again when the stamp
     * names another java or jar, and neither made nor used where the cache directory is missing or
     * with IMPACKET_SENSOR_CDS=off.
     */
    @Test
    void classDataArchiveIsMadeOnceInTheCacheAndUsed(@TempDir Path root) throws Exception {
        run(List.of("dpkg-deb", "-x", deb.toString(), root.toString()));
        String launcher = root.resolve("usr/bin/impacket-sensor").toString();
        String sample = root.resolve("usr/share/impacket-sensor/samples/atk_psexec.pcap").toString();
        Path cache = root.resolve("var/cache/impacket-sensor");
        Path jsa = cache.resolve("impacket-sensor.jsa");
        Path stamp = cache.resolve("impacket-sensor.jsa.jvm");
        String version = "impacket-sensor " + io.impacketsensor.cli.Main.version();

        Launch noCache = launch(Map.of(), launcher, "--version");
        assertEquals(version, noCache.out.strip());
        assertEquals("", noCache.err, "no cache directory (the postinst makes it): nothing built, nothing said");
        assertFalse(Files.exists(cache));

        Files.createDirectories(cache);
        Launch first = launch(Map.of(), launcher, "--version");
        assertEquals(version, first.out.strip(), "the archive's training replay prints nothing on stdout");
        assertTrue(first.err.contains("building the class-data archive " + jsa), first.err);
        assertTrue(Files.size(jsa) > 1_000_000, "archive written");
        assertTrue(Files.readString(stamp).contains(" JAVA_RUNTIME_VERSION="), Files.readString(stamp));

        Path classes = root.resolve("classes.txt");
        Launch second = launch(Map.of("IMPACKET_SENSOR_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes),
                launcher, "replay", "--eve", "-", sample);
        assertEquals("", second.err.lines().filter(l -> l.contains("class-data")).collect(Collectors.joining("\n")));
        assertTrue(second.out.contains("\"event_type\":\"alert\""), "the replay itself alerts: " + second.out);
        assertFalse(second.out.contains("cds"), "the JVM's archive logging stays off stdout");
        // A replay loads about 430 of the sensor's classes and 170 of picocli's.
        assertTrue(fromArchive(classes, "io.impacketsensor.") > 300, "the replay's own classes come from the archive");
        assertTrue(fromArchive(classes, "picocli.") > 100, "picocli's too (compiled for Java 5, left out of a dynamic archive)");
        // Replaying the training capture again reads nothing from the jar: a class left out of the
        // archive (for example one of picocli's, once a lambda made the dump link its interface)
        // would be read and verified at every start.
        List<String> fromJar = Files.readAllLines(classes).stream()
                .filter(l -> l.contains(" source: ") && l.contains("impacket-sensor.jar")).toList();
        assertEquals(List.of(), fromJar.subList(0, Math.min(5, fromJar.size())), fromJar.size() + " classes read from the jar");

        Files.writeString(stamp, "/usr/lib/jvm/another/bin/java JAVA_RUNTIME_VERSION=\"1\" 1 1\n");
        Launch remade = launch(Map.of(), launcher, "--version");
        assertTrue(remade.err.contains("building the class-data archive"), "another java or jar: made again");
        assertTrue(Files.readString(stamp).contains(" JAVA_RUNTIME_VERSION="));

        Files.delete(classes);
        Launch off = launch(Map.of("IMPACKET_SENSOR_CDS", "off",
                "IMPACKET_SENSOR_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes), launcher, "--version");
        assertEquals(version, off.out.strip());
        assertEquals(0, fromArchive(classes, "io.impacketsensor."), "IMPACKET_SENSOR_CDS=off runs without the archive");
    }

    /** Classes whose name starts with {@code prefix} that the JVM's class+load log says it mapped from an archive. */
    private static long fromArchive(Path classLoadLog, String prefix) throws IOException {
        return Files.readAllLines(classLoadLog).stream()
                .filter(l -> l.contains("] " + prefix) && l.contains(" source: shared objects file")).count();
    }

    private record Launch(String out, String err) {
    }

    private static Launch launch(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("IMPACKET_SENSOR_CDS");
        pb.environment().remove("IMPACKET_SENSOR_JAVA_OPTS");
        pb.environment().putAll(env);
        Path err = Files.createTempFile("launch", ".err");
        try {
            Process p = pb.redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            String text = Files.readString(err);
            assertEquals(0, code, String.join(" ", cmd) + " exited " + code + ":\n" + out + text);
            return new Launch(out, text);
        } finally {
            Files.delete(err);
        }
    }

    @Test
    void lintianReportsNoErrorAndNoWarning() throws Exception {
        if (!which("lintian")) {
            System.out.println("DebPackageIT: lintian not installed (apt-get install lintian; .ci/run does): package not linted");
            assumeTrue(false, "skipped: lintian not installed");
        }
        Result r = run(List.of("lintian", "--info", "--display-info", "--pedantic", deb.toString()));
        List<String> tags = r.out.lines().filter(l -> l.matches("^[EWIPO]: .*")).toList();
        System.out.println("DebPackageIT: lintian " + deb.getFileName() + ": " + tags.size() + " tag(s)");
        tags.forEach(t -> System.out.println("  " + t));
        List<String> bad = tags.stream().filter(t -> t.startsWith("E: ") || t.startsWith("W: ")).toList();
        assertEquals(List.of(), bad, "lintian errors/warnings:\n" + r.out);
    }

    private record Result(int code, String out) {
    }

    private static Result run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        if (code != 0) {
            throw new AssertionError(String.join(" ", cmd) + " exited " + code + ":\n" + out);
        }
        return new Result(code, out);
    }

    private static boolean which(String tool) {
        try {
            return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
