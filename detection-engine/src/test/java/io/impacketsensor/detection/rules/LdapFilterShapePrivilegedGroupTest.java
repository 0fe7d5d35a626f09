package io.impacketsensor.detection.rules;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The privileged-group lookup walks a filter once, from one '=' to the next; it must name the same
 * group as searching the filter once per group, in the list's order (synthetic filters).
 */
class LdapFilterShapePrivilegedGroupTest {
    private static final String[] GROUPS = {"Domain Admins", "Enterprise Admins", "Schema Admins", "Administrators",
        "Account Operators", "Backup Operators", "Server Operators", "DnsAdmins", "Group Policy Creator Owners"};
    private static final String[] PARTS = {"(", ")", "&", "|", "=", "*", "cn", "sAMAccountName", "objectClass=group",
        "memberOf=CN=", ",CN=Users,DC=lab,DC=local", "DOMAIN ADMINS", "administrators", "Admins", " ", "\u212A"};

    @Test
    void namesTheFirstListedGroupAsTheSearchPerGroupDid() {
        assertEquals("Domain Admins", LdapFilterShape.privilegedGroup("(&(objectClass=group)(cn=Domain Admins))"));
        assertEquals("Enterprise Admins", LdapFilterShape.privilegedGroup("(|(cn=Administrators)(cn=enterprise admins))"));
        assertEquals("Domain Admins", LdapFilterShape.privilegedGroup("(|(cn=Administrators)(cn=Domain Admins))"));
        assertNull(LdapFilterShape.privilegedGroup("(cn=Domain Admins Backup)"));
        // A clause end at the very start of the filter does not count, nor do its later occurrences.
        assertNull(LdapFilterShape.privilegedGroup("=DnsAdmins)(cn=DnsAdmins)"));
        assertEquals("DnsAdmins", LdapFilterShape.privilegedGroup("=Schema Admins)(cn=Schema Admins)(cn=DnsAdmins)"));
        SplittableRandom rnd = new SplittableRandom(3);
        for (int round = 0; round < 50_000; round++) {
            StringBuilder b = new StringBuilder();
            for (int i = rnd.nextInt(12); i > 0; i--) {
                b.append(rnd.nextInt(5) == 0 ? "=" + GROUPS[rnd.nextInt(GROUPS.length)] + ")" : PARTS[rnd.nextInt(PARTS.length)]);
            }
            String f = b.toString();
            assertEquals(perGroup(f), LdapFilterShape.privilegedGroup(f), f);
        }
    }

    /** One case-insensitive search per group, first group whose clause end occurs at an index above 0. */
    private static String perGroup(String f) {
        for (String g : GROUPS) {
            String needle = "=" + g + ")";
            int at = -1;
            for (int i = 0; i + needle.length() <= f.length(); i++) {
                if (f.regionMatches(true, i, needle, 0, needle.length())) {
                    at = i;
                    break;
                }
            }
            if (at > 0) {
                return g;
            }
        }
        return null;
    }
}
