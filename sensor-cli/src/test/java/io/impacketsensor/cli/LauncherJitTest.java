package io.impacketsensor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both launchers (the checkout's and the installed one) run the batch commands with C1 only, the
 * parallel collector with a 16 MB young generation, and huge pages where the kernel gives them on
 * request, and {@code live} with both JIT tiers and the JVM's default collector; {@code IMPACKET_SENSOR_JIT=full} and options given in
 * {@code IMPACKET_SENSOR_JAVA_OPTS} (after ours, so they win) override it. Runs the real scripts
 * with a {@code java} on PATH that records its arguments.
 */
class LauncherJitTest {
    private static final String C1 = "-XX:TieredStopAtLevel=1";
    private static final String PARALLEL = "-XX:+UseParallelGC";
    private static final String YOUNG = "-Xmn16m";
    private static final String THP = "-XX:+UseTransparentHugePages";

    @Test
    void checkoutLauncher(@TempDir Path dir) throws Exception {
        Path checkout = new ScratchCheckout(dir).root;
        check(dir, List.of("bash", checkout.resolve("impacket-sensor").toString()));
    }

    @Test
    void installedLauncher(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("opt/bin"));
        Files.copy(Path.of("../packaging/bin/impacket-sensor"), bin.resolve("impacket-sensor"));
        check(dir, List.of("sh", bin.resolve("impacket-sensor").toString()));
    }

    private static void check(Path dir, List<String> launcher) throws Exception {
        Path jdk = Files.createDirectories(dir.resolve("jdk/bin"));
        Path log = dir.resolve("java.log");
        Files.writeString(jdk.resolve("java"), "#!/bin/sh\necho \"$*\" > '" + log + "'\n");
        Files.setPosixFilePermissions(jdk.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path thp = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        String thpMode = Files.isReadable(thp) ? Files.readString(thp).strip() : "(no " + thp + ")";
        boolean madvise = thpMode.contains("[madvise]");
        for (String cmd : List.of("replay", "evaluate", "analyze", "selftest", "bench")) {
            String args = run(launcher, jdk, log, cmd, Map.of());
            assertTrue(args.startsWith("-XX:+ExitOnOutOfMemoryError " + C1 + " "), args);
            assertTrue(args.endsWith(" " + cmd + " x"), args);
            assertFalse(run(launcher, jdk, log, cmd, Map.of("IMPACKET_SENSOR_JIT", "full")).contains(C1));
            String own = run(launcher, jdk, log, cmd, Map.of("IMPACKET_SENSOR_JAVA_OPTS", "-XX:TieredStopAtLevel=4"));
            assertTrue(own.indexOf("-XX:TieredStopAtLevel=4") > own.indexOf(C1), "the user's option comes last: " + own);
            assertTrue(args.contains(" " + PARALLEL + " "), args);
            assertTrue(run(launcher, jdk, log, cmd, Map.of("IMPACKET_SENSOR_JIT", "full")).contains(PARALLEL));
            // the JVM refuses two collectors: the user's choice replaces ours, and its young generation too
            String g1 = run(launcher, jdk, log, cmd, Map.of("IMPACKET_SENSOR_JAVA_OPTS", "-Xmx1g -XX:+UseG1GC"));
            assertFalse(g1.contains(PARALLEL), g1);
            assertFalse(g1.contains(YOUNG), g1);
            assertTrue(g1.contains("-XX:+UseG1GC"), g1);
            assertTrue(args.contains(" " + YOUNG + " "), args);
            for (String young : List.of("-Xmn64m", "-XX:NewSize=8m", "-XX:MaxNewSize=32m", "-XX:NewRatio=2")) {
                String sized = run(launcher, jdk, log, cmd, Map.of("IMPACKET_SENSOR_JAVA_OPTS", young));
                assertFalse(sized.contains(YOUNG), sized);
                assertTrue(sized.contains(PARALLEL), sized);
            }
            // Huge pages only where the kernel hands them out on request; with [never] the JVM would warn.
            assertEquals(madvise, args.contains(" " + THP + " "), thpMode + ": " + args);
        }
        for (String cmd : List.of("live", "config", "rules", "version")) {
            String args = run(launcher, jdk, log, cmd, Map.of());
            assertFalse(args.contains(C1), cmd);
            assertFalse(args.contains(PARALLEL), cmd);
            assertFalse(args.contains(YOUNG), cmd);
            assertFalse(args.contains(THP), cmd);
        }
    }

    private static String run(List<String> launcher, Path jdk, Path log, String cmd, Map<String, String> env)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(launcher.get(0), launcher.get(1), cmd, "x");
        pb.environment().put("PATH", jdk + ":" + System.getenv("PATH"));
        pb.environment().remove("IMPACKET_SENSOR_JAVA_OPTS");
        pb.environment().remove("IMPACKET_SENSOR_JIT");
        pb.environment().put("IMPACKET_SENSOR_CDS", "off");
        pb.environment().putAll(env);
        ScratchCheckout.execute(pb);
        return Files.readString(log).strip();
    }
}
