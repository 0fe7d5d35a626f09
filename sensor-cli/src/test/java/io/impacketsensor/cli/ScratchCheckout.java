package io.impacketsensor.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A scratch source checkout for the launcher tests: the real checkout launcher and a stand-in jar,
 * run with commands on PATH that the test writes (a {@code java} that records its arguments, a
 * {@code mvn} that records that it ran).
 */
final class ScratchCheckout {
    final Path root;
    final Path jar;

    /**
     * Copies the launcher into {@code dir/checkout} and writes a stand-in jar a minute old: there are
     * no sources, so nothing is newer and the launcher does not build the jar.
     */
    ScratchCheckout(Path dir) throws IOException {
        root = Files.createDirectories(dir.resolve("checkout"));
        Files.copy(Path.of("../impacket-sensor"), root.resolve("impacket-sensor"));
        jar = Files.createDirectories(root.resolve("sensor-cli/target")).resolve("impacket-sensor.jar");
        Files.writeString(jar, "jar");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    }

    /** Writes the executable shell script {@code bin/name} with {@code body} after its first line. */
    static Path script(Path bin, String name, String body) throws IOException {
        Path file = Files.createDirectories(bin).resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /**
     * Runs the launcher with {@code args}, {@code bin} first on PATH, without the sensor's
     * variables of this environment and with those in {@code env}; asserts it exits 0 and returns
     * what it wrote on stderr.
     */
    String run(Path bin, Map<String, String> env, String... args) throws Exception {
        String[] argv = new String[args.length + 2];
        argv[0] = "bash";
        argv[1] = root.resolve("impacket-sensor").toString();
        System.arraycopy(args, 0, argv, 2, args.length);
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().remove("IMPACKET_SENSOR_JAVA_OPTS");
        pb.environment().remove("IMPACKET_SENSOR_CDS");
        pb.environment().remove("IMPACKET_SENSOR_JIT");
        pb.environment().putAll(env);
        return execute(pb);
    }

    /** Runs {@code pb} with nothing on stdin; asserts it exits 0 and returns what it wrote on stderr. */
    static String execute(ProcessBuilder pb) throws Exception {
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out + err);
        return err;
    }
}
