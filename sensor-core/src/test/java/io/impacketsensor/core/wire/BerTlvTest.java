package io.impacketsensor.core.wire;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BER/DER reader checks; each names the X.690 (02/2021) clause it exercises. All fixtures synthetic. */
class BerTlvTest {
    private static final int MAX = 1 << 20;

    private static ByteCursor cur(String hex) {
        byte[] b = Hex.decode(hex);
        return new ByteCursor(b, 0, b.length);
    }

    @Test
    void lowTagNumberFormIdentifier_8_1_2_2() {
        BerTlv t = new BerTlv();
        // [APPLICATION 10] constructed (AS-REQ), short length 3
        assertEquals(ParseStatus.OK, t.read(cur("6a03020105"), false, MAX));
        assertEquals(BerTlv.CLASS_APPLICATION, t.tagClass);
        assertTrue(t.constructed);
        assertEquals(10, t.tagNumber);
        assertEquals(3, t.length);
        assertEquals(2, t.headerLength);
    }

    @Test
    void highTagNumberFormIdentifier_8_1_2_4() {
        BerTlv t = new BerTlv();
        // context-specific primitive tag 201 = 0x81 0x49 in base 128
        assertEquals(ParseStatus.OK, t.read(cur("9f81490100"), false, MAX));
        assertEquals(BerTlv.CLASS_CONTEXT, t.tagClass);
        assertEquals(201, t.tagNumber);
        assertEquals(1, t.length);
        assertEquals(4, t.headerLength);
    }

    @Test
    void highTagFirstSubsequentOctet0x80IsMalformed_8_1_2_4_2c() {
        BerTlv t = new BerTlv();
        assertEquals(ParseStatus.ERROR, t.read(cur("9f80010100"), false, MAX));
        assertEquals(BerTlv.ERR_MALFORMED, t.error);
    }

    @Test
    void highTagCutShortNeedsMoreAndRewinds_8_1_2_4() {
        BerTlv t = new BerTlv();
        ByteCursor c = cur("9f81");
        assertEquals(ParseStatus.NEED_MORE, t.read(c, false, MAX));
        assertEquals(0, c.position());
    }

    @Test
    void shortAndLongDefiniteLengths_8_1_3_4_and_8_1_3_5() {
        BerTlv t = new BerTlv();
        assertEquals(ParseStatus.OK, t.read(cur("047f"), false, MAX));
        assertEquals(127, t.length);
        assertEquals(ParseStatus.OK, t.read(cur("048180"), false, MAX));
        assertEquals(128, t.length);
        assertEquals(3, t.headerLength);
        assertEquals(ParseStatus.OK, t.read(cur("04830100 00"), false, MAX));
        assertEquals(65536, t.length);
    }

    @Test
    void lengthOctet0xFFIsReserved_8_1_3_5c() {
        BerTlv t = new BerTlv();
        assertEquals(ParseStatus.ERROR, t.read(cur("04ff"), false, MAX));
        assertEquals(BerTlv.ERR_MALFORMED, t.error);
    }

    @Test
    void longLengthCutShortNeedsMore_8_1_3_5() {
        BerTlv t = new BerTlv();
        ByteCursor c = cur("308301");
        assertEquals(ParseStatus.NEED_MORE, t.read(c, false, MAX));
        assertEquals(0, c.position());
    }

    @Test
    void lengthOfTwoToThe31IsTooLong_8_1_3_5() {
        BerTlv t = new BerTlv();
        assertEquals(ParseStatus.ERROR, t.read(cur("308480000000"), false, Integer.MAX_VALUE));
        assertEquals(BerTlv.ERR_TOO_LONG, t.error);
        // five length octets
        assertEquals(ParseStatus.ERROR, t.read(cur("30850000000001"), false, Integer.MAX_VALUE));
        assertEquals(BerTlv.ERR_TOO_LONG, t.error);
    }

    @Test
    void lengthOverTheElementSizeLimit() {
        BerTlv t = new BerTlv();
        assertEquals(ParseStatus.ERROR, t.read(cur("30820400"), false, 1023));
        assertEquals(BerTlv.ERR_TOO_LONG, t.error);
        assertEquals(ParseStatus.OK, t.read(cur("30820400"), false, 1024));
    }

    @Test
    void indefiniteLengthRejectedInDer_10_1() {
        BerTlv t = new BerTlv();
        assertEquals(ParseStatus.ERROR, t.read(cur("30800000"), false, MAX));
        assertEquals(BerTlv.ERR_INDEFINITE, t.error);
    }

    @Test
    void indefiniteLengthRejectedForPrimitiveEvenInBer_8_1_3_2a() {
        BerTlv t = new BerTlv();
        assertEquals(ParseStatus.ERROR, t.read(cur("04800000"), true, MAX));
        assertEquals(BerTlv.ERR_INDEFINITE, t.error);
    }

    @Test
    void indefiniteLengthMeasuredToEndOfContents_8_1_3_6_and_8_1_5() {
        BerTlv t = new BerTlv();
        ByteCursor c = cur("3080" + "020101" + "3080" + "0400" + "0000" + "0000" + "ff");
        assertEquals(ParseStatus.OK, t.measure(c, true, MAX, 8));
        assertEquals(13, t.elementLength);
        assertEquals(BerTlv.INDEFINITE, t.length);
        assertEquals(0, c.position());
        // missing end-of-contents: the element is not complete yet
        assertEquals(ParseStatus.NEED_MORE, t.measure(cur("3080020101"), true, MAX, 8));
    }

