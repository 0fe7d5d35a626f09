package io.impacketsensor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM that ran out of heap must exit so that its supervisor restarts it: the unit and both
 * launchers pass {@code -XX:+ExitOnOutOfMemoryError}, and that flag makes a JVM whose other
 * threads are still alive exit with status 3.
 */
class ExitOnOomTest {
    private static final String FLAG = "-XX:+ExitOnOutOfMemoryError";

    @Test
    void unitCarriesTheFlagAndRestartsOnFailure() throws Exception {
        String unit = Files.readString(Path.of("../systemd/impacket-sensor.service"));
        String env = unit.lines().filter(l -> l.startsWith("Environment=\"IMPACKET_SENSOR_JAVA_OPTS=")).findFirst()
                .orElseThrow();
        assertTrue(env.contains(FLAG), env);
        assertTrue(unit.lines().anyMatch("Restart=on-failure"::equals), "Restart=on-failure");
    }

    @Test
    void checkoutLauncherPassesTheFlag() throws Exception {
        String exec = Files.readString(Path.of("../impacket-sensor")).lines()
                .filter(l -> l.startsWith("exec java ")).findFirst().orElseThrow();
        assertTrue(exec.startsWith("exec java " + FLAG + " "), exec);
    }

    /** Runs the tarball launcher with a {@code java} on PATH that prints its arguments. */
    @Test
    void tarballLauncherPassesTheFlag(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path fakeJava = bin.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path launcher = Path.of("../packaging/bin/impacket-sensor").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder("sh", launcher.toString(), "version").redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("IMPACKET_SENSOR_JAVA_OPTS", "-Xmx512m");
        Process p = pb.start();
        List<String> args = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, p.waitFor());
        assertTrue(args.contains(FLAG), args.toString());
        // First, so that an operator's IMPACKET_SENSOR_JAVA_OPTS can still override it.
        assertTrue(args.indexOf(FLAG) < args.indexOf("-Xmx512m"), args.toString());
    }

    /** What the flag buys: a JVM with a live non-daemon thread exits (3) at the first OutOfMemoryError. */
    @Test
    void jvmWithTheFlagExitsOnOutOfMemory() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, FLAG, "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                Hog.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ended, "the JVM kept running after OutOfMemoryError: " + out);
        assertEquals(3, p.exitValue(), out);
        assertTrue(out.contains("Terminating due to java.lang.OutOfMemoryError"), out);
    }

    /** Fills the heap on one thread while another non-daemon thread keeps the JVM alive. */
    public static final class Hog {
        public static void main(String[] args) throws Exception {
            Thread keeper = new Thread(() -> {
                try {
                    Thread.sleep(120_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            keeper.start();
            List<long[]> hold = new ArrayList<>();
            while (true) {
                hold.add(new long[1 << 16]);
            }
        }
    }
}
