package io.impacketsensor.cli.deb;

import io.impacketsensor.core.capture.VethPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shipped unit's sandbox does not break the sensor: the unit's own command line, from the
 * built package's files, runs under {@code systemd-run} with every sandbox property of the unit's
 * [Service] section. A live capture on a veth pair sees the lab psexec capture and alerts, and a
 * replay of the bundled sample ends with exit 0.
 *
 * <p>Needs systemd as PID 1 (systemd-run talks to it) and root; skipped with the reason otherwise.
 * The paths the unit gives the service (/var/lib/impacket-sensor, /var/log/impacket-sensor) are
 * replaced by directories of this test, the user by a dynamic one unless the package's user exists,
 * and the files go under /run, which the sandbox leaves visible.
 */
class SystemdSandboxIT {
    private static final Path UNIT = Path.of("../systemd/impacket-sensor.service");
    /** Lines of [Service] that are how the unit is supervised or who runs it, not its sandbox. */
    private static final List<String> NOT_SANDBOX = List.of("ExecStart=", "ExecReload=", "Restart", "Type=", "User=",
            "Group=", "KillSignal=", "TimeoutStopSec=");

    private Path dir;
    private final List<String> units = new ArrayList<>();

    @BeforeEach
    void requireSystemd() throws Exception {
        assumeTrue(System.getProperty("deb.file") != null, "skipped: runs after the package phase (mvn verify)");
        assumeTrue(run("id", "-u").out.strip().equals("0"), "skipped: systemd-run of a system unit needs root");
        String init = Files.readString(Path.of("/proc/1/comm")).strip();
        assumeTrue(init.equals("systemd") && Files.isDirectory(Path.of("/run/systemd/system")),
                "skipped: systemd is not the init process here (PID 1 is " + init + "), so there is no service manager for systemd-run");
        // Under /run: the unit hides /tmp and /var/tmp (PrivateTmp=) and /root and /home
        // (ProtectHome=), where this checkout may live, but not /run.
        dir = Path.of("/run", "impacket-sensor-it-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF)));
        Files.createDirectories(dir.resolve("root"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        run("dpkg-deb", "-x", System.getProperty("deb.file"), dir.resolve("root").toString());
        for (String d : new String[] {"state", "state/jna", "log"}) {
            Path p = Files.createDirectories(dir.resolve(d));
            // The service runs as a dynamic user: it must be able to write here, as it can in the
            // directories the package's tmpfiles snippet makes for its own user.
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (String u : units) {
            run(List.of("systemctl", "stop", u), true);
            run(List.of("systemctl", "reset-failed", u), true);
        }
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void liveCaptureUnderTheUnitsSandbox() throws Exception {
        try (VethPair veth = VethPair.create()) {
            Path eve = dir.resolve("log/eve.json");
            Path config = dir.resolve("sensor.yaml");
            Files.writeString(config, "capture:\n  interface: " + veth.captureIf + "\n  bpf: tcp port 445\n  buffer_mb: 8\n"
                    + "outputs:\n  eve: " + eve + "\n  stats_interval_seconds: 1\n"
                    + "state:\n  dir: " + dir.resolve("state") + "\nhttp:\n  listen: ''\n");
            String unit = start(config, false);
            String log = await(s -> s.contains("capturing on") || s.contains("live: "), dir.resolve("stderr.log"));
            assertTrue(log.contains("capturing on " + veth.captureIf), log);
            veth.replay(2000, veth.resource("/pcaps/lab/atk_psexec.pcap"));
            String alerts = await(s -> s.contains("\"event_type\":\"alert\""), eve);
            assertTrue(alerts.contains("psexec"), alerts);
            // SIGTERM (the unit's KillSignal): drain, write the final stats record last, exit.
            run("systemctl", "stop", unit);
            String all = Files.readString(eve);
            String[] lines = all.strip().split("\n");
            assertTrue(lines[lines.length - 1].contains("\"event_type\":\"stats\""), "final stats record last: " + all);
        }
    }

    @Test
    void replayUnderTheUnitsSandbox() throws Exception {
        Path sample = Files.copy(Path.of("../samples/atk_psexec.pcap"), dir.resolve("atk_psexec.pcap"));
        start(null, true, "replay", "--eve", dir.resolve("log/eve.json").toString(), sample.toString());
        assertTrue(Files.readString(dir.resolve("log/eve.json")).contains("psexec"));
    }

    /**
     * systemd-run with the unit's sandbox; the command is the unit's ExecStart with the launcher of
     * the extracted package and this test's config file, or {@code args} instead of its arguments.
     */
    private String start(Path config, boolean wait, String... args) throws Exception {
        String unit = dir.getFileName().toString();
        units.add(unit);
        List<String> cmd = new ArrayList<>(List.of("systemd-run", "--unit=" + unit, "--quiet"));
        if (wait) {
            cmd.add("--wait");
        }
        String execStart = null;
        boolean service = false;
        for (String line : Files.readAllLines(UNIT)) {
            if (line.startsWith("[")) {
                service = line.equals("[Service]");
                continue;
            }
            if (!service || line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("ExecStart=")) {
                execStart = line.substring("ExecStart=".length());
            }
            if (NOT_SANDBOX.stream().noneMatch(line::startsWith)) {
                cmd.add("-p");
                cmd.add(paths(line.startsWith("ReadWritePaths=") ? "ReadWritePaths=/var/lib/impacket-sensor /var/log/impacket-sensor" : line));
            }
        }
        boolean userExists = run(List.of("getent", "passwd", "impacket-sensor"), true).code == 0;
        cmd.addAll(List.of("-p", userExists ? "User=impacket-sensor" : "DynamicUser=yes",
                "-p", "StandardOutput=file:" + dir.resolve("stdout.log"), "-p", "StandardError=file:" + dir.resolve("stderr.log")));
        List<String> exec = new ArrayList<>(List.of(execStart.split(" ")));
        assertEquals("/usr/bin/impacket-sensor", exec.get(0));
        exec.set(0, dir.resolve("root/usr/bin/impacket-sensor").toString());
        if (args.length > 0) {
            exec = new ArrayList<>(exec.subList(0, 1));
            exec.addAll(List.of(args));
        } else {
            exec.set(exec.indexOf("/etc/impacket-sensor/impacket-sensor.yaml"), config.toString());
        }
        cmd.add("--");
        cmd.addAll(exec);
        System.out.println("SystemdSandboxIT: " + String.join(" ", cmd));
        // With --wait, systemd-run exits with the service's status: non-zero fails the test.
        Result r = run(cmd, true);
        if (r.code != 0) {
            Path log = dir.resolve("stderr.log");
            throw new AssertionError("systemd-run exited " + r.code + ": " + r.out + "\nthe service's stderr:\n"
                    + (Files.exists(log) ? Files.readString(log) : "(none)"));
        }
        return unit;
    }

    private String paths(String property) {
        return property.replace("/var/lib/impacket-sensor", dir.resolve("state").toString())
                .replace("/var/log/impacket-sensor", dir.resolve("log").toString());
    }

    private static String await(java.util.function.Predicate<String> done, Path file) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        String s = "";
        while (System.nanoTime() < deadline) {
            s = Files.exists(file) ? Files.readString(file) : "";
            if (done.test(s)) {
                return s;
            }
            Thread.sleep(200);
        }
        return s;
    }

    private record Result(int code, String out) {
    }

    private static Result run(String... cmd) throws IOException, InterruptedException {
        return run(List.of(cmd), false);
    }

    private static Result run(List<String> cmd, boolean mayFail) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        if (code != 0 && !mayFail) {
            throw new AssertionError(String.join(" ", cmd) + " exited " + code + ":\n" + out);
        }
        return new Result(code, out);
    }
}
