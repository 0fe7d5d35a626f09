package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.wire.ByteCursor;
import org.junit.jupiter.api.Test;

import static io.impacketsensor.decoders.ldap.LdapTestMessages.and;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.eq;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.eqBytes;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.not;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.or;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.present;
import static io.impacketsensor.decoders.testsupport.Ber.bool;
import static io.impacketsensor.decoders.testsupport.Ber.octets;
import static io.impacketsensor.decoders.testsupport.Ber.seq;
import static io.impacketsensor.decoders.testsupport.Ber.tlv;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every RFC 4511 4.5.1.7 filter choice rendered as RFC 4515 text. Fixtures synthetic. */
class LdapFilterRendererTest {

    private static String render(byte[] f) {
        return new LdapFilterRenderer(LdapLimits.DEFAULTS).render(new ByteCursor(f, 0, f.length));
    }

    @Test
    void andOrNotEqualityPresent() {
        assertEquals("(&(objectClass=user)(|(cn=a)(!(cn=b)))(mail=*))",
                render(and(eq("objectClass", "user"), or(eq("cn", "a"), not(eq("cn", "b"))), present("mail"))));
    }

    @Test
    void orderingAndApprox() {
        assertEquals("(pwdLastSet>=1)", render(tlv(0xa5, octets("pwdLastSet"), octets("1"))));
        assertEquals("(badPwdCount<=3)", render(tlv(0xa6, octets("badPwdCount"), octets("3"))));
        assertEquals("(cn~=bob)", render(tlv(0xa8, octets("cn"), octets("bob"))));
    }

    @Test
    void substringsInitialAnyFinal() {
        byte[] all = tlv(0xa4, octets("cn"), seq(tlv(0x80, "a".getBytes()), tlv(0x81, "b".getBytes()),
                tlv(0x82, "c".getBytes())));
        assertEquals("(cn=a*b*c)", render(all));
        assertEquals("(cn=*b*)", render(tlv(0xa4, octets("cn"), seq(tlv(0x81, "b".getBytes())))));
        assertEquals("(mail=*@example.com)", render(tlv(0xa4, octets("mail"), seq(tlv(0x82, "@example.com".getBytes())))));
        assertEquals("(gPCUserExtensionNames=[*])", render(tlv(0xa4, octets("gPCUserExtensionNames"),
                seq(tlv(0x80, "[".getBytes()), tlv(0x82, "]".getBytes())))));
    }

    @Test
    void extensibleMatchWithMatchingRuleOid() {
        byte[] f = tlv(0xa9, tlv(0x81, "1.2.840.113556.1.4.803".getBytes()), tlv(0x82, "userAccountControl".getBytes()),
                tlv(0x83, "4194304".getBytes()));
        assertEquals("(userAccountControl:1.2.840.113556.1.4.803:=4194304)", render(f));
        byte[] dn = tlv(0xa9, tlv(0x82, "ou".getBytes()), tlv(0x83, "x".getBytes()), tlv(0x84, new byte[] {(byte) 0xff}));
        assertEquals("(ou:dn:=x)", render(dn));
        byte[] ruleOnly = tlv(0xa9, tlv(0x81, "2.5.13.2".getBytes()), tlv(0x83, "x".getBytes()));
        assertEquals("(:2.5.13.2:=x)", render(ruleOnly));
        assertEquals(null, render(tlv(0xa9, tlv(0x81, "2.5.13.2".getBytes()))), "matchValue is required");
        assertEquals("(cn=x)", render(eq("cn", "x")), bool(false).length == 3 ? "" : "");
    }

    @Test
    void valuesEscapedPerRfc4515() {
        assertEquals("(cn=Test\\28Admin!\\29)", render(eq("cn", "Test(Admin!)")));
        assertEquals("(cn=a\\2ab\\5cc)", render(eq("cn", "a*b\\c")));
        assertEquals("(cn=Lu\u010di\u0107)", render(eq("cn", "Lu\u010di\u0107")), "valid UTF-8 kept");
        assertEquals("(objectSid=\\01\\05\\00\\ff)", render(eqBytes("objectSid", new byte[] {1, 5, 0, (byte) 0xff})));
    }

    @Test
    void validUtf8() {
        assertEquals(true, LdapFilterRenderer.validUtf8("é€😀".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, 9));
        assertEquals(false, LdapFilterRenderer.validUtf8(new byte[] {(byte) 0xc0, (byte) 0x80}, 0, 2), "overlong");
        assertEquals(false, LdapFilterRenderer.validUtf8(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, 0, 3), "surrogate");
        assertEquals(false, LdapFilterRenderer.validUtf8(new byte[] {(byte) 0xe2, (byte) 0x82}, 0, 2), "cut short");
    }

    @Test
    void unknownChoiceIsMalformed() {
        assertEquals(null, render(tlv(0xaa, octets("x"))));
    }
}
