package io.impacketsensor.decoders.parity;

import io.impacketsensor.core.testkit.Captures;

import io.impacketsensor.core.testkit.Replay;

import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.decoders.Decoders;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Parity with tshark 4.0 on every committed capture with Kerberos or LDAP: the sets of
 * (msg type, cname, sname, realm), requested etype lists, error codes and LDAP filter texts must
 * equal tshark's, as written by {@code scripts/krbldap-parity-expected.py} into
 * {@code src/test/resources/parity/<dir>/<capture>.expected}.
 *
 * <p>Folder mode ({@code scripts/krbldap-parity.sh}): with {@code -Dparity.pcaps=DIR
 * -Dparity.expected=DIR2}, every {@code DIR2/<path>.expected} is checked against {@code DIR/<path>}
 * and the mismatches are printed per capture.
 */
class KrbLdapParityTest {

    static Path resources() throws Exception {
        return Path.of(KrbLdapParityTest.class.getResource("/parity").toURI()).getParent();
    }

    static Set<String> expected(Path file) throws IOException {
        Set<String> out = new TreeSet<>();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!l.isEmpty() && !l.startsWith("#")) {
                out.add(l);
            }
        }
        return out;
    }

    static Set<String> ours(Path pcap) throws IOException {
        List<SensorEvent> ev = Replay.events(pcap, Decoders.forWorker());
        return KrbLdapParity.lines(ev);
    }

    @TestFactory
    Stream<DynamicTest> committedCapturesMatchTshark() throws Exception {
        Path root = resources();
        List<Path> files;
        try (Stream<Path> s = Files.walk(root.resolve("parity"))) {
            files = s.filter(p -> p.toString().endsWith(".expected")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        return files.stream().map(exp -> DynamicTest.dynamicTest(exp.getFileName().toString(), () -> {
            String rel = root.resolve("parity").relativize(exp).toString().replaceAll("\\.expected$", "");
            Path pcap = Captures.path("/pcaps/" + rel.replace('\\', '/'));
            assertEquals(String.join("\n", expected(exp)), String.join("\n", ours(pcap)), rel);
        }));
    }

    @Test
    void folderMode() throws Exception {
        String pcaps = System.getProperty("parity.pcaps");
        String exps = System.getProperty("parity.expected");
        if (pcaps == null || exps == null) {
            return;
        }
        Path expRoot = Path.of(exps);
        List<Path> files;
        try (Stream<Path> s = Files.walk(expRoot)) {
            files = s.filter(p -> p.toString().endsWith(".expected")).sorted().toList();
        }
        int equal = 0;
        List<String> report = new ArrayList<>();
        for (Path exp : files) {
            String rel = expRoot.relativize(exp).toString().replaceAll("\\.expected$", "");
            Set<String> want = expected(exp);
            if (want.isEmpty()) {
                continue;
            }
            Set<String> got = ours(Path.of(pcaps).resolve(rel));
            Set<String> missing = new TreeSet<>(want);
            missing.removeAll(got);
            Set<String> extra = new TreeSet<>(got);
            extra.removeAll(want);
            if (missing.isEmpty() && extra.isEmpty()) {
                equal++;
                report.add("PARITY " + rel + " (" + want.size() + " lines)");
            } else {
                report.add("MISMATCH " + rel + " (" + want.size() + " tshark lines, " + got.size() + " ours)");
                missing.forEach(l -> report.add("  tshark only: " + l));
                extra.forEach(l -> report.add("  ours only:   " + l));
            }
        }
        report.add("SUMMARY " + equal + " of " + files.stream().filter(f -> {
            try {
                return !expected(f).isEmpty();
            } catch (IOException e) {
                return false;
            }
        }).count() + " captures with Kerberos/LDAP content at parity");
        Files.write(expRoot.resolve("parity-report.txt"), report, StandardCharsets.UTF_8);
        report.forEach(System.out::println);
    }
}
