package io.impacketsensor.fleet;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Finds and runs the correlator's own jar for {@code impacket-sensor correlate}. The correlator
 * (Kafka Streams with RocksDB, about 75 MB of native libraries) is not part of the sensor's jar; it
 * runs in the same JVM through a class loader of its own whose parent is the platform loader, so
 * that none of the sensor's classes (an older Kafka client, another Jackson) can shadow the
 * correlator's. This class names no Kafka Streams type.
 */
public final class CorrelatorJar {
    /** The jar's file name, as the correlator build writes it and as it is installed. */
    public static final String FILE = "impacket-sensor-correlate.jar";
    /** Environment variable naming the jar, between {@code --correlator-jar} and the search. */
    public static final String ENV = "IMPACKET_SENSOR_CORRELATOR_JAR";
    /** Where the Debian package puts the sensor's jar, so where an installed correlator sits too. */
    public static final Path PACKAGE_DIR = Path.of("/usr/share/impacket-sensor");
    static final String MAIN = "io.impacketsensor.fleet.correlate.CorrelateMain";
    /** How to get the jar, for the message when it is missing. */
    static final String HOW = "build it with 'mvn -B -Pcorrelator -pl sensor-fleet -am package -DskipTests'"
            + " (target/" + FILE + ") and put it next to impacket-sensor.jar, or name it with --correlator-jar or " + ENV;

    private CorrelatorJar() {
    }

    /**
     * The correlator's jar: {@code explicit} ({@code --correlator-jar}) if given, else {@code env}
     * ({@value #ENV}) if set, else {@value #FILE} in {@code sensorDir} (the directory of the
     * sensor's jar: the Debian package's {@code /usr/share/impacket-sensor}, the tarball's
     * {@code lib}), else in {@code packageDir}.
     *
     * @throws IllegalArgumentException with one line naming what is missing and what to install
     */
    public static Path locate(Path explicit, String env, Path sensorDir, Path packageDir) {
        if (explicit != null) {
            return existing(explicit, "--correlator-jar");
        }
        if (env != null && !env.isEmpty()) {
            return existing(Path.of(env), ENV);
        }
        List<Path> tried = new ArrayList<>();
        for (Path dir : new Path[] {sensorDir, packageDir}) {
            if (dir != null && !tried.contains(dir.resolve(FILE))) {
                Path p = dir.resolve(FILE);
                tried.add(p);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("the correlator is not installed (no " + String.join(" or ",
                tried.stream().map(Path::toString).toList()) + "): " + HOW);
    }

    private static Path existing(Path p, String from) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(from + ": " + p + " is not a file; " + HOW);
        }
        return p;
    }

    /** The directory of the jar (or class directory) {@code c} was loaded from, or null. */
    public static Path directoryOf(Class<?> c) {
        try {
            var src = c.getProtectionDomain().getCodeSource();
            if (src == null) {
                return null;
            }
            Path p = Path.of(src.getLocation().toURI());
            return Files.isDirectory(p) ? p : p.getParent();
        } catch (java.net.URISyntaxException | SecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Runs the correlator of {@code jar} with {@code args} (its own options) until {@code stop}
     * completes, or until the JVM shuts down when {@code stop} is null.
     *
     * @return the correlator's exit code (0 stopped, 1 failed, 2 bad usage or configuration)
     * @throws IllegalArgumentException when {@code jar} is not the correlator's jar
     */
    public static int run(Path jar, List<String> args, PrintStream err, CompletableFuture<?> stop)
            throws InterruptedException {
        URL url;
        try {
            url = jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(jar + ": not a path a class loader can read");
        }
        // Not closed: Kafka Streams' threads and RocksDB's native library load classes until the JVM ends.
        URLClassLoader loader = new URLClassLoader("impacket-sensor-correlate", new URL[] {url},
                ClassLoader.getPlatformClassLoader());
        Method run;
        try {
            run = Class.forName(MAIN, true, loader).getMethod("run", String[].class, PrintStream.class,
                    CompletableFuture.class);
        } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
            throw new IllegalArgumentException(jar + " is not the correlator's jar of this version (no " + MAIN
                    + ".run): " + HOW);
        }
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        // Kafka loads configured classes (serdes, partitioners, login modules) through the context loader.
        t.setContextClassLoader(loader);
        try {
            return (Integer) run.invoke(null, args.toArray(String[]::new), err, stop);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            t.setContextClassLoader(before);
        }
    }
}
