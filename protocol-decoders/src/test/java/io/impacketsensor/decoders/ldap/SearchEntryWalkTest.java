package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.event.LdapEvent.Attribute;
import io.impacketsensor.core.event.LdapEvent.SearchEntry;
import io.impacketsensor.core.wire.ByteCursor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The measuring walk of a SearchResultEntry against the decoding one (synthetic BER). */
class SearchEntryWalkTest {

    @Test
    void utf16LengthIsTheDecodedStringsLengthForAnyBytes() {
        Random r = new Random(19);
        byte[][] fixed = {
                {}, "plain".getBytes(StandardCharsets.UTF_8), "Ünïcödé €".getBytes(StandardCharsets.UTF_8),
                "emoji \uD83D\uDE00 x".getBytes(StandardCharsets.UTF_8),
                {(byte) 0xC0, (byte) 0x80}, {(byte) 0xE0, (byte) 0x80, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xF0, (byte) 0x9F}, {(byte) 0xE2, (byte) 0x82},
                {(byte) 0x80}, {(byte) 0xFF, 'a'}, {'a', (byte) 0xC3},
        };
        for (byte[] b : fixed) {
            assertEquals(new String(b, StandardCharsets.UTF_8).length(), SearchEntryWalk.utf16Length(b, 0, b.length));
        }
        byte[] lead = {(byte) 0xC2, (byte) 0xDF, (byte) 0xE0, (byte) 0xE1, (byte) 0xED, (byte) 0xEF, (byte) 0xF0,
                (byte) 0xF4, (byte) 0xF5, (byte) 0x80, (byte) 0xBF, 'a'};
        for (int n = 0; n < 200_000; n++) {
            byte[] b = new byte[1 + r.nextInt(8)];
            for (int i = 0; i < b.length; i++) {
                int k = r.nextInt(4);
                b[i] = k == 0 ? lead[r.nextInt(lead.length)] : k == 1 ? (byte) (0x80 + r.nextInt(64)) : (byte) r.nextInt(256);
            }
            int off = r.nextInt(b.length);
            int len = r.nextInt(b.length - off + 1);
            assertEquals(new String(b, off, len, StandardCharsets.UTF_8).length(), SearchEntryWalk.utf16Length(b, off, len),
                    () -> java.util.HexFormat.of().formatHex(b, off, off + len));
        }
    }

    @Test
    void measuredSizeIsTheDecodedTextAndTheCursorEndsAlike() {
        byte[] entry = entry("CN=Jörg,DC=lab", List.of(
                new Attribute("cn", List.of("Jörg")),
                new Attribute("member", List.of("CN=a", "CN=\u00e9\uD83D\uDE00")),
                new Attribute("empty", List.of())));
        // trailing bytes after the entry (a control would be there) stay outside the walk
        byte[] buf = new byte[entry.length + 7];
        System.arraycopy(entry, 0, buf, 3, entry.length);
        LdapLimits limits = LdapLimits.DEFAULTS;

        ByteCursor measuring = new ByteCursor(buf, 3, entry.length + 2);
        int[] size = new int[1];
        SearchEntry deferred = new SearchEntryWalk(limits).measure(measuring, entry.length, size);
        ByteCursor building = new ByteCursor(buf, 3, entry.length + 2);
        int built = new SearchEntryWalk(limits).walk(building, entry.length, true);

        assertEquals(built, size[0]);
        assertEquals(building.position(), measuring.position());
        assertTrue(measuring.ok());
        // the buffer is reused by the next segment: the deferred entry holds its own copy
        java.util.Arrays.fill(buf, (byte) 0);
        assertEquals("CN=Jörg,DC=lab", deferred.dn());
        assertEquals(new SearchEntry("CN=Jörg,DC=lab", List.of(
                new Attribute("cn", List.of("Jörg")),
                new Attribute("member", List.of("CN=a", "CN=\u00e9\uD83D\uDE00")),
                new Attribute("empty", List.of()))), deferred);
        int chars = "CN=Jörg,DC=lab".length() + "cn".length() + "Jörg".length() + "member".length() + "CN=a".length()
                + "CN=\u00e9\uD83D\uDE00".length() + "empty".length();
        assertEquals(chars, size[0]);
    }

    @Test
    void theMeasuringWalkDecodesOnlyAnAttributeNamedNetlogon() {
        // NETLOGON_SAM_LOGON_RESPONSE_EX (MS-ADTS 6.3.1.9): opcode 23, Sbz, Flags DS_DS_FLAG, DomainGuid,
        // then eight RFC 1035 names, the forest and domain lab.test and six empty ones (synthetic)
        ByteArrayOutputStream ping = new ByteArrayOutputStream();
        ping.writeBytes(new byte[]{23, 0, 0, 0, 0x10, 0, 0, 0});
        ping.writeBytes(new byte[16]);
        byte[] labTest = {3, 'l', 'a', 'b', 4, 't', 'e', 's', 't', 0};
        ping.writeBytes(labTest);
        ping.writeBytes(labTest);
        ping.writeBytes(new byte[6]);
        byte[] value = ping.toByteArray();

        SearchEntry e = measured(entryWithValue("NetLogon", value));
        assertEquals(0x10, e.netlogon().flags());
        assertEquals("lab.test", e.netlogon().dnsDomainName());
        assertEquals("", e.netlogon().dnsHostName());
        assertEquals(List.of(new Attribute("NetLogon", List.of(new String(value, StandardCharsets.UTF_8)))), e.attributes());

        assertNull(measured(entryWithValue("netlogonX", value)).netlogon(), "another name");
        assertNull(measured(entryWithValue("netlogo", value)).netlogon(), "another name");
        assertNull(measured(entryWithValue("netlogon", new byte[]{19, 0, 0, 0})).netlogon(), "not an EX response");
        // the text of an entry without one stays undecoded until read, and equals its record
        SearchEntry plain = measured(entry("", List.of(new Attribute("dsServiceName", List.of("CN=NTDS Settings,CN=DC1")))));
        assertNull(plain.netlogon());
        assertEquals(new SearchEntry("", List.of(new Attribute("dsServiceName", List.of("CN=NTDS Settings,CN=DC1")))), plain);
    }

