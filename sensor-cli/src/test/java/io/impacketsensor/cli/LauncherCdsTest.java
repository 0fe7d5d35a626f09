package io.impacketsensor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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
        ScratchCheckout scratch = new ScratchCheckout(dir);
        Path checkout = scratch.root;
        Path jar = scratch.jar;
        Files.createDirectories(checkout.resolve("samples"));
        Files.writeString(checkout.resolve("samples/atk_psexec.pcap"), "sample");
        Path jdk = Files.createDirectories(dir.resolve("jdk/bin"));
        Files.writeString(jdk.resolve("../release"), "JAVA_RUNTIME_VERSION=\"17.0.1+1\"\n");
        Path log = dir.resolve("java.log");
        ScratchCheckout.script(jdk, "java", "echo \"$*\" >> '" + log + "'\n"
                + "case \"$*\" in -Xshare:dump*) for a in \"$@\"; do case \"$a\" in -XX:SharedArchiveFile=*) echo jsa > \"${a#*=}\";; esac; done;; esac\n");
        Path jsa = checkout.resolve("sensor-cli/target/impacket-sensor.jsa");

        String err = run(scratch, jdk, Map.of());
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
        err = run(scratch, jdk, Map.of());
        assertFalse(err.contains(BUILDING), err);
        calls = Files.readAllLines(log);
        assertEquals(1, calls.size(), calls.toString());
        assertTrue(calls.get(0).contains(use), calls.get(0));

        // Another JVM build: made again.
        Files.delete(log);
        Files.writeString(jdk.resolve("../release"), "JAVA_RUNTIME_VERSION=\"17.0.2+1\"\n");
        assertTrue(run(scratch, jdk, Map.of()).contains(BUILDING));
        assertEquals(3, Files.readAllLines(log).size());

        // A rebuilt jar: made again.
        Files.delete(log);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 120_000));
        assertTrue(run(scratch, jdk, Map.of()).contains(BUILDING));
        assertEquals(3, Files.readAllLines(log).size());

        // Turned off: no archive option at all.
        Files.delete(log);
        run(scratch, jdk, Map.of("IMPACKET_SENSOR_CDS", "off"));
        calls = Files.readAllLines(log);
        assertEquals(1, calls.size(), calls.toString());
        assertFalse(calls.get(0).contains("SharedArchiveFile"), calls.get(0));
    }

    /** A training replay that fails is reported once and not retried at every start. */
    @Test
    void failedTrainingRunsWithoutAnArchive(@TempDir Path dir) throws Exception {
        ScratchCheckout checkout = new ScratchCheckout(dir);
        Path jdk = Files.createDirectories(dir.resolve("jdk/bin"));
        Path log = dir.resolve("java.log");
        ScratchCheckout.script(jdk, "java", "echo \"$*\" >> '" + log + "'\n"
                + "case \"$*\" in *DumpLoadedClassList*) exit 1;; esac\n");
        String err = run(checkout, jdk, Map.of());
        assertTrue(err.contains("the training replay failed; running without a class-data archive"), err);
        Files.delete(log);
        err = run(checkout, jdk, Map.of());
        assertFalse(err.contains(BUILDING), err);
        List<String> calls = Files.readAllLines(log);
        assertEquals(1, calls.size(), calls.toString());
        assertFalse(calls.get(0).contains("SharedArchiveFile"), calls.get(0));
    }

    private static String run(ScratchCheckout checkout, Path jdk, Map<String, String> env) throws Exception {
        return checkout.run(jdk, env, "version");
    }
}
