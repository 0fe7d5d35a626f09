package io.impacketsensor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checkout launcher rebuilds the jar when something that goes into it (a pom, a module's
 * src/main, config/) is newer than the jar, and not for tests, test captures or build output. Runs
 * the real launcher in a scratch checkout with a {@code mvn} on PATH that records that it ran.
 */
class LauncherRebuildTest {
    private static final String BUILDING = "impacket-sensor: building the jar";

    @Test
    void onlyWhatGoesIntoTheJarMakesItStale(@TempDir Path dir) throws Exception {
        ScratchCheckout scratch = new ScratchCheckout(dir);
        Path checkout = scratch.root;
        Path jar = scratch.jar;
        Path pom = Files.writeString(checkout.resolve("pom.xml"), "<project/>");
        Path modulePom = Files.writeString(Files.createDirectories(checkout.resolve("sensor-core")).resolve("pom.xml"), "<project/>");
        Path source = write(checkout.resolve("sensor-core/src/main/java/X.java"));
        Path resource = write(checkout.resolve("detection-engine/src/main/resources/rules/x.yaml"));
        Path config = write(checkout.resolve("config/logback.xml"));
        Path test = write(checkout.resolve("sensor-core/src/test/java/XTest.java"));
        Path capture = write(checkout.resolve("sensor-core/src/test/resources/pcaps/x.pcap"));
        Path output = write(checkout.resolve("sensor-core/target/classes/X.class"));
        // The test build writes sources too (JMH's generated benchmarks): they are not in the jar.
        Path generated = write(checkout.resolve("detection-engine/target/generated-test-sources/test-annotations/B_jmhTest.java"));
        Path bin = dir.resolve("bin");
        Path built = dir.resolve("mvn.log");
        ScratchCheckout.script(bin, "mvn", "echo \"$*\" >> '" + built + "'\n");
        ScratchCheckout.script(bin, "java", "exit 0\n");

        long old = System.currentTimeMillis() - 120_000;
        // Directories too: a source added or deleted changes its folder's time, and that counts.
        try (var all = Files.walk(checkout)) {
            for (Path p : all.toList()) {
                Files.setLastModifiedTime(p, FileTime.fromMillis(old));
            }
        }
        Files.setLastModifiedTime(jar, FileTime.fromMillis(old + 60_000));
        assertFalse(run(scratch, bin).contains(BUILDING), "nothing newer than the jar");

        for (Path p : new Path[] {test, capture, output, generated}) {
            Files.setLastModifiedTime(p, FileTime.fromMillis(old + 90_000));
            assertFalse(run(scratch, bin).contains(BUILDING), checkout.relativize(p) + " is not in the jar");
        }
        assertFalse(Files.exists(built));

        for (Path p : new Path[] {pom, modulePom, source, resource, config}) {
            Files.setLastModifiedTime(p, FileTime.fromMillis(old + 90_000));
            assertTrue(run(scratch, bin).contains(BUILDING), checkout.relativize(p) + " is in the jar");
            Files.setLastModifiedTime(p, FileTime.fromMillis(old));
        }
        Files.delete(source);
        assertTrue(run(scratch, bin).contains(BUILDING), "a source deleted");
        assertEquals(6, Files.readAllLines(built).size());
    }

    private static Path write(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "x");
    }

    private static String run(ScratchCheckout checkout, Path bin) throws Exception {
        return checkout.run(bin, Map.of("IMPACKET_SENSOR_CDS", "off"), "version");
    }
}
