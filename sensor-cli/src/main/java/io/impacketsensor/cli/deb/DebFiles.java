package io.impacketsensor.cli.deb;

import io.impacketsensor.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Writes the generated parts of the Debian package before jdeb assembles it: the control files
 * with the Debian version, {@code copyright} in the machine-readable format (DEP-5) with one
 * paragraph per jar bundled in the runnable jar, {@code changelog.Debian.gz}, the README and the
 * manual pages, gzipped as Debian Policy 12.3 and 12.1 ask.
 *
 * <p>The bundled jars come from the build's own dependency list ({@code mvn dependency:list},
 * runtime scope: exactly what the shade plugin puts into the jar), their licences from
 * {@code packaging/deb/licenses.tsv}; a bundled jar without a licence there stops the build, so
 * the copyright file cannot fall behind the dependencies.
 *
 * <p>Run by the build (exec-maven-plugin, phase prepare-package):
 * {@code DebFiles OUT_DIR REPO_DIR PROJECT_VERSION BUILD_TIMESTAMP DEPENDENCY_LIST}.
 */
public final class DebFiles {
    /** The project's own modules: covered by the "Files: *" paragraph, not bundled third-party code. */
    static final String OWN_GROUP = "io.impacketsensor";
    static final String JAR = "/usr/share/impacket-sensor/impacket-sensor.jar";

    /** One resolved dependency: Maven coordinates and its jar in the local repository. */
    public record Artifact(String groupId, String artifactId, String version, Path file) {
        String key() {
            return groupId + ":" + artifactId;
        }
    }

    /** A licences.tsv line: the artifact (artifactId may be "*"), DEP-5 licence expression, copyright. */
    public record Licence(String pattern, String license, String copyright) {
        boolean matches(Artifact a) {
            int colon = pattern.indexOf(':');
            String g = pattern.substring(0, colon);
            String id = pattern.substring(colon + 1);
            return g.equals(a.groupId()) && (id.equals("*") || id.equals(a.artifactId()));
        }
    }

