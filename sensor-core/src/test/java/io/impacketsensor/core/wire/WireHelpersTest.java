package io.impacketsensor.core.wire;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Utf16, Guids, FileTime, Sids, Hex and basic BerTlv cases (synthetic bytes unless stated). */
class WireHelpersTest {

    @Test
    void utf16DecodesAndDropsTrailingNulsAndOddByte() {
        byte[] b = "ADMIN$\0".getBytes(StandardCharsets.UTF_16LE);
        assertEquals("ADMIN$", Utf16.decode(b, 0, b.length));
        assertEquals("ADMIN$", Utf16.decode(b, 0, b.length - 1), "odd trailing byte dropped");
        byte[] euro = "\u20ACx".getBytes(StandardCharsets.UTF_16LE);
        assertEquals("\u20ACx", Utf16.decode(euro, 0, euro.length));
        assertEquals("", Utf16.decode(b, 0, 0));
        assertEquals("", Utf16.decode(b, -1, 2));
        assertEquals("", Utf16.decode(b, 10, 10));
        ByteCursor c = new ByteCursor(b, 0, b.length);
        assertEquals("AD", Utf16.read(c, 4));
        assertEquals(4, c.position());
        assertEquals("", Utf16.read(c, 100));
        assertFalse(c.ok());
    }

    @Test
    void utf16AsciiComparisonIgnoresCase() {
        byte[] b = "svcctl".getBytes(StandardCharsets.UTF_16LE);
        assertTrue(Utf16.equalsAsciiIgnoreCase(b, 0, b.length, "SVCCTL"));
        assertFalse(Utf16.equalsAsciiIgnoreCase(b, 0, b.length, "svcctx"));
        assertFalse(Utf16.equalsAsciiIgnoreCase(b, 0, b.length - 2, "svcctl"));
        byte[] wide = "svc\u0163tl".getBytes(StandardCharsets.UTF_16LE);
        assertFalse(Utf16.equalsAsciiIgnoreCase(wide, 0, wide.length, "svcctl"), "non-ASCII high byte");
        assertFalse(Utf16.equalsAsciiIgnoreCase(b, 4, b.length, "svcctl"), "out of range");
    }

    @Test
    void guidsUseTheMicrosoftLittleEndianLayout() {
        // SVCCTL interface 367abb81-9844-35f1-ad32-98f038001003 as it travels in an NDR bind.
        byte[] b = Hex.decode("81bb7a364498f135ad3298f038001003");
        UUID u = UUID.fromString("367abb81-9844-35f1-ad32-98f038001003");
        assertEquals(u, Guids.fromLittleEndian(b, 0));
        assertTrue(Guids.equalsLittleEndian(b, 0, u));
        assertFalse(Guids.equalsLittleEndian(b, 0, UUID.fromString("367abb81-9844-35f1-ad32-98f038001004")));
        assertFalse(Guids.equalsLittleEndian(b, 1, u));
        assertEquals(new UUID(0, 0), Guids.fromLittleEndian(b, 1));
        ByteCursor c = new ByteCursor(b, 0, 16);
        assertEquals(u, Guids.read(c));
        assertTrue(c.ok());
        ByteCursor shortC = new ByteCursor(b, 0, 15);
        assertEquals(new UUID(0, 0), Guids.read(shortC));
        assertFalse(shortC.ok());
    }

    @Test
    void fileTimeConvertsAndSaturates() {
        assertEquals(0, FileTime.toEpochNanos(FileTime.EPOCH_DIFF_100NS));
        // 2026-01-01T00:00:00Z = 1767225600 s since the epoch.
        long ft = FileTime.EPOCH_DIFF_100NS + 1_767_225_600L * 10_000_000L;
        assertEquals(1_767_225_600_000_000_000L, FileTime.toEpochNanos(ft));
        assertEquals(Long.MIN_VALUE, FileTime.toEpochNanos(0), "1601 is before what epoch nanos can hold");
        long y1700 = FileTime.EPOCH_DIFF_100NS - 270L * 365 * 86_400 * 10_000_000L;
        assertEquals(-270L * 365 * 86_400 * 1_000_000_000L, FileTime.toEpochNanos(y1700));
        assertEquals(Long.MAX_VALUE, FileTime.toEpochNanos(Long.MAX_VALUE), "never-expires 0x7FFF... saturates");
        assertEquals(Long.MIN_VALUE, FileTime.toEpochNanos(Long.MIN_VALUE), "must not wrap to the far future");
        assertEquals(Long.MIN_VALUE, FileTime.toEpochNanos(-1));
    }

    @Test
    void sidsFormatAndBound() {
        // S-1-5-21-1004336348-1177238915-682003330-512 (Domain Admins), MS-DTYP 2.4.2.2 layout.
        byte[] b = Hex.decode("010500000000000515000000dcf4dc3b833d2b46828ba62800020000");
        ByteCursor c = new ByteCursor(b, 0, b.length);
        assertEquals("S-1-5-21-1004336348-1177238915-682003330-512", Sids.read(c));
        assertTrue(c.ok());
        assertFalse(c.hasRemaining());
        ByteCursor cut = new ByteCursor(b, 0, b.length - 1);
        assertEquals("", Sids.read(cut));
        assertFalse(cut.ok());
        byte[] tooMany = b.clone();
        tooMany[1] = 16;
        ByteCursor t = new ByteCursor(tooMany, 0, tooMany.length);
        assertEquals("", Sids.read(t));
        assertFalse(t.ok());
        ByteCursor wellKnown = new ByteCursor(Hex.decode("0101000000000005 12000000"), 0, 12);
        assertEquals("S-1-5-18", Sids.read(wellKnown));
    }

