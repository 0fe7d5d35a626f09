package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.wire.ParseStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.impacketsensor.decoders.ldap.LdapTestMessages.and;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.eq;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.message;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.present;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.search;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * synthetic: a SearchRequest read again (by any parser of the thread) gives the fields it gave the
 * first time, the same objects; a request that differs in a byte, or that failed, is read anew.
 */
class LdapSearchMemoTest {

    private static LdapParser read(byte[] m) {
        LdapParser p = new LdapParser(LdapLimits.DEFAULTS);
        assertEquals(ParseStatus.OK, p.parse(m, 0, m.length));
        return p;
    }

    @Test
    void aRepeatedSearchGivesTheSameFields() {
        byte[] m = message(3, search("DC=lab,DC=test", and(eq("objectCategory", "computer"), present("servicePrincipalName")),
                "sAMAccountName", "dNSHostName"));
        LdapParser first = read(m);
        assertEquals("DC=lab,DC=test", first.base);
        assertEquals("(&(objectCategory=computer)(servicePrincipalName=*))", first.filter);
        assertEquals(List.of("sAMAccountName", "dNSHostName"), first.attributes);
        LdapParser again = read(m.clone());
        assertSame(first.base, again.base);
        assertSame(first.filter, again.filter);
        assertSame(first.attributes, again.attributes);
        assertEquals(first.scope, again.scope);
        assertEquals(first.deref, again.deref);
        assertEquals(first.sizeLimit, again.sizeLimit);
        assertEquals(first.timeLimit, again.timeLimit);
        assertEquals(first.typesOnly, again.typesOnly);
    }

    @Test
    void aDifferentByteIsReadAnew() {
        byte[] a = message(4, search("DC=lab,DC=test", eq("sAMAccountName", "alice"), "cn"));
        byte[] b = message(4, search("DC=lab,DC=test", eq("sAMAccountName", "alicf"), "cn"));
        assertEquals("(sAMAccountName=alice)", read(a).filter);
        assertEquals("(sAMAccountName=alicf)", read(b).filter);
        assertEquals("(sAMAccountName=alice)", read(a).filter);
    }

    @Test
    void anotherParsersLimitsReadItAnew() {
        byte[] m = message(6, search("DC=lab,DC=test", eq("description", "x".repeat(40)), "cn"));
        assertNotNull(read(m).filter);
        LdapParser strict = new LdapParser(new LdapLimits(1 << 20, 64, 32, 16, 256, 64));
        strict.parse(m, 0, m.length);
        assertNull(strict.filter, "over the strict parser's filter length");
        assertEquals(LdapAnomaly.FILTER_TOO_LONG, strict.anomaly());
    }

    @Test
    void aFailedFilterIsNotKept() {
        // A filter nested deeper than the limit fails; the same request fails again (not answered from a memo).
        byte[] f = present("cn");
        for (int i = 0; i <= LdapLimits.DEFAULTS.maxFilterDepth(); i++) {
            f = and(f);
        }
        byte[] m = message(5, search("DC=lab,DC=test", f, "cn"));
        for (int k = 0; k < 2; k++) {
            LdapParser p = new LdapParser(LdapLimits.DEFAULTS);
            p.parse(m, 0, m.length);
            assertNull(p.filter);
            assertNotNull(p.anomaly());
        }
    }
}
