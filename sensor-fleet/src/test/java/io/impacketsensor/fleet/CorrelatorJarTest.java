package io.impacketsensor.fleet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where {@code impacket-sensor correlate} looks for the correlator's jar, and what it says when it is not there. */
class CorrelatorJarTest {
    @Test
    void explicitThenEnvironmentThenNextToTheSensorThenThePackageDirectory(@TempDir Path dir) throws Exception {
        Path sensorDir = Files.createDirectories(dir.resolve("lib"));
        Path packageDir = Files.createDirectories(dir.resolve("share"));
        Path explicit = Files.writeString(dir.resolve("mine.jar"), "x");
        Path env = Files.writeString(dir.resolve("env.jar"), "x");
        Path installed = Files.writeString(packageDir.resolve(CorrelatorJar.FILE), "x");
        assertEquals(explicit, CorrelatorJar.locate(explicit, env.toString(), sensorDir, packageDir));
        assertEquals(env, CorrelatorJar.locate(null, env.toString(), sensorDir, packageDir));
        assertEquals(installed, CorrelatorJar.locate(null, "", sensorDir, packageDir));
        Path beside = Files.writeString(sensorDir.resolve(CorrelatorJar.FILE), "x");
        assertEquals(beside, CorrelatorJar.locate(null, null, sensorDir, packageDir));
    }

    @Test
    void aMissingJarIsOneLineNamingWhereItLookedAndWhatToInstall(@TempDir Path dir) {
        String none = assertThrows(IllegalArgumentException.class,
                () -> CorrelatorJar.locate(null, null, dir.resolve("lib"), dir.resolve("share"))).getMessage();
        assertTrue(none.startsWith("the correlator is not installed (no " + dir.resolve("lib").resolve(CorrelatorJar.FILE)
                + " or " + dir.resolve("share").resolve(CorrelatorJar.FILE) + "): build it with"), none);
        assertTrue(none.contains("--correlator-jar") && none.contains(CorrelatorJar.ENV) && !none.contains("\n"), none);
        // A name given but wrong is not silently replaced by the search.
        String env = assertThrows(IllegalArgumentException.class,
                () -> CorrelatorJar.locate(null, dir.resolve("gone.jar").toString(), dir, dir)).getMessage();
        assertTrue(env.startsWith(CorrelatorJar.ENV + ": " + dir.resolve("gone.jar") + " is not a file"), env);
        String opt = assertThrows(IllegalArgumentException.class,
                () -> CorrelatorJar.locate(dir, null, dir, dir)).getMessage();
        assertTrue(opt.startsWith("--correlator-jar: " + dir + " is not a file"), opt);
    }
}
