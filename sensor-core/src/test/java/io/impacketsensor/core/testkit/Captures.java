package io.impacketsensor.core.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The test captures, stored once in sensor-core's test resources and reached from every module's
 * tests through the sensor-core test-jar: {@code /pcaps/lab/} (the project lab, listed in
 * {@code pcaps/lab/MANIFEST.tsv}), {@code /pcaps/public/} (third-party captures, unchanged, listed
 * in {@code pcaps/README.md}) and {@code /pcaps-fixtures/} (trimmed or rewritten captures one test
 * needs, each with its derivation in that folder's README). docs/dev/testing.md.
 *
 * <p>The pcap reader and the CLI read files, so a capture is returned as a {@link Path}. Inside
 * sensor-core the resource is a file of {@code target/test-classes}; from the other modules it is
 * an entry of the test-jar, copied once per JVM to a temporary folder (same relative path).
 */
public final class Captures {
    private static final Map<String, Path> EXTRACTED = new ConcurrentHashMap<>();
    private static volatile Path extractRoot;

    private Captures() {
    }

    /** A lab capture by file name, e.g. {@code atk_psexec.pcap}. */
    public static Path lab(String name) {
        return path("/pcaps/lab/" + name);
    }

    /** A public capture by its path below {@code pcaps/public/}. */
    public static Path pub(String rel) {
        return path("/pcaps/public/" + rel);
    }

    /** A capture of {@code pcaps-fixtures/} by file name. */
    public static Path fixture(String name) {
        return path("/pcaps-fixtures/" + name);
    }

    /** Any capture by its classpath resource name, e.g. {@code /pcaps/lab/atk_psexec.pcap}. */
    public static Path path(String resource) {
        String name = resource.startsWith("/") ? resource : "/" + resource;
        URL url = Captures.class.getResource(name);
        if (url == null) {
            throw new IllegalArgumentException("no test capture " + name + " on the classpath (sensor-core test-jar)");
        }
        if (url.getProtocol().equals("file")) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return EXTRACTED.computeIfAbsent(name, Captures::extract);
    }

    /**
     * The resource names of every {@code .pcap}/{@code .pcapng} below a classpath folder such as
     * {@code /pcaps/lab}, sorted.
     */
    public static List<String> list(String folder) {
        String dir = (folder.startsWith("/") ? folder.substring(1) : folder);
        dir = dir.endsWith("/") ? dir : dir + "/";
        // Every classpath root that has the folder: a module's own test resources may hold a
        // folder of the same name (golden files) in front of the test-jar's.
        java.util.TreeSet<String> out = new java.util.TreeSet<>();
        try {
            for (URL url : Collections.list(Captures.class.getClassLoader().getResources(dir))) {
                if (url.getProtocol().equals("jar")) {
                    JarURLConnection conn = (JarURLConnection) url.openConnection();
                    conn.setUseCaches(false); // a private JarFile, so closing it leaves the class loader's alone
                    try (JarFile jar = conn.getJarFile()) {
                        for (JarEntry e : Collections.list(jar.entries())) {
                            if (e.getName().startsWith(dir) && isCapture(e.getName())) {
                                out.add("/" + e.getName());
                            }
                        }
                    }
                } else {
                    Path root = Path.of(url.toURI());
                    String prefix = "/" + dir;
                    try (Stream<Path> files = Files.walk(root)) {
                        files.filter(f -> isCapture(f.toString()))
                                .forEach(f -> out.add(prefix + root.relativize(f).toString().replace('\\', '/')));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no test captures below /" + dir + " on the classpath");
        }
        return new ArrayList<>(out);
    }

    /**
     * The captures a test folder names in its {@code CAPTURES.tsv} (a local name, a tab, the
     * resource of the one stored copy), in file order: a folder of golden files keeps the names
     * its expectations use while the capture itself is stored once.
     */
    public static Map<String, Path> index(String indexResource) {
        Map<String, Path> out = new java.util.LinkedHashMap<>();
        try (InputStream in = Captures.class.getResourceAsStream(indexResource)) {
            if (in == null) {
                throw new IllegalArgumentException("no capture index " + indexResource + " on the classpath");
            }
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                out.put(f[0], path(f[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static boolean isCapture(String name) {
        return name.endsWith(".pcap") || name.endsWith(".pcapng");
    }

    private static Path extract(String name) {
        try {
            Path root = extractRoot;
            if (root == null) {
                synchronized (Captures.class) {
                    if (extractRoot == null) {
                        extractRoot = Files.createTempDirectory("test-captures");
                        extractRoot.toFile().deleteOnExit();
                    }
                    root = extractRoot;
                }
            }
            Path f = root.resolve(name.substring(1));
            Files.createDirectories(f.getParent());
            // deleteOnExit runs in reverse order of registration: folders first, the file last.
            List<Path> chain = new ArrayList<>();
            for (Path p = f; !p.equals(root); p = p.getParent()) {
                chain.add(p);
            }
            Collections.reverse(chain);
            chain.forEach(p -> p.toFile().deleteOnExit());
            try (InputStream in = Captures.class.getResourceAsStream(name)) {
                Files.copy(in, f);
            }
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
