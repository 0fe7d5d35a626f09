package io.impacketsensor.cli;

import io.impacketsensor.decoders.DecoderLimits;
import io.impacketsensor.decoders.smb.SmbLimits;
import io.impacketsensor.detection.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code decoders.<proto>.<name>}: every limit settable, at both ends of its range, and named when wrong. */
class DecoderLimitsConfigTest {

    private static SensorConfig load(String yaml, Path dir) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, yaml);
        return SensorConfig.load(f);
    }

    private static String message(String yaml, Path dir) throws Exception {
        return assertThrows(ConfigException.class, () -> load(yaml, dir)).getMessage();
    }

    /** The whole section with every key at its lower or upper end. */
    private static String all(boolean top) {
        StringBuilder b = new StringBuilder("decoders:\n");
        String section = null;
        for (DecoderLimits.Row r : DecoderLimits.rows()) {
            if (!r.section().equals(section)) {
                section = r.section();
                b.append("  ").append(section).append(":\n");
            }
            b.append("    ").append(r.key()).append(": ").append(top ? r.max() : r.min()).append('\n');
        }
        return b.toString();
    }

    @Test
    void everyLimitIsReadAtBothEndsOfItsRange(@TempDir Path dir) throws Exception {
        for (boolean top : new boolean[] {false, true}) {
            SensorConfig c = load(all(top), dir);
            var values = DecoderLimits.values(c.capture().decoders());
            for (DecoderLimits.Row r : DecoderLimits.rows()) {
                assertEquals(top ? r.max() : r.min(), values.get(r.section()).get(r.key()), r.path());
            }
        }
    }

    @Test
    void oneKeyChangesOneLimitAndTheOthersKeepTheirDefaults(@TempDir Path dir) throws Exception {
        SensorConfig c = load("decoders:\n  smb2:\n    max_pending_requests: 4096\n", dir);
        assertEquals(4096, c.capture().decoders().smb2().maxPendingRequests());
        assertEquals(SensorConfig.defaults().capture().decoders().withSmb2(
                SensorConfig.defaults().capture().decoders().smb2().withMaxPendingRequests(4096)),
                c.capture().decoders());
    }

    @Test
    void valuesOutsideTheRangeAndUnknownKeysAreNamed(@TempDir Path dir) throws Exception {
        for (DecoderLimits.Row r : DecoderLimits.rows()) {
            String below = message("decoders:\n  " + r.section() + ":\n    " + r.key() + ": " + (r.min() - 1) + "\n", dir);
            assertTrue(below.contains(r.path() + ": must be within " + r.min() + ".." + r.max()), below);
            String above = message("decoders:\n  " + r.section() + ":\n    " + r.key() + ": " + (r.max() + 1) + "\n", dir);
            assertTrue(above.contains(r.path() + ": must be within"), above);
        }
        assertTrue(message("decoders:\n  smb3:\n    max_pdu_size: 100\n", dir).contains("decoders.smb3: unknown key"));
        assertTrue(message("decoders:\n  ldap:\n    max_depht: 10\n", dir).contains("decoders.ldap.max_depht: unknown key"));
        assertTrue(message("decoders:\n  ldap:\n    max_depth: ten\n", dir).contains("decoders.ldap.max_depth: must be an integer"));
        assertTrue(message("decoders: 3\n", dir).contains("decoders: must be a mapping"));
    }

    @Test
    void configCheckPrintsTheDecoderLimits(@TempDir Path dir) throws Exception {
        String yaml = load("decoders:\n  kerberos:\n    max_depth: 40\n", dir).toYaml();
        assertTrue(yaml.contains("decoders:"), yaml);
        assertTrue(yaml.contains("max_depth: 40"), yaml);
        assertTrue(yaml.contains("max_pdu_size: " + SensorConfig.defaults().capture().decoders().smb().maxPduSize()), yaml);
    }

    /** decoders.smb2.max_pdu_size, the alias of decoders.smb.max_pdu_size, sets it; both set is an error. */
    @Test
    void anAliasSetsItsLimit(@TempDir Path dir) throws Exception {
        SensorConfig c = load("decoders:\n  smb2:\n    max_pdu_size: 100000\n", dir);
        assertEquals(100000, c.capture().decoders().smb().maxPduSize());
        assertEquals(SensorConfig.defaults().capture().decoders().withSmb(new SmbLimits(100000)), c.capture().decoders());
        assertEquals(200000, load("decoders:\n  smb:\n    max_pdu_size: 200000\n", dir).capture().decoders().smb().maxPduSize());
        assertTrue(message("decoders:\n  smb2:\n    max_pdu_size: 10\n", dir)
                .contains("decoders.smb2.max_pdu_size: must be within 64..16777215"));
        assertTrue(message("decoders:\n  smb:\n    max_pdu_size: 100000\n  smb2:\n    max_pdu_size: 100000\n", dir)
                .contains("decoders.smb2.max_pdu_size: an alias of decoders.smb.max_pdu_size, which is set too"));
    }
}