    @Test
    void measureWalksNestedDefiniteElements_8_1_1() {
        BerTlv t = new BerTlv();
        ByteCursor c = cur("3008" + "a003020105" + "0401aa" + "99");
        assertEquals(ParseStatus.OK, t.measure(c, false, MAX, 8));
        assertEquals(10, t.elementLength);
        assertEquals(0x10, t.tagNumber);
        assertEquals(0, c.position());
    }

    @Test
    void childRunningPastItsParentIsAnOverrun_8_1_1() {
        BerTlv t = new BerTlv();
        // SEQUENCE of 3 bytes holding an OCTET STRING that claims 5
        assertEquals(ParseStatus.ERROR, t.measure(cur("3003040561626364650000"), false, MAX, 8));
        assertEquals(BerTlv.ERR_OVERRUN, t.error);
    }

    @Test
    void lengthPastTheEndOfTheWindowNeedsMore_8_1_3() {
        BerTlv t = new BerTlv();
        assertEquals(ParseStatus.NEED_MORE, t.measure(cur("3010020101"), false, MAX, 8));
    }

    @Test
    void nestingTenThousandDeepHitsTheDepthLimit_8_1_1() {
        int depth = 10_000;
        byte[] b = new byte[depth * 2];
        for (int i = 0; i < depth; i++) {
            b[2 * i] = 0x30;
            b[2 * i + 1] = (byte) 0x80;
        }
        BerTlv t = new BerTlv();
        // BER indefinite form so each level is two bytes; the walk stops at depth 33
        assertEquals(ParseStatus.ERROR, t.measure(new ByteCursor(b, 0, b.length), true, MAX, 32));
        assertEquals(BerTlv.ERR_DEPTH, t.error);
        // definite form: 0x30 0x81 nn ... also stops at the limit
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            sb.append("30").append(String.format("%02x", 2 * (39 - i)));
        }
        assertEquals(ParseStatus.ERROR, t.measure(cur(sb.toString()), false, MAX, 32));
        assertEquals(BerTlv.ERR_DEPTH, t.error);
        assertEquals(ParseStatus.OK, t.measure(cur(sb.toString()), false, MAX, 40));
    }

    @Test
    void integerTwosComplement_8_3() {
        assertEquals(-128, BerTlv.readInteger(cur("80"), 1));
        assertEquals(128, BerTlv.readInteger(cur("0080"), 2));
        ByteCursor c = cur("010203040506070809");
        BerTlv.readInteger(c, 9);
        assertFalse(c.ok());
    }

    @Test
    void objectIdentifier_8_19() {
        // 1.2.840.113556.1.4.803 (LDAP_MATCHING_RULE_BIT_AND)
        ByteCursor c = cur("2a864886f71401048623");
        assertEquals("1.2.840.113556.1.4.803", BerTlv.readOid(c, 10));
        assertTrue(c.ok());
        // 1.3.6.1.4.1.1466.20037 (StartTLS)
        assertEquals("1.3.6.1.4.1.1466.20037", BerTlv.readOid(cur("2b060104018b3a819c45"), 10));
        // 2.100.3: first subidentifier 180 spans two octets
        assertEquals("2.100.3", BerTlv.readOid(cur("813403"), 3));
        ByteCursor bad = cur("2a80");
        BerTlv.readOid(bad, 2);
        assertFalse(bad.ok());
    }

    @Test
    void bitStringAsKerberosFlags_8_6_2() {
        // KDCOptions 0x50800000 forwardable|proxiable|renewable as impacket sends it
        assertEquals(0x50800000, BerTlv.readBitString32(cur("0050800000"), 5));
        // fewer octets than 32 bits: missing bits are zero
        assertEquals(0x40000000, BerTlv.readBitString32(cur("0040"), 2));
        ByteCursor bad = cur("08ff");
        BerTlv.readBitString32(bad, 2);
        assertFalse(bad.ok());
    }

    @Test
    void generalizedTimeDerForm_11_7() {
        ByteCursor c = cur(Hex.encode("20370913024805Z".getBytes()));
        assertEquals(2136422885L, BerTlv.readGeneralizedTime(c, 15));
        assertEquals(Long.MIN_VALUE, BerTlv.readGeneralizedTime(cur(Hex.encode("2037091302480Z".getBytes())), 14));
        assertEquals(Long.MIN_VALUE, BerTlv.readGeneralizedTime(cur(Hex.encode("20371313024805Z".getBytes())), 15));
    }

    @Test
    void utf8StringAndContentEquals_8_23() {
        ByteCursor c = cur(Hex.encode("GSS-SPNEGO".getBytes()));
        assertTrue(BerTlv.contentEquals(c, 10, "GSS-SPNEGO"));
        assertFalse(BerTlv.contentEquals(c, 10, "GSS-SPNEGX"));
        assertEquals("GSS-SPNEGO", BerTlv.readString(c, 10));
        assertEquals(10, c.position());
    }

    @Test
    void everyErrorReasonNamesOneAnomaly() {
        assertEquals("too_long", BerTlv.anomaly(BerTlv.ERR_TOO_LONG, "malformed", "too_long", "indefinite", "deep"));
        assertEquals("indefinite", BerTlv.anomaly(BerTlv.ERR_INDEFINITE, "malformed", "too_long", "indefinite", "deep"));
        assertEquals("deep", BerTlv.anomaly(BerTlv.ERR_DEPTH, "malformed", "too_long", "indefinite", "deep"));
        for (int e : new int[] {BerTlv.ERR_MALFORMED, BerTlv.ERR_OVERRUN, BerTlv.ERR_NONE}) {
            assertEquals("malformed", BerTlv.anomaly(e, "malformed", "too_long", "indefinite", "deep"));
        }
    }
}
