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

    /** Numbers with a fraction: repeated, colliding in their slots, special, in arrays and fields. */
    private static void doubles(JsonGenerator g) throws IOException {
        java.util.Random r = new java.util.Random(754);
        double[] special = {0.0, -0.0, 1.0, 0.1, 0.85, 0.9500000000000001, 1e-7, 1e21, 123456789.125, Double.MIN_VALUE,
                Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        g.writeStartArray();
        for (int i = 0; i < 5_000; i++) {
            double d = i % 3 == 0 ? special[r.nextInt(special.length)]
                    : i % 3 == 1 ? r.nextInt(100) / 100.0 : r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
            if (i % 2 == 0) {
                g.writeNumber(d);
            } else {
                g.writeStartObject();
                g.writeNumberField("confidence", d);
                g.writeEndObject();
            }
        }
        g.writeEndArray();
        g.flush();
    }

    @Test
    void writesNumbersWithAFractionAsJacksonDoes() throws IOException {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().setRootValueSeparator(null).createGenerator(plain, JsonEncoding.UTF8)) {
            doubles(g);
        }
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        try (JsonGenerator g = EveJson.generator(kept)) {
            doubles(g);
        }
        assertArrayEquals(plain.toByteArray(), kept.toByteArray());
        // quoted as Jackson quotes them when asked to
        ByteArrayOutputStream plainQ = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().setRootValueSeparator(null).createGenerator(plainQ, JsonEncoding.UTF8)) {
            g.enable(JsonGenerator.Feature.WRITE_NUMBERS_AS_STRINGS);
            doubles(g);
        }
        ByteArrayOutputStream keptQ = new ByteArrayOutputStream();
        try (JsonGenerator g = EveJson.generator(keptQ)) {
            g.enable(JsonGenerator.Feature.WRITE_NUMBERS_AS_STRINGS);
            doubles(g);
        }
        assertArrayEquals(plainQ.toByteArray(), keptQ.toByteArray());
    }

    /** An address's kept text is its own, whichever addresses came before and share its slot. */
    @Test
    void addressTextIsTheAddresssOwn() throws Exception {
        EveJson.NameKeeping k = (EveJson.NameKeeping) EveJson.generator(new ByteArrayOutputStream());
        java.util.Random r = new java.util.Random(3);
        java.util.List<java.net.InetAddress> seen = new java.util.ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            java.net.InetAddress a;
            if (i % 3 == 0 && !seen.isEmpty()) {
                // an equal address, another object
                a = java.net.InetAddress.getByAddress(seen.get(r.nextInt(seen.size())).getAddress());
            } else {
                byte[] b = new byte[i % 50 == 49 ? 16 : 4];
                r.nextBytes(b);
                a = java.net.InetAddress.getByAddress(b);
                seen.add(a);
            }
            assertEquals(a.getHostAddress(), k.addressText(a).getValue(), a::toString);
        }
        java.net.InetAddress v4 = java.net.InetAddress.getByName("10.99.0.1");
        org.junit.jupiter.api.Assertions.assertSame(k.addressText(v4), k.addressText(java.net.InetAddress.getByName("10.99.0.1")));
        java.net.InetAddress scoped = java.net.Inet6Address.getByAddress(null, java.net.InetAddress.getByName("fe80::1").getAddress(), 2);
        assertEquals("fe80:0:0:0:0:0:0:1%2", k.addressText(scoped).getValue());
        assertEquals("fe80:0:0:0:0:0:0:1", k.addressText(java.net.InetAddress.getByName("fe80::1")).getValue());
    }
}
