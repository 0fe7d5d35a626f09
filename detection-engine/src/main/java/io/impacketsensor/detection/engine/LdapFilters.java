package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.rules.Text;


/**
 * LDAP filter checks: injection shapes and the reconnaissance filters Impacket's tools send
 * (INDICATORS.md §2: GetUserSPNs, GetNPUsers, findDelegation, GetADUsers). Plain substring tests.
 */
final class LdapFilters {
    private LdapFilters() {
    }

    static void analyse(String f, Evidence e) {
        if (f == null || f.isEmpty()) {
            return;
        }
        injection(f, e);
        recon(f, e);
    }

    private static void injection(String f, Evidence e) {
        // A filter decoded from the wire is one balanced expression whose values are escaped (RFC 4515),
        // so "(x=*)(y=z)" is ordinary structure there. Injection shows as text past the closing
        // parenthesis of the first expression (two filters concatenated), unbalanced parentheses, or
        // filter syntax inside an assertion value (escaped by the client: \2a \28 \29).
        int depth = 0;
        boolean unbalanced = false;
        boolean trailing = false;
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c == '(') {
                if (depth == 0 && i > 0) {
                    trailing = true;
                }
                depth++;
            } else if (c == ')') {
                if (--depth < 0) {
                    unbalanced = true;
                    break;
                }
            }
        }
        if (unbalanced || depth != 0) {
            e.add(Rules.LDAP_INJECTION_UNBALANCED, "LDAP injection: unbalanced parentheses in filter: " + Text.quote(f));
        } else if (trailing) {
            e.add(Rules.LDAP_INJECTION_TRAILING_FILTER, "LDAP injection: a second filter follows the closing parenthesis: "
                    + Text.quote(f));
        }
        if (Text.contains(f, "\\2a\\29\\28") || Text.contains(f, "\\29\\28")) {
            e.add(Rules.LDAP_INJECTION_VALUE, "LDAP injection attempt: filter syntax ')(' inside a value: " + Text.quote(f));
        }
        int and = f.indexOf("(&");
        int or = f.indexOf("(|");
        if (and >= 0 && or > and && (f.indexOf("=*)", or) > 0) && (alwaysTrueAfter(f, "(objectClass=*)", or)
                || alwaysTrueAfter(f, "(cn=*)", or) || alwaysTrueAfter(f, "(uid=*)", or)
                || alwaysTrueAfter(f, "(sAMAccountName=*)", or))) {
            // The specification's "(&...(|..." pattern: an OR holding a clause every entry matches
            // makes the AND's other conditions the only ones left - the classic login-bypass shape
            // (user=*)(|(objectClass=*)...). No directory client writes a tautology into an OR: 0.7.
            e.add(Rules.LDAP_INJECTION_ALWAYS_TRUE, "LDAP injection: always-true OR clause inside an AND: " + Text.quote(f));
        }
        if (Text.contains(f, "=admin*") || Text.contains(f, "=*admin*")) {
            e.add(Rules.LDAP_WILDCARD_ABUSE, "LDAP wildcard abuse on a privileged name: " + Text.quote(f));
        }
    }

    /** True when the presence clause {@code clause} occurs at or after {@code from} (inside the OR). */
    private static boolean alwaysTrueAfter(String f, String clause, int from) {
        for (int i = from; i + clause.length() <= f.length(); i++) {
            if (Text.regionMatches(f, i, clause, 0, clause.length())) {
                return true;
            }
        }
        return false;
    }

    private static void recon(String f, Evidence e) {
        if (Text.contains(f, "servicePrincipalName=*")) {
            // samAccountType=805306368 (0x30000000, SAM_USER_OBJECT, MS-ADTS 2.2.4) restricts to user accounts.
            boolean users = Text.contains(f, "objectCategory=person") || Text.contains(f, "objectClass=user")
                    || f.contains("samAccountType=805306368") || f.contains("sAMAccountType=805306368");
            e.add(users ? Rules.LDAP_SPN_QUERY_USERS : Rules.LDAP_SPN_QUERY,
                    (users ? "Kerberoastable user query (GetUserSPNs): "
                    : "SPN enumeration query: ") + Text.quote(f));
        }
        if (f.contains("4194304")) {
            e.add(Rules.LDAP_NO_PREAUTH_QUERY, "DONT_REQ_PREAUTH account query (GetNPUsers): " + Text.quote(f));
        }
        if (Text.contains(f, "adminCount=1")) {
            e.add(Rules.LDAP_ADMINCOUNT_QUERY, "Privileged account query (adminCount=1): " + Text.quote(f));
        }
        if (Text.contains(f, "msDS-AllowedToDelegateTo") || f.contains(":=524288") || f.contains(":=16777216")
                || Text.contains(f, "msDS-AllowedToActOnBehalfOfOtherIdentity")) {
            e.add(Rules.LDAP_DELEGATION_QUERY, "Delegation query (findDelegation): " + Text.quote(f));
        }
        if (Text.contains(f, "(sAMAccountName=*)") && (Text.contains(f, "objectCategory=user")
                || Text.contains(f, "objectCategory=person"))) {
            e.add(Rules.LDAP_ALL_USERS_QUERY, "All-users query (GetADUsers): " + Text.quote(f));
        }
        if (powerViewIdentity(f)) {
            e.add(Rules.LDAP_POWERVIEW_FILTER, "PowerView/SharpSploit Get-Domain* identity filter (object class, then a "
                    + "one-clause OR of the identities): " + Text.quote(f));
        }
        String group = privilegedGroup(f);
        if (group != null) {
            e.add(Rules.LDAP_PRIVILEGED_GROUP_QUERY, "Privileged group looked up: " + group + " in " + Text.quote(f));
        }
    }

    /**
     * The outer class filters PowerView's Get-DomainUser, Get-DomainGroup and Get-DomainComputer (and
     * SharpSploit/SharpView, which port them) put in front of the identity filter.
     */
    private static final String[] POWERVIEW_PREFIXES = {"(&(samAccountType=805306368)(|(", "(&(objectCategory=group)(|(",
        "(&(samAccountType=805306369)(|("};

    /**
     * PowerView builds {@code (&<class>(|(samAccountName=a)(samAccountName=b)...))} from its -Identity
     * list, so a single identity gives an OR with one clause — a form directory clients and ADSI
     * scripts do not write. True for that exact shape: the prefix, one simple clause, the OR closed.
     */
    static boolean powerViewIdentity(String f) {
        for (String p : POWERVIEW_PREFIXES) {
            if (Text.startsWith(f, p)) {
                int start = p.length(); // just after the clause's opening parenthesis
                int close = f.indexOf(')', start);
                if (close < 0) {
                    return false;
                }
                int nested = f.indexOf('(', start);
                if (nested >= 0 && nested < close) {
                    return false; // not a simple clause
                }
                return close + 1 < f.length() && f.charAt(close + 1) == ')';
            }
        }
        return false;
    }

    /** Builtin and domain groups whose membership is administrative control of the domain (MS-ADTS 6.1.1.6). */
    private static final String[] PRIVILEGED_GROUPS = {"Domain Admins", "Enterprise Admins", "Schema Admins",
        "Administrators", "Account Operators", "Backup Operators", "Server Operators", "DnsAdmins",
        "Group Policy Creator Owners"};

    private static final String[] PRIVILEGED_CLAUSE_ENDS = new String[PRIVILEGED_GROUPS.length];

    static {
        for (int i = 0; i < PRIVILEGED_GROUPS.length; i++) {
            PRIVILEGED_CLAUSE_ENDS[i] = "=" + PRIVILEGED_GROUPS[i] + ")";
        }
    }

    /**
     * The privileged group an equality clause names ({@code (samAccountName=Domain Admins)}), or null:
     * the first group of {@link #PRIVILEGED_GROUPS} whose clause end {@code =<group>)} first occurs
     * past the filter's start. Runs on every LDAP search, so it walks the filter once, from one
     * {@code '='} to the next (every clause end starts with one), instead of once per group.
     */
    static String privilegedGroup(String f) {
        int found = 0;   // bit g: the clause of group g first occurs past position 0
        int decided = 0; // bit g: the first occurrence of group g's clause is known
        for (int p = f.indexOf('='); p >= 0; p = f.indexOf('=', p + 1)) {
            for (int g = 0; g < PRIVILEGED_CLAUSE_ENDS.length; g++) {
                String c = PRIVILEGED_CLAUSE_ENDS[g];
                if ((decided & 1 << g) == 0 && Text.regionMatches(f, p + 1, c, 1, c.length() - 1)) {
                    decided |= 1 << g;
                    if (p > 0) {
                        found |= 1 << g;
                    }
                }
            }
        }
        return found == 0 ? null : PRIVILEGED_GROUPS[Integer.numberOfTrailingZeros(found)];
    }
}