    private DebFiles() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: DebFiles OUT_DIR REPO_DIR PROJECT_VERSION BUILD_TIMESTAMP DEPENDENCY_LIST");
        }
        Path out = Path.of(args[0]);
        Path repo = Path.of(args[1]);
        String version = args[2];
        LocalDateTime built = LocalDateTime.parse(args[3], DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
        List<Artifact> bundled = readDependencyList(Path.of(args[4]));
        write(out, repo, version, built, bundled);
    }

    static void write(Path out, Path repo, String version, LocalDateTime built, List<Artifact> bundled) throws IOException {
        Path deb = repo.resolve("packaging/deb");
        String debVersion = debianVersion(version, built);
        String control = Files.readString(deb.resolve("control/control"));
        String maintainer = field(control, "Maintainer");
        String homepage = field(control, "Homepage");

        Path controlOut = Files.createDirectories(out.resolve("control"));
        Files.writeString(controlOut.resolve("control"), control.replace("@VERSION@", debVersion));
        for (String script : new String[] {"postinst", "prerm", "postrm", "triggers"}) {
            Files.copy(deb.resolve("control").resolve(script), controlOut.resolve(script),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }

        Path doc = Files.createDirectories(out.resolve("doc"));
        List<Licence> licences = readLicences(deb.resolve("licenses.tsv"));
        Files.writeString(doc.resolve("copyright"), copyright(homepage, bundled, licences, deb.resolve("licenses")));
        Files.write(doc.resolve("changelog.Debian.gz"), gzip(changelog(debVersion, version, maintainer, built)
                .getBytes(StandardCharsets.UTF_8)));
        Files.write(doc.resolve("README.md.gz"), gzip(Files.readAllBytes(repo.resolve("README.md"))));

        Path man = Files.createDirectories(out.resolve("man"));
        String date = built.toLocalDate().toString();
        Map<String, String> pages = new ManPages(version, date)
                .render(Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
        for (Map.Entry<String, String> p : pages.entrySet()) {
            Files.write(man.resolve(p.getKey() + ".gz"), gzip(p.getValue().getBytes(StandardCharsets.UTF_8)));
        }
    }

    /**
     * The Debian version for a Maven version: "X" becomes "X-1"; a snapshot "X-SNAPSHOT" becomes
     * "X~YYYYMMDDHHMMSS-1", which dpkg sorts below the release X-1 (the tilde sorts before
     * everything, deb-version(7)) and above earlier snapshots.
     */
    static String debianVersion(String mavenVersion, LocalDateTime built) {
        if (mavenVersion.endsWith("-SNAPSHOT")) {
            return mavenVersion.substring(0, mavenVersion.length() - "-SNAPSHOT".length()) + "~"
                    + built.format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss")) + "-1";
        }
        return mavenVersion + "-1";
    }

    private static final Pattern DEPENDENCY = Pattern.compile(
            "^\\s+([\\w.\\-]+):([\\w.\\-]+):jar(?::[\\w.\\-]+)?:([\\w.\\-]+):(compile|runtime):(/\\S+?\\.jar)(?:\\s.*)?$");

    /**
     * The third-party jars of {@code mvn dependency:list -DincludeScope=runtime
     * -DoutputAbsoluteArtifactFilename=true} ("group:artifact:jar:version:scope:/path/x.jar").
     */
    public static List<Artifact> readDependencyList(Path list) throws IOException {
        List<Artifact> out = new ArrayList<>();
        for (String line : Files.readAllLines(list)) {
            Matcher m = DEPENDENCY.matcher(line);
            if (m.matches() && !m.group(1).equals(OWN_GROUP)) {
                out.add(new Artifact(m.group(1), m.group(2), m.group(3), Path.of(m.group(5))));
            }
        }
        if (out.isEmpty()) {
            throw new IOException(list + ": no runtime dependencies listed; is it the output of dependency:list?");
        }
        return out;
    }

    public static List<Licence> readLicences(Path tsv) throws IOException {
        List<Licence> out = new ArrayList<>();
        for (String line : Files.readAllLines(tsv)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != 3 || f[0].indexOf(':') < 0) {
                throw new IOException(tsv + ": expected 'group:artifact<TAB>licence<TAB>copyright', got: " + line);
            }
            out.add(new Licence(f[0], f[1], f[2]));
        }
        return out;
    }

    /** The bundled artifacts that no line of licenses.tsv covers (the build refuses to package these). */
    public static List<String> unlicensed(List<Artifact> bundled, List<Licence> licences) {
        List<String> missing = new ArrayList<>();
        for (Artifact a : bundled) {
            if (licences.stream().noneMatch(l -> l.matches(a))) {
                missing.add(a.key() + ":" + a.version());
            }
        }
        return missing;
    }

    /** debian/copyright in the machine-readable format 1.0. */
    public static String copyright(String homepage, List<Artifact> bundled, List<Licence> licences, Path licenceTexts)
            throws IOException {
        List<String> missing = unlicensed(bundled, licences);
        if (!missing.isEmpty()) {
            throw new IOException("packaging/deb/licenses.tsv has no licence for the bundled " + String.join(", ", missing)
                    + ": add a line 'group:artifact<TAB>licence<TAB>copyright' from its POM and licence file");
        }
        StringBuilder b = new StringBuilder(16384);
        b.append("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n");
        b.append("Upstream-Name: impacket-sensor\n");
        b.append("Source: ").append(homepage).append('\n');
        b.append("Comment: ").append(JAR).append(" bundles the third-party jars listed below\n");
        b.append(" (one paragraph each, named by the Java packages they add to the jar).\n");
        Licence own = licences.stream().filter(l -> l.pattern().equals(OWN_GROUP + ":*")).findFirst()
                .orElseThrow(() -> new IOException("packaging/deb/licenses.tsv: no line for " + OWN_GROUP + ":*"));
        b.append("\nFiles: *\nCopyright: ").append(own.copyright()).append("\nLicense: ").append(own.license()).append('\n');
        TreeSet<String> used = new TreeSet<>();
        used.addAll(names(own.license()));
        for (Artifact a : bundled) {
            Licence l = licences.stream().filter(x -> x.matches(a)).findFirst().orElseThrow();
            b.append("\nFiles: ").append(String.join(" ", packages(a.file()))).append('\n');
            b.append("Copyright: ").append(l.copyright()).append('\n');
            b.append("License: ").append(l.license()).append('\n');
            b.append("Comment: ").append(a.key()).append(' ').append(a.version()).append(" from Maven Central\n");
            used.addAll(names(l.license()));
        }
        for (String name : used) {
            Path text = licenceTexts.resolve(name);
            if (!Files.isRegularFile(text)) {
                throw new IOException("packaging/deb/licenses/" + name + " is missing: the text (or, for a licence in "
                        + "/usr/share/common-licenses, the pointer to it) of licence " + name);
            }
            b.append("\nLicense: ").append(name).append('\n');
            for (String line : Files.readAllLines(text)) {
                b.append(line.isBlank() ? " ." : " " + line.stripTrailing()).append('\n');
            }
        }
        return b.toString();
    }

    /** The licence short names of a DEP-5 expression ("EPL-1.0 or LGPL-2.1" has two). */
    static List<String> names(String expression) {
        List<String> out = new ArrayList<>();
        for (String t : expression.split("\\s+(?:or|and)\\s+")) {
            out.add(t.strip().replaceAll(",$", ""));
        }
        return out;
    }

    /**
     * Where a jar's classes land inside the runnable jar: the deepest directory all of its classes
     * share ("com/fasterxml/jackson/databind/*"), or, when they share less than two levels, each
     * two-level directory they occupy.
     */
    static List<String> packages(Path jar) throws IOException {
        List<String[]> dirs = new ArrayList<>();
        try (ZipFile z = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); ) {
                String n = e.nextElement().getName();
                if (n.endsWith(".class") && !n.startsWith("META-INF/") && n.indexOf('/') > 0) {
                    dirs.add(n.substring(0, n.lastIndexOf('/')).split("/"));
                }
            }
        } catch (IOException e) {
            throw new IOException("cannot read the bundled jar " + jar + ": " + e.getMessage(), e);
        }
        if (dirs.isEmpty()) {
            throw new IOException(jar + " has no classes in a package");
        }
        int common = dirs.get(0).length;
        for (String[] d : dirs) {
            int i = 0;
            while (i < Math.min(common, d.length) && d[i].equals(dirs.get(0)[i])) {
                i++;
            }
            common = i;
        }
        TreeSet<String> out = new TreeSet<>();
        if (common >= 2) {
            out.add(String.join("/", java.util.Arrays.copyOf(dirs.get(0), common)) + "/*");
        } else {
            for (String[] d : dirs) {
                out.add(d.length >= 2 ? d[0] + "/" + d[1] + "/*" : d[0] + "/*");
            }
        }
        return new ArrayList<>(out);
    }

    /** One entry: this build of the package (debian-changelog(5)). */
    static String changelog(String debVersion, String version, String maintainer, LocalDateTime built) {
        String date = built.atOffset(ZoneOffset.UTC).format(DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT));
        // RFC 1123 prints a one-digit day without the leading zero; debian-changelog(5) wants "dd".
        date = date.replaceFirst("^(\\w{3}), (\\d) ", "$1, 0$2 ").replace("GMT", "+0000");
        return "impacket-sensor (" + debVersion + ") unstable; urgency=medium\n\n"
                + "  * Package of impacket-sensor " + version + ", built from its sources with Maven\n"
                + "    (the jar, the launcher, the configuration and the systemd unit).\n\n"
                + " -- " + maintainer + "  " + date + "\n";
    }

    private static String field(String control, String name) throws IOException {
        Matcher m = Pattern.compile("(?m)^" + name + ": (.+)$").matcher(control);
        if (!m.find()) {
            throw new IOException("packaging/deb/control/control has no " + name + " field");
        }
        return m.group(1).strip();
    }

    /**
     * gzip (RFC 1952) at the highest compression, with no file name and a zero time stamp, so the
     * package is reproducible; XFL=2 records "maximum compression" as Debian Policy 12.3 asks for
     * (java.util.zip.GZIPOutputStream neither takes a level nor sets XFL).
     */
    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 3 + 64);
        out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, 3});
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(data);
        d.finish();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        CRC32 crc = new CRC32();
        crc.update(data);
        long c = crc.getValue();
        int n = data.length;
        out.writeBytes(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
            (byte) n, (byte) (n >> 8), (byte) (n >> 16), (byte) (n >> 24)});
        return out.toByteArray();
    }
}
