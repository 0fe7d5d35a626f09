package io.impacketsensor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checkout launcher's class-data archive: made once by a training replay with the java that
 * runs the sensor, used from then on, and made again when the jar or the JVM build changes. Runs
 * the real launcher in a scratch checkout with a {@code java} on PATH that records its arguments
 * (and, asked to dump an archive, writes one).
 */
class LauncherCdsTest {
    private static final String BUILDING = "impacket-sensor: building the class-data archive";

    @Test
    void archiveIsMadeOnceAndRemadeWhenTheJarOrTheJvmChanges(@TempDir Path dir) throws Exception {
        Path checkout = Files.createDirectories(dir.resolve("checkout"));
        Files.copy(Path.of("../impacket-sensor"), checkout.resolve("impacket-sensor"));
        Path jar = Files.createDirectories(checkout.resolve("sensor-cli/target")).resolve("impacket-sensor.jar");
        Files.writeString(jar, "jar");
        Files.createDirectories(checkout.resolve("samples"));
        Files.writeString(checkout.resolve("samples/atk_psexec.pcap"), "sample");
        Path jdk = Files.createDirectories(dir.resolve("jdk/bin"));
        Files.writeString(jdk.resolve("../release"), "JAVA_RUNTIME_VERSION=\"17.0.1+1\"\n");
        Path log = dir.resolve("java.log");
        Path fakeJava = jdk.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\necho \"$*\" >> '" + log + "'\n"
                + "case \"$*\" in -Xshare:dump*) for a in \"$@\"; do case \"$a\" in -XX:SharedArchiveFile=*) echo jsa > \"${a#*=}\";; esac; done;; esac\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        // No sources in the scratch checkout, so the launcher does not try to build the jar.
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Path jsa = checkout.resolve("sensor-cli/target/impacket-sensor.jsa");

        String err = run(checkout, jdk, Map.of());
        assertTrue(err.contains(BUILDING), err);
        List<String> calls = Files.readAllLines(log);
        assertEquals(3, calls.size(), calls.toString());
        // The training replay lists the classes it loads; a static dump archives them.
        assertTrue(calls.get(0).contains("-XX:DumpLoadedClassList=") && calls.get(0).contains(" replay --eve /dev/null ")
                && calls.get(0).endsWith("samples/atk_psexec.pcap"), calls.get(0));
        assertTrue(calls.get(1).startsWith("-Xshare:dump -XX:SharedClassListFile=") && calls.get(1).endsWith(" -cp " + jar.toAbsolutePath()),
                calls.get(1));
        assertTrue(Files.isRegularFile(jsa));
        try (var leftovers = Files.list(jsa.getParent())) {
            assertEquals(List.of("impacket-sensor.jar", "impacket-sensor.jsa", "impacket-sensor.jsa.jvm"),
                    leftovers.map(f -> f.getFileName().toString()).sorted().toList(), "no class list or temporary archive left");
        }
        String use = "-XX:SharedArchiveFile=" + jsa.toAbsolutePath();
        assertTrue(calls.get(2).contains(use) && calls.get(2).contains("-Xlog:cds=off")
                && calls.get(2).startsWith("-XX:+ExitOnOutOfMemoryError ") && calls.get(2).endsWith(" version"), calls.get(2));

        // Second start: the archive is used as it is.
        Files.delete(log);
        err = run(checkout, jdk, Map.of());
        assertFalse(err.contains(BUILDING), err);
        calls = Files.readAllLines(log);
        assertEquals(1, calls.size(), calls.toString());
        assertTrue(calls.get(0).contains(use), calls.get(0));

        // Another JVM build: made again.
        Files.delete(log);
        Files.writeString(jdk.resolve("../release"), "JAVA_RUNTIME_VERSION=\"17.0.2+1\"\n");
        assertTrue(run(checkout, jdk, Map.of()).contains(BUILDING));
        assertEquals(3, Files.readAllLines(log).size());

        // A rebuilt jar: made again.
        Files.delete(log);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 120_000));
        assertTrue(run(checkout, jdk, Map.of()).contains(BUILDING));
        assertEquals(3, Files.readAllLines(log).size());

        // Turned off: no archive option at all.
        Files.delete(log);
        run(checkout, jdk, Map.of("IMPACKET_SENSOR_CDS", "off"));
        calls = Files.readAllLines(log);
        assertEquals(1, calls.size(), calls.toString());
        assertFalse(calls.get(0).contains("SharedArchiveFile"), calls.get(0));
    }

    /** A training replay that fails is reported once and not retried at every start. */
    @Test
    void failedTrainingRunsWithoutAnArchive(@TempDir Path dir) throws Exception {
        Path checkout = Files.createDirectories(dir.resolve("checkout"));
        Files.copy(Path.of("../impacket-sensor"), checkout.resolve("impacket-sensor"));
        Path jar = Files.createDirectories(checkout.resolve("sensor-cli/target")).resolve("impacket-sensor.jar");
        Files.writeString(jar, "jar");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Path jdk = Files.createDirectories(dir.resolve("jdk/bin"));
        Path log = dir.resolve("java.log");
        Path fakeJava = jdk.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\necho \"$*\" >> '" + log + "'\n"
                + "case \"$*\" in *DumpLoadedClassList*) exit 1;; esac\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        String err = run(checkout, jdk, Map.of());
        assertTrue(err.contains("the training replay failed; running without a class-data archive"), err);
        Files.delete(log);
        err = run(checkout, jdk, Map.of());
        assertFalse(err.contains(BUILDING), err);
        List<String> calls = Files.readAllLines(log);
        assertEquals(1, calls.size(), calls.toString());
        assertFalse(calls.get(0).contains("SharedArchiveFile"), calls.get(0));
    }

    private static String run(Path checkout, Path jdk, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", checkout.resolve("impacket-sensor").toString(), "version");
        pb.environment().put("PATH", jdk + ":" + System.getenv("PATH"));
        pb.environment().remove("IMPACKET_SENSOR_JAVA_OPTS");
        pb.environment().remove("IMPACKET_SENSOR_CDS");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out + err);
        return err;
    }
}
