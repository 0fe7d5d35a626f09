package io.impacketsensor.cli;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The rules tuned on the public captures (issue 7) through the real pipeline: excerpts of the OTRF and
 * Zeek captures they were tuned on (test resources {@code pcaps/tune/}, provenance in its README) must
 * meet their manifest requirement — Kerberoasting and brute force in PurpleSharp's playbook, the IKEEXT
 * service query, the PowerView Domain Admins lookup, the SAMR Domain Admins membership listing — and
 * the benign ones (a Windows DCOM client's ticket for itself, Zeek's kinit and failed-bind traces) must
 * raise nothing. Same checks as {@link LabGoldenTest}.
 */
class PublicTuneGoldenTest {
    @TempDir
    static Path dir;

    @TestFactory
    List<DynamicTest> everyExcerptMeetsItsRequirement() throws Exception {
        List<EvaluateCommand.Entry> entries = EvaluateCommand.readManifest(copy("MANIFEST.tsv"));
        assertEquals(7, entries.size());
        List<DynamicTest> tests = new ArrayList<>();
        for (EvaluateCommand.Entry e : entries) {
            tests.add(DynamicTest.dynamicTest(e.file() + " -> " + e.expected(), () -> LabGoldenTest.check(e, copy(e.file()))));
        }
        return tests;
    }

    private static Path copy(String name) throws Exception {
        Path target = dir.resolve(name);
        if (!Files.exists(target)) {
            try (InputStream in = PublicTuneGoldenTest.class.getResourceAsStream("/pcaps/tune/" + name)) {
                assertNotNull(in, "test resource /pcaps/tune/" + name);
                Files.copy(in, target);
            }
        }
        return target;
    }
}
