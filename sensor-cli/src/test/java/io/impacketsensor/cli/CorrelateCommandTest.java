package io.impacketsensor.cli;

import io.impacketsensor.fleet.CorrelatorJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code impacket-sensor correlate}: its help says what it needs and where it looks; without the
 * correlator's jar, or with a file that is not it, one line and exit 2. The run itself against a
 * broker is sensor-fleet's CorrelatorTest (the correlator's jar and Kafka Streams are not on this
 * module's classpath, as they are not in the sensor's jar).
 */
class CorrelateCommandTest {
    private static CliRun fails(String... args) {
        CliRun r = CliRun.run(args);
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertEquals("", r.out());
        return r;
    }

    @Test
    void helpTeachesWhatItNeedsAndWhereItLooks() {
        CliRun r = CliRun.run("correlate", "--help");
        assertEquals(0, r.code(), r.err());
        for (String s : new String[] {CorrelatorJar.FILE, CorrelatorJar.ENV, "--correlator-jar", "/usr/share/impacket-sensor",
            "--application-id", "--state-dir", "--alerts-topic", "kafka.topics.events", "exactly-once", "Exit codes"}) {
            assertTrue(r.out().contains(s), "help names " + s + ":\n" + r.out());
        }
        assertTrue(CliRun.run("--help").out().contains("correlate"), "the top-level help lists the command");
    }

    @Test
    void badUsageAndAMissingOrWrongJarAreOneLineAndExit2(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("fleet.yaml");
        Files.writeString(cfg, "kafka:\n  bootstrap_servers: [\"127.0.0.1:9\"]\n");
        assertTrue(fails("correlate").err().contains("--config"));
        assertTrue(fails("correlate", "--config", cfg.toString(), "--bogus").err().contains("--bogus"));

        String missing = fails("correlate", "--config", cfg.toString(), "--correlator-jar", dir.resolve("nope.jar").toString())
                .err();
        assertTrue(missing.startsWith("correlate: --correlator-jar: ") && missing.contains("nope.jar is not a file")
                && missing.contains("-Pcorrelator"), missing);

        Path notIt = Files.write(dir.resolve("other.jar"), new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0}); // synthetic: an empty zip archive, a jar without the correlator
        String wrong = fails("correlate", "--config", cfg.toString(), "--correlator-jar", notIt.toString()).err();
        assertTrue(wrong.contains("other.jar is not the correlator's jar"), wrong);
    }

    @Test
    void withoutTheJarItSaysWhatToInstall() {
        // Only where nothing is installed: the sensor's classes here come from target/classes.
        assumeTrue(System.getenv(CorrelatorJar.ENV) == null && !Files.exists(CorrelatorJar.PACKAGE_DIR.resolve(CorrelatorJar.FILE))
                && !Files.exists(CorrelatorJar.directoryOf(Main.class).resolve(CorrelatorJar.FILE)));
        String err = fails("correlate", "--config", "fleet.yaml").err();
        assertTrue(err.startsWith("correlate: the correlator is not installed (no ") && err.contains(CorrelatorJar.FILE)
                && err.contains("/usr/share/impacket-sensor/" + CorrelatorJar.FILE) && err.contains("--correlator-jar"), err);
    }
}
