package io.impacketsensor.cli.deb;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The maintainer scripts, run by dpkg itself: the built package is installed, its trigger fired and
 * the package removed, in a private mount namespace where /etc, /usr and /var are overlays over the
 * machine's own (their changes go to a directory under /dev/shm that the test deletes), so the
 * machine the test runs on is left as it was. Checks that configure makes the class-data archive
 * in /var/cache/impacket-sensor for the installed java, that the service user's replay runs with
 * it, that a change under /usr/lib/jvm makes it again, and that removal takes it away.
 *
 * <p>Needs root, {@code unshare} and overlay mounts, and the package's dependencies installed as
 * Debian packages (dpkg refuses the install otherwise); skipped with the reason when one is missing.
 */
class DebInstallIT {
    private static final String SCRIPT = """
            set -e
            for d in etc usr var; do
                mkdir -p "$OV/$d/upper" "$OV/$d/work"
                mount -t overlay overlay -o "lowerdir=/$d,upperdir=$OV/$d/upper,workdir=$OV/$d/work" "/$d"
            done
            echo "mounted"
            mkdir -m 1777 "$OV/log"
            dpkg -i "$DEB" >"$OV/install.log" 2>&1 || { echo "install failed"; cat "$OV/install.log"; exit 0; }
            echo "installed"
            cat "$OV/install.log"
            echo "stamp: $(cat /var/cache/impacket-sensor/impacket-sensor.jsa.jvm)"
            echo "archive bytes: $(stat -c %s /var/cache/impacket-sensor/impacket-sensor.jsa)"
            before=$(stat -c %Y /var/cache/impacket-sensor/impacket-sensor.jsa)
            su -s /bin/sh impacket-sensor -c "IMPACKET_SENSOR_JAVA_OPTS=-Xlog:class+load=info:file=$OV/log/classes.txt \\
                impacket-sensor replay --eve - /usr/share/impacket-sensor/samples/atk_psexec.pcap" >"$OV/replay.out" 2>&1
            echo "service user alerts: $(grep -c '"event_type":"alert"' "$OV/replay.out")"
            echo "service user classes from the archive: $(grep -E '] (io\\.impacketsensor|picocli)\\.' "$OV/log/classes.txt" | grep -c 'source: shared objects file')"
            sleep 1.1
            dpkg-trigger --no-await /usr/lib/jvm
            dpkg --triggers-only -a 2>&1
            after=$(stat -c %Y /var/cache/impacket-sensor/impacket-sensor.jsa)
            [ "$after" -gt "$before" ] && echo "remade by the trigger"
            dpkg -r impacket-sensor >/dev/null 2>&1
            [ -e /var/cache/impacket-sensor ] || echo "removed with the package"
            """;

    private static Path deb;

    @BeforeAll
    static void locate() throws Exception {
        assumeTrue(System.getProperty("deb.file") != null, "skipped: runs after the package phase (mvn verify), which sets deb.file");
        deb = Path.of(System.getProperty("deb.file")).toAbsolutePath();
        assumeTrue(run("id", "-u").strip().equals("0"), "skipped: installing a package needs root");
        for (String tool : new String[] {"dpkg", "unshare", "su"}) {
            assumeTrue(!run("sh", "-c", "command -v " + tool + " || true").isBlank(), "skipped: " + tool + " not installed");
        }
        assumeTrue(Files.isDirectory(Path.of("/dev/shm")), "skipped: no /dev/shm for the overlays' upper directories");
        assumeTrue(!run("sh", "-c", "dpkg-query -W -f '${Status}' impacket-sensor 2>/dev/null || true").contains("installed"),
                "skipped: impacket-sensor is installed on this machine");
    }

    @Test
    void configureMakesTheArchiveTheTriggerRemakesItRemoveTakesItAway() throws Exception {
        Path ov = Path.of("/dev/shm", "impacket-sensor-install-it-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF)));
        Files.createDirectories(ov);
        try {
            ProcessBuilder pb = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c", SCRIPT)
                    .redirectErrorStream(true);
            pb.environment().put("OV", ov.toString());
            pb.environment().put("DEB", deb.toString());
            pb.environment().remove("IMPACKET_SENSOR_CDS");
            pb.environment().remove("IMPACKET_SENSOR_JAVA_OPTS");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            assumeTrue(out.contains("mounted"), "skipped: no private mount namespace with overlays here: " + out.strip());
            assumeTrue(!out.contains("install failed") || !out.contains("dependency problems"),
                    "skipped: the package's dependencies are not installed as Debian packages: " + out.strip());
            assertEquals(0, code, out);
            assertTrue(out.contains("installed"), out);
            assertTrue(out.contains("building the class-data archive /var/cache/impacket-sensor/impacket-sensor.jsa"), out);
            String java = run("readlink", "-f", run("sh", "-c", "command -v java").strip()).strip();
            assertTrue(out.contains("stamp: " + java + " JAVA_RUNTIME_VERSION="), "stamped with the java the launcher runs:\n" + out);
            assertTrue(number(out, "archive bytes: ") > 1_000_000, out);
            assertTrue(number(out, "service user alerts: ") > 0, "the service user's replay alerts:\n" + out);
            assertTrue(number(out, "service user classes from the archive: ") > 400,
                    "the service user's replay maps its classes from the archive:\n" + out);
            assertTrue(out.contains("Processing triggers for impacket-sensor"), out);
            assertTrue(out.contains("remade by the trigger"), out);
            assertTrue(out.contains("removed with the package"), out);
        } finally {
            try (Stream<Path> s = Files.walk(ov)) {
                for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static long number(String out, String label) {
        return out.lines().filter(l -> l.startsWith(label)).findFirst()
                .map(l -> Long.parseLong(l.substring(label.length()).strip())).orElse(-1L);
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
