package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The EVE generator keeps the names it wrote and writes exactly what Jackson's own generator writes. */
class EveJsonTest {
    /** Writes records with constant names, names made at run time, names to escape and colliding names. */
    private static void records(JsonGenerator g) throws IOException {
        for (int r = 0; r < 50; r++) {
            g.writeStartObject();
            g.writeStringField("timestamp", "2025-11-24T16:00:01.038801+0000");
            g.writeNumberField("flow_id", 943797699842526L + r);
            g.writeStringField("event_type", "smb");
            g.writeObjectFieldStart("smb");
            g.writeStringField("command", "SMB2_COMMAND_CREATE");
            g.writeStringField(new String("made_" + (r % 7)), "value " + r);
            g.writeStringField("quote\"and\\back\u00e9", "x");
            g.writeArrayFieldStart("list");
            g.writeString("\u0001ctl");
            g.writeEndArray();
            g.writeEndObject();
            // "Aa" and "BB" have the same hash: one is kept, the other written as before.
            g.writeNumberField("Aa", 1);
            g.writeNumberField("BB", 2);
            g.writeEndObject();
            g.writeRaw('\n');
        }
        g.flush();
    }

    @Test
    void writesWhatJacksonWritesAndKeepsConstantNames() throws IOException {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().setRootValueSeparator(null).createGenerator(plain, JsonEncoding.UTF8)) {
            records(g);
        }
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        JsonGenerator g = EveJson.generator(kept);
        records(g);
        g.close();
        assertArrayEquals(plain.toByteArray(), kept.toByteArray());
        EveJson.NameKeeping k = assertInstanceOf(EveJson.NameKeeping.class, g);
        // 49 later records x 9 constant names (one of "Aa"/"BB" is not kept), plus the run-time names
        // that came back as the same object: none do, each record makes its own.
        assertEquals(49 * 8, k.keptWrites());
    }
}