    @Test
    void hexRoundTripAndErrors() {
        byte[] b = {0, 1, (byte) 0xAB, (byte) 0xFF};
        assertEquals("0001abff", Hex.encode(b));
        assertEquals("01ab", Hex.encode(b, 1, 2));
        assertEquals("", Hex.encode(null));
        assertArrayEquals(b, Hex.decode("00 01 AB ff"));
        assertThrows(IllegalArgumentException.class, () -> Hex.decode("abc"));
        assertThrows(IllegalArgumentException.class, () -> Hex.decode("zz"));
    }

    private static ParseStatus read(BerTlv t, String hex, boolean indefinite, int max) {
        byte[] b = Hex.decode(hex);
        return t.read(new ByteCursor(b, 0, b.length), indefinite, max);
    }

    @Test
    void berShortAndLongFormHeaders() {
        BerTlv t = new BerTlv();
        assertEquals(ParseStatus.OK, read(t, "3003020105", false, 100));
        assertTrue(t.is(BerTlv.CLASS_UNIVERSAL, 16));
        assertTrue(t.constructed);
        assertEquals(3, t.length);
        assertEquals(2, t.headerLength);
        // [APPLICATION 10] (Kerberos AS-REQ) with a two-octet length.
        assertEquals(ParseStatus.OK, read(t, "6a820123", false, 1000));
        assertTrue(t.is(BerTlv.CLASS_APPLICATION, 10));
        assertEquals(0x123, t.length);
        assertEquals(4, t.headerLength);
        // Context tag [3], primitive.
        assertEquals(ParseStatus.OK, read(t, "8300", false, 10));
        assertTrue(t.is(BerTlv.CLASS_CONTEXT, 3));
        assertFalse(t.constructed);
        // High-tag form: tag number 200 = 0x81 0x48.
        assertEquals(ParseStatus.OK, read(t, "5f814800", false, 10));
        assertEquals(200, t.tagNumber);
        assertEquals(BerTlv.CLASS_APPLICATION, t.tagClass);
    }

    @Test
    void berIndefiniteLimitsAndTruncation() {
        BerTlv t = new BerTlv();
        assertEquals(ParseStatus.OK, read(t, "3080", true, 10));
        assertEquals(BerTlv.INDEFINITE, t.length);
        assertEquals(ParseStatus.ERROR, read(t, "3080", false, 10), "DER forbids the indefinite form");
        assertEquals(ParseStatus.ERROR, read(t, "0480", true, 10), "indefinite needs a constructed encoding");
        assertEquals(ParseStatus.ERROR, read(t, "3065", false, 100), "over the limit");
        assertEquals(ParseStatus.ERROR, read(t, "30ff", false, 100), "0xFF length octet is reserved");
        assertEquals(ParseStatus.ERROR, read(t, "3085ffffffffff", false, 100), "more than 4 length octets");
        assertEquals(ParseStatus.ERROR, read(t, "3084ffffffff", false, Integer.MAX_VALUE), "over Integer.MAX_VALUE");
        assertEquals(ParseStatus.ERROR, read(t, "1f8001", false, 100), "high tag starting with 0x80");
        for (String cut : new String[] {"", "30", "3082", "308201", "5f", "5f81", "5f8148"}) {
            byte[] b = Hex.decode(cut);
            ByteCursor c = new ByteCursor(b, 0, b.length);
            assertEquals(ParseStatus.NEED_MORE, t.read(c, false, 1000), "cut: " + cut);
            assertEquals(0, c.position(), "NEED_MORE leaves the cursor where it was: " + cut);
            assertTrue(c.ok());
        }
    }

    @Test
    void berIntegers() {
        assertEquals(5, BerTlv.readInteger(new ByteCursor(Hex.decode("05"), 0, 1), 1));
        assertEquals(-1, BerTlv.readInteger(new ByteCursor(Hex.decode("ff"), 0, 1), 1));
        assertEquals(128, BerTlv.readInteger(new ByteCursor(Hex.decode("0080"), 0, 2), 2));
        assertEquals(-128, BerTlv.readInteger(new ByteCursor(Hex.decode("80"), 0, 1), 1));
        assertEquals(Long.MIN_VALUE, BerTlv.readInteger(new ByteCursor(Hex.decode("8000000000000000"), 0, 8), 8));
        ByteCursor nine = new ByteCursor(new byte[9], 0, 9);
        assertEquals(0, BerTlv.readInteger(nine, 9));
        assertFalse(nine.ok());
        ByteCursor zero = new ByteCursor(new byte[1], 0, 1);
        assertEquals(0, BerTlv.readInteger(zero, 0));
        assertFalse(zero.ok());
        ByteCursor cut = new ByteCursor(new byte[2], 0, 2);
        BerTlv.readInteger(cut, 4);
        assertFalse(cut.ok());
    }
}
