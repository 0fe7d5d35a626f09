package io.impacketsensor.decoders.parity;

import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.decoders.Decoders;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Parity with tshark 4.0 on every committed capture with HTTP authentication or TDS: requests
 * (method, URI, host, user agent), response statuses, the NTLM challenge and AUTHENTICATE fields
 * (domain, user, workstation, NTProofStr) and Kerberos AP-REQs these carriers carry, TDS logins,
 * PRELOGIN encryption options and batch texts must equal tshark's, as written by
 * {@code scripts/carrier-parity-expected.py} into
 * {@code src/test/resources/carrier-parity/<dir>/<capture>.expected}.
 */
class CarrierParityTest {

    /**
     * The lines of an expected file: tshark's, and those added by hand with a leading "+" and a tab
     * (a field tshark cannot decode, each after a comment saying why).
     */
    static Set<String> expected(Path file) throws IOException {
        Set<String> out = new TreeSet<>();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!l.isEmpty() && !l.startsWith("#")) {
                out.add(l.startsWith("+\t") ? l.substring(2) : l);
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> committedCapturesMatchTshark() throws Exception {
        Path root = Path.of(CarrierParityTest.class.getResource("/carrier-parity").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> p.toString().endsWith(".expected")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        return files.stream().map(exp -> DynamicTest.dynamicTest(exp.getFileName().toString(), () -> {
            String rel = root.relativize(exp).toString().replace('\\', '/').replaceAll("\\.expected$", "");
            Path pcap = Captures.path("/pcaps/" + rel);
            String ours = String.join("\n", CarrierParity.lines(Replay.events(pcap, Decoders.forWorker())));
            assertEquals(String.join("\n", expected(exp)), ours, rel);
        }));
    }
}
