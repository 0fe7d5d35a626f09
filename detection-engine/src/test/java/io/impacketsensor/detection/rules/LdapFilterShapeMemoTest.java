package io.impacketsensor.detection.rules;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The shapes of recent filters are kept by text: a filter seen again in a new String gets its own
 * shape back, never that of another filter in the same slot, and filters too long to keep are
 * judged afresh.
 */
class LdapFilterShapeMemoTest {

    private static final String[] SHAPED = {
        "(&(objectCategory=person)(servicePrincipalName=*))",
        "(&(servicePrincipalName=*)(UserAccountControl:1.2.840.113556.1.4.803:=4194304))",
        "(adminCount=1)",
        "(msDS-AllowedToDelegateTo=*)",
        "(&(sAMAccountName=*)(objectCategory=user))",
        "(&(samAccountType=805306368)(|(samAccountName=bob)))",
        "(samAccountName=Domain Admins)",
        "(cn=admin*)",
        "(uid=x)(cn=y)",
    };

    @Test
    void aFilterSeenAgainGetsItsOwnShape() {
        // Enough filters to fill every slot several times, each asked for again in a new String.
        List<String> filters = new ArrayList<>(List.of(SHAPED));
        for (int i = 0; i < 1000; i++) {
            filters.add("(&(objectClass=user)(sAMAccountName=user" + i + "))");
            filters.add(SHAPED[i % SHAPED.length].replace(")", ")(cn=n" + i + ")"));
        }
        for (int round = 0; round < 3; round++) {
            for (String f : filters) {
                String again = new String(f.toCharArray());
                assertEquals(LdapFilterShape.compute(f), LdapFilterShape.of(again), f);
            }
        }
    }

    @Test
    void collidingFiltersDoNotShareAShape() {
        // "ad" and "bE" add the same to a String's hash (97 * 31 + 100 = 98 * 31 + 69): these two
        // filters fall in one slot, and only the first is a wildcard on "admin".
        String a = "(cn=admin*)";
        String b = "(cn=bEmin*)";
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(LdapFilterShape.compute(a), LdapFilterShape.compute(b));
        for (int i = 0; i < 3; i++) {
            assertEquals(LdapFilterShape.compute(a), LdapFilterShape.of(new String(a.toCharArray())));
            assertEquals(LdapFilterShape.compute(b), LdapFilterShape.of(new String(b.toCharArray())));
        }
    }

    @Test
    void aLongFilterIsJudgedEachTime() {
        String padding = "(cn=x)".repeat(200);
        String longSpn = "(&" + padding + "(servicePrincipalName=*))";
        String longPlain = "(&" + padding + "(cn=y))";
        assertEquals(LdapFilterShape.compute(longSpn), LdapFilterShape.of(longSpn));
        assertEquals(LdapFilterShape.compute(longPlain), LdapFilterShape.of(longPlain));
        assertEquals(LdapFilterShape.compute(longSpn), LdapFilterShape.of(new String(longSpn.toCharArray())));
        assertNotEquals(0, LdapFilterShape.compute(longSpn) & LdapFilterShape.SPN_ANY);
    }
}
