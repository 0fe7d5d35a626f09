package io.impacketsensor.decoders.smb1;

import io.impacketsensor.core.testkit.Captures;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Our SMB1 sets (Smb1ParityDriver) equal tshark's, pre-computed in {@code pcaps/smb1/expected/} by
 * scripts/tshark-smb1-sets.sh, for the two 401trg captures copied here and the public SMB1 captures
 * of sensor-core's test-jar listed in {@code pcaps/smb1/public-captures.txt}.
 */
class Smb1ParityTest {
    @TempDir
    static Path tmp;

    @TestFactory
    List<DynamicTest> equalsTshark() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/pcaps/smb1").toURI());
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : List.of("20171220_smb_metasploit_psexec_pth_download_meterpreter.pcap",
                "20171220_smb_net_user.pcap")) {
            tests.add(test(name, Captures.index("/pcaps/smb1/CAPTURES.tsv").get(name), dir));
        }
        for (String rel : Files.readAllLines(dir.resolve("public-captures.txt"))) {
            if (rel.isBlank()) {
                continue;
            }
            String flat = rel.replace('/', '_');
            Path copy = tmp.resolve(flat);
            try (InputStream in = getClass().getResourceAsStream("/pcaps/public/" + rel)) {
                assertNotNull(in, "sensor-core test-jar resource /pcaps/public/" + rel);
                Files.copy(in, copy);
            }
            tests.add(test(flat, copy, dir));
        }
        return tests;
    }

    private static DynamicTest test(String name, Path pcap, Path dir) {
        return DynamicTest.dynamicTest(name, () -> {
            TreeSet<String> theirs = new TreeSet<>(Files.readAllLines(dir.resolve("expected").resolve(name + ".sets")));
            theirs.remove("");
            assertEquals(String.join("\n", theirs), String.join("\n", Smb1ParityDriver.sets(pcap)));
        });
    }
}
