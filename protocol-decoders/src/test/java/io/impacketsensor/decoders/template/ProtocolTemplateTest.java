package io.impacketsensor.decoders.template;

import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.decoders.DecoderLimits;
import io.impacketsensor.decoders.token.TokenSession;
import io.impacketsensor.decoders.smb.spi.SmbMessageAnalyzer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every protocol package follows the template of docs/dev/adding-a-protocol.md: the file set, a
 * parser that never builds or emits events, events built only in the package's {@code XxxEvents},
 * an analyzer that is a {@link FlowAnalyzer}, a {@link TokenSession} or, for the SMB versions the
 * {@code smb} package frames, a {@link SmbMessageAnalyzer}, a parse entry point that
 * returns {@link ParseStatus}, limits that are a section of the configuration. Deviations still in the tree are listed in {@link #LEFT} with their
 * reason; the test fails on a new deviation and on a listed one that is gone (remove it from the list).
 */
class ProtocolTemplateTest {
    private static final Path ROOT = Path.of("src", "main", "java", "io", "impacketsensor", "decoders");
    private static final String BASE = "io.impacketsensor.decoders.";

    /** Protocol packages: each holds the whole template. */
    static final List<String> PROTOCOLS = List.of("smb", "smb1", "smb2", "dcerpc", "gssapi", "ntlmssp", "kerberos", "ldap",
            "http", "mssql", "dns", "rdp", "ssrp");

    /** The roles of the template, as class-name suffixes. */
    static final List<String> ROLES = List.of("Parser", "Analyzer", "Events", "Counters", "Limits", "Anomaly");

    /** Known deviations ("package:rule"), each with what is missing. */
    static final Map<String, String> LEFT = Map.of();

    @Test
    void theTemplateHoldsWhereNotListedAsLeft() throws Exception {
        Set<String> found = new TreeSet<>();
        for (String pkg : PROTOCOLS) {
            String prefix = prefix(pkg);
            Path dir = ROOT.resolve(pkg);
            assertTrue(Files.isRegularFile(dir.resolve("package-info.java")), pkg + ": package-info.java");
            for (String role : ROLES) {
                if (!Files.isRegularFile(dir.resolve(prefix + role + ".java"))) {
                    found.add(pkg + ":" + role);
                }
            }
            Path analyzer = dir.resolve(prefix + "Analyzer.java");
            if (Files.isRegularFile(analyzer)) {
                Class<?> a = Class.forName(BASE + pkg + "." + prefix + "Analyzer");
                if (!FlowAnalyzer.class.isAssignableFrom(a) && !TokenSession.class.isAssignableFrom(a)
                        && !SmbMessageAnalyzer.class.isAssignableFrom(a)) {
                    found.add(pkg + ":Analyzer-role");
                }
            }
        }
        Map<String, String> unexpected = new TreeMap<>();
        for (String f : found) {
            if (!LEFT.containsKey(f)) {
                unexpected.put(f, "deviates from the template");
            }
        }
        for (String l : LEFT.keySet()) {
            if (!found.contains(l)) {
                unexpected.put(l, "follows the template now: remove it from LEFT");
            }
        }
        assertEquals(Map.of(), unexpected);
    }

    /** Every protocol's limits record is a {@code decoders.<pkg>} section of the YAML and of the documented table. */
    @Test
    void everyLimitsRecordIsASectionOfTheConfiguration() throws Exception {
        for (String pkg : PROTOCOLS) {
            Class<?> limits = Class.forName(BASE + pkg + "." + prefix(pkg) + "Limits");
            assertTrue(DecoderLimits.SECTIONS.stream().anyMatch(s -> s.name().equals(pkg) && s.type() == limits),
                    limits.getSimpleName() + " is not the decoders." + pkg + " section of DecoderLimits");
        }
        assertEquals(PROTOCOLS.size(), DecoderLimits.SECTIONS.size(), "a section without a protocol package");
    }

    /**
     * {@code pipe} and {@code token} are not protocols: the interfaces through which SMB hands
     * named-pipe bytes on, and through which carriers hand security tokens to the token sessions.
     */
    @Test
    void theHandOverPackagesHoldOnlyTheirInterfaces() throws Exception {
        for (String pkg : List.of("pipe", "token")) {
            try (Stream<Path> files = Files.list(ROOT.resolve(pkg))) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (name.equals("package-info.java")) {
                        continue;
                    }
                    Class<?> c = Class.forName(BASE + pkg + "." + name.substring(0, name.length() - ".java".length()));
                    assertTrue(c.isInterface(), c + " in decoders." + pkg + " is not an interface");
                }
            }
        }
    }

    @Test
    void parsersReturnAParseStatusFromTheirEntryPoint() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (String pkg : PROTOCOLS) {
            Class<?> p = Class.forName(BASE + pkg + "." + prefix(pkg) + "Parser");
            boolean entry = false;
            for (Method m : p.getDeclaredMethods()) {
                if (!Modifier.isPrivate(m.getModifiers()) && !m.isSynthetic()
                        && (m.getName().equals("parse") || m.getName().equals("header") || m.getName().equals("parseHeader"))) {
                    entry = true;
                    if (m.getReturnType() != ParseStatus.class) {
                        wrong.add(p.getSimpleName() + "." + m.getName() + " returns " + m.getReturnType().getSimpleName());
                    }
                }
            }
            if (!entry) {
                wrong.add(p.getSimpleName() + " has no parse/header/parseHeader entry point");
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void noParserReferencesAnEventOrEmits() throws IOException {
        Pattern forbidden = Pattern.compile("\\b(" + String.join("|", eventNames())
                + "|EventHeader|EventSink|FlowContext)\\b|\\.emit\\(");
        List<String> wrong = new ArrayList<>();
        for (Path f : sources()) {
            if (f.getFileName().toString().endsWith("Parser.java")) {
                Matcher m = forbidden.matcher(code(f));
                while (m.find()) {
                    wrong.add(ROOT.relativize(f) + ": " + m.group());
                }
            }
        }
        assertTrue(sources().size() > 40, "the decoder sources were found");
        assertEquals(List.of(), wrong);
    }

    @Test
    void eventsAreBuiltOnlyInEventsClasses() throws IOException {
        Pattern construction = Pattern.compile("\\bnew\\s+(?:[\\w.]+\\.)?(" + String.join("|", eventNames())
                + ")\\s*\\(");
        List<String> wrong = new ArrayList<>();
        int inEvents = 0;
        for (Path f : sources()) {
            Matcher m = construction.matcher(code(f));
            while (m.find()) {
                if (f.getFileName().toString().endsWith("Events.java")) {
                    inEvents++;
                } else {
                    wrong.add(ROOT.relativize(f) + ": new " + m.group(1));
                }
            }
        }
        assertTrue(inEvents >= eventNames().size(), "every event record is built somewhere: " + inEvents);
        assertEquals(List.of(), wrong);
    }

    /** The simple names of every event record ({@link SensorEvent}'s sealed hierarchy). */
    static Set<String> eventNames() {
        Set<String> out = new TreeSet<>();
        collect(SensorEvent.class, out);
        return out;
    }

    private static void collect(Class<?> c, Set<String> out) {
        if (c.isRecord()) {
            out.add(c.getSimpleName());
        }
        Class<?>[] subs = c.getPermittedSubclasses();
        if (subs != null) {
            for (Class<?> s : subs) {
                collect(s, out);
            }
        }
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.walk(ROOT)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** The source without comments and string literals (a comment may name an event). */
    private static String code(Path f) throws IOException {
        String s = Files.readString(f);
        s = s.replaceAll("(?s)/\\*.*?\\*/", " ");
        s = s.replaceAll("//[^\\n]*", " ");
        return s.replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"");
    }

    /** {@code smb1} to {@code Smb1}, {@code dcerpc} to {@code Dcerpc}. */
    static String prefix(String pkg) {
        return Character.toUpperCase(pkg.charAt(0)) + pkg.substring(1);
    }
}
