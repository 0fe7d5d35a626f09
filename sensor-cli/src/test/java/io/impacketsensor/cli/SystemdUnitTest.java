package io.impacketsensor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The shipped systemd files: the hardening the issue asks for, and systemd-analyze verify. */
class SystemdUnitTest {
    private static final Path UNIT = Path.of("../systemd/impacket-sensor.service");

    @Test
    void unitRunsUnprivilegedWithCapabilitiesAndWritesOnlyStateAndLogs() throws Exception {
        String u = Files.readString(UNIT);
        for (String line : new String[] {"User=impacket-sensor", "AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN",
            "CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN", "NoNewPrivileges=yes", "ProtectSystem=strict",
            "ReadWritePaths=/var/lib/impacket-sensor /var/log/impacket-sensor", "Restart=on-failure",
            "-Djna.tmpdir=/var/lib/impacket-sensor/jna", "ExecReload=/bin/kill -HUP $MAINPID", "KillSignal=SIGTERM"}) {
            assertTrue(u.contains(line), "unit lacks " + line);
        }
        String tmpfiles = Files.readString(Path.of("../systemd/impacket-sensor.tmpfiles.conf"));
        assertTrue(tmpfiles.contains("d /var/lib/impacket-sensor/jna 0750 impacket-sensor impacket-sensor"), tmpfiles);
        assertTrue(tmpfiles.contains("d /var/log/impacket-sensor     0750 impacket-sensor impacket-sensor"), tmpfiles);
        assertTrue(Files.readString(Path.of("../systemd/impacket-sensor.sysusers.conf")).contains("u impacket-sensor -"));
    }

    /**
     * The sandbox the issue asks for, and systemd-analyze's exposure score of the unit (0 = fully
     * sandboxed, 10 = not at all) at most 2.5. What stays exposed is what capture needs: packet and
     * netlink sockets, CAP_NET_RAW/CAP_NET_ADMIN, the host network; and the JVM's JIT (W+X memory).
     */
    @Test
    void sandboxAndExposureScore(@TempDir Path dir) throws Exception {
        String u = Files.readString(UNIT);
        for (String line : new String[] {"SystemCallFilter=@system-service", "SystemCallArchitectures=native",
            "ProtectProc=invisible", "ProcSubset=pid", "RestrictAddressFamilies=AF_PACKET AF_NETLINK AF_INET AF_INET6 AF_UNIX",
            "PrivateMounts=yes", "RemoveIPC=yes"}) {
            assertTrue(u.contains("\n" + line + "\n"), "unit lacks " + line);
        }
        Process which = new ProcessBuilder("sh", "-c", "command -v systemd-analyze").start();
        assumeTrue(which.waitFor() == 0, "skipped: systemd-analyze not installed (apt-get install systemd; .ci/run does)");
        Path unit = dir.resolve("impacket-sensor.service");
        Files.writeString(unit, u);
        Process p = new ProcessBuilder("systemd-analyze", "security", "--offline=true", "--no-pager", unit.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Overall exposure level for impacket-sensor.service: ([0-9.]+)")
                .matcher(out);
        assertTrue(m.find(), out);
        double score = Double.parseDouble(m.group(1));
        System.out.println("SystemdUnitTest: systemd-analyze security impacket-sensor.service: exposure " + score + " (of 10)");
        assertTrue(score <= 2.5, "exposure " + score + " > 2.5:\n" + out);
    }

    /**
     * systemd-analyze verify refuses an ExecStart that does not exist on this machine, so the unit is
     * verified with the launcher path pointed at the launcher the packages ship (the same script).
     * It also opens each {@code man:} page of {@code Documentation=}: they are looked up among the
     * pages the package build generates (MANPATH).
     */
    @Test
    void systemdAnalyzeVerifyPasses(@TempDir Path dir) throws Exception {
        Process which = new ProcessBuilder("sh", "-c", "command -v systemd-analyze").start();
        assumeTrue(which.waitFor() == 0, "skipped: systemd-analyze not installed (apt-get install systemd; .ci/run does)");
        Path launcher = Path.of("../packaging/bin/impacket-sensor").toAbsolutePath().normalize();
        assertTrue(Files.isExecutable(launcher), launcher + " is executable");
        Path unit = dir.resolve("impacket-sensor.service");
        Files.writeString(unit, Files.readString(UNIT).replace("/usr/bin/impacket-sensor", launcher.toString()));
        Path man8 = Files.createDirectories(dir.resolve("man/man8"));
        var pages = new io.impacketsensor.cli.deb.ManPages("test", "2026-01-01").render(Main.commandLine(
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(new java.io.StringWriter())));
        for (var page : pages.entrySet()) {
            Files.writeString(man8.resolve(page.getKey()), page.getValue());
        }
        ProcessBuilder pb = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true);
        pb.environment().put("MANPATH", dir.resolve("man").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertEquals("", out.strip(), "no warnings: " + out);
    }
}
