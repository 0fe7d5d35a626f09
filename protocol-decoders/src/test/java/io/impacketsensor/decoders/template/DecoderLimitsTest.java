package io.impacketsensor.decoders.template;

import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.DecoderLimits;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decoder limits table: documented as defined, every default inside its range, both ends accepted. */
class DecoderLimitsTest {
    private static final Path DOC = Path.of("..", "docs", "decoder-limits.md");
    private static final String BEGIN = "<!-- limits-table:begin -->\n";
    private static final String END = "<!-- limits-table:end -->";

    @Test
    void theDocumentedTableIsTheDefinition() throws Exception {
        String doc = Files.readString(DOC);
        int b = doc.indexOf(BEGIN);
        int e = doc.indexOf(END);
        assertTrue(b >= 0 && e > b, DOC + " lacks the limits-table markers");
        assertEquals(DecoderLimits.markdown(), doc.substring(b + BEGIN.length(), e),
                DOC + " differs from the XxxLimits definitions; paste DecoderLimits.markdown() between the markers");
    }

    @Test
    void everyDefaultIsInsideItsRangeAndKeysAreUnique() {
        Set<String> paths = new HashSet<>();
        List<DecoderLimits.Row> rows = DecoderLimits.rows();
        for (DecoderLimits.Row r : rows) {
            assertTrue(paths.add(r.path()), "duplicate key " + r.path());
            assertTrue(r.min() <= r.defaults() && r.defaults() <= r.max(), r.path() + " default outside its range");
            assertTrue(!r.doc().isBlank(), r.path() + " has no text");
        }
        assertEquals(DecoderLimits.SECTIONS.size(), rows.stream().map(DecoderLimits.Row::section).distinct().count());
    }

    @Test
    void bothEndsOfEveryRangeBuildAConfiguration() {
        for (boolean top : new boolean[] {false, true}) {
            Map<String, Map<String, Long>> values = new HashMap<>();
            for (DecoderLimits.Row r : DecoderLimits.rows()) {
                values.computeIfAbsent(r.section(), k -> new HashMap<>()).put(r.key(), top ? r.max() : r.min());
            }
            DecoderConfig c = DecoderLimits.config(values);
            assertEquals(values, DecoderLimits.values(c), top ? "upper ends" : "lower ends");
        }
    }

    @Test
    void defaultsAreTheRecordsDefaults() {
        assertEquals(DecoderConfig.defaults().withPipes(null), DecoderLimits.config(Map.of()));
    }
}