    private static SearchEntry measured(byte[] entry) {
        byte[] buf = entry.clone();
        SearchEntry e = new SearchEntryWalk(LdapLimits.DEFAULTS).measure(new ByteCursor(buf, 0, buf.length), buf.length, new int[1]);
        // what the measuring walk decoded stays when the buffer is reused
        java.util.Arrays.fill(buf, (byte) 0);
        return e;
    }

    /** An entry with the empty DN and one attribute of one binary value. */
    @Test
    void aStreamedEntryPassesTheDecodedTextAsBytesOrText() throws Exception {
        byte[][] entries = {
                entry("CN=Jörg,DC=lab", List.of(
                        new Attribute("cn", List.of("Jörg")),
                        new Attribute("member", List.of("CN=a", "CN=\u00e9\uD83D\uDE00")),
                        new Attribute("empty", List.of()))),
                entryWithValue("objectGUID", new byte[] {(byte) 0xC0, (byte) 0x80, 'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                entryWithValue("sid", new byte[] {1, 5, 0x1B, '"', (byte) 0xF0, (byte) 0x9F}),
        };
        for (byte[] entry : entries) {
            SearchEntry streamed = new SearchEntryWalk(LdapLimits.DEFAULTS)
                    .measure(new ByteCursor(entry, 0, entry.length), entry.length, new int[1]);
            SearchEntry decoded = new SearchEntryWalk(LdapLimits.DEFAULTS)
                    .measure(new ByteCursor(entry, 0, entry.length), entry.length, new int[1]);
            List<String> seen = new java.util.ArrayList<>();
            SearchEntry.Sink sink = new SearchEntry.Sink() {
                @Override
                public void dn(byte[] b, int off, int len, String text) {
                    seen.add("dn " + text(b, off, len, text));
                }

                @Override
                public void type(byte[] b, int off, int len, String text) {
                    seen.add("type " + text(b, off, len, text));
                }

                @Override
                public void value(byte[] b, int off, int len, String text) {
                    seen.add("value " + text(b, off, len, text));
                }
            };
            assertTrue(streamed.stream(sink));
            List<String> expected = new java.util.ArrayList<>();
            expected.add("dn " + decoded.dn());
            for (Attribute a : decoded.attributes()) {
                expected.add("type " + a.name());
                a.values().forEach(v -> expected.add("value " + v));
            }
            assertEquals(expected, seen);
            // decoded once, the entry is text: nothing left to stream
            assertTrue(!decoded.stream(sink));
        }
    }

    /** Bytes are passed only as well-formed UTF-8 of the Basic Multilingual Plane; other text as text. */
    private static String text(byte[] b, int off, int len, String text) {
        if (text != null) {
            assertNull(b);
            return text;
        }
        String s = new String(b, off, len, StandardCharsets.UTF_8);
        assertEquals(s.length(), s.codePointCount(0, s.length()));
        assertTrue(java.util.Arrays.equals(java.util.Arrays.copyOfRange(b, off, off + len), s.getBytes(StandardCharsets.UTF_8)));
        return s;
    }

    private static byte[] entryWithValue(String name, byte[] value) {
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        one.writeBytes(tlv(0x04, name.getBytes(StandardCharsets.UTF_8)));
        one.writeBytes(tlv(0x31, tlv(0x04, value)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(tlv(0x04, new byte[0]));
        out.writeBytes(tlv(0x30, tlv(0x30, one.toByteArray())));
        return out.toByteArray();
    }

    /** objectName OCTET STRING, then SEQUENCE OF SEQUENCE { type, SET OF value } (RFC 4511 4.5.2). */
    private static byte[] entry(String dn, List<Attribute> attrs) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (Attribute a : attrs) {
            ByteArrayOutputStream vals = new ByteArrayOutputStream();
            for (String v : a.values()) {
                vals.writeBytes(tlv(0x04, v.getBytes(StandardCharsets.UTF_8)));
            }
            ByteArrayOutputStream one = new ByteArrayOutputStream();
            one.writeBytes(tlv(0x04, a.name().getBytes(StandardCharsets.UTF_8)));
            one.writeBytes(tlv(0x31, vals.toByteArray()));
            list.writeBytes(tlv(0x30, one.toByteArray()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(tlv(0x04, dn.getBytes(StandardCharsets.UTF_8)));
        out.writeBytes(tlv(0x30, list.toByteArray()));
        return out.toByteArray();
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (content.length < 128) {
            out.write(content.length);
        } else {
            out.write(0x82);
            out.write(content.length >> 8);
            out.write(content.length);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
