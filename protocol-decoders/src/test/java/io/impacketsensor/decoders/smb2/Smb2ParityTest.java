package io.impacketsensor.decoders.smb2;

import io.impacketsensor.core.testkit.Captures;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Our tree/file/NTLM/(command, status) sets equal tshark's (pre-computed in expected/) for every copied capture. */
class Smb2ParityTest {

    @TestFactory
    Stream<DynamicTest> equalsTshark() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/pcaps/smb2").toURI());
        java.util.Map<String, Path> pcaps = Captures.index("/pcaps/smb2/CAPTURES.tsv");
        assertFalse(pcaps.isEmpty());
        return pcaps.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            Path p = e.getValue();
            Path expected = dir.resolve("expected").resolve(e.getKey() + ".sets");
            TreeSet<String> theirs = new TreeSet<>(Files.readAllLines(expected));
            theirs.remove("");
            TreeSet<String> ours = Smb2ParityDriver.sets(p);
            assertEquals(String.join("\n", theirs), String.join("\n", ours));
        }));
    }
}
