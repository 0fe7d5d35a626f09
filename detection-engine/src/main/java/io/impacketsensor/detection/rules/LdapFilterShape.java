package io.impacketsensor.detection.rules;

/**
 * The shape of an LDAP search filter as one bit set, for the {@code ldap.filter_shape} field: the
 * injection shapes and the reconnaissance filters Impacket's tools send (INDICATORS.md §2:
 * GetUserSPNs, GetNPUsers, findDelegation, GetADUsers; PowerView's identity filter). Plain substring
 * tests, computed once per filter: every rule over the field tests bits of the same value.
 * Alternatives a rule must not both raise (unbalanced or trailing; SPN query of users or of any
 * account) are separate bits of which at most one is set.
 */
public final class LdapFilterShape {
    /** Unbalanced parentheses. */
    public static final int UNBALANCED = 1;
    /** Balanced, but a second filter follows the first expression's closing parenthesis. */
    public static final int TRAILING_FILTER = 1 << 1;
    /** Escaped filter syntax {@code )(} inside an assertion value. */
    public static final int VALUE_INJECTION = 1 << 2;
    /** An OR holding a clause every entry matches, inside an AND. */
    public static final int ALWAYS_TRUE_OR = 1 << 3;
    /** A wildcard on a privileged name ({@code =admin*}, {@code =*admin*}). */
    public static final int WILDCARD_ADMIN = 1 << 4;
    /** {@code servicePrincipalName=*} restricted to user accounts (GetUserSPNs). */
    public static final int SPN_USERS = 1 << 5;
    /** {@code servicePrincipalName=*} of any account. */
    public static final int SPN_ANY = 1 << 6;
    /** The DONT_REQ_PREAUTH bit 4194304 (GetNPUsers). */
    public static final int NO_PREAUTH = 1 << 7;
    /** {@code adminCount=1}. */
    public static final int ADMIN_COUNT = 1 << 8;
    /** Delegation attributes or userAccountControl bits (findDelegation). */
    public static final int DELEGATION = 1 << 9;
    /** {@code (sAMAccountName=*)} of users or persons (GetADUsers). */
    public static final int ALL_USERS = 1 << 10;
    /** PowerView/SharpSploit Get-Domain* identity filter. */
    public static final int POWERVIEW_IDENTITY = 1 << 11;
    /** An equality clause naming a privileged group ({@link #privilegedGroup}). */
    public static final int PRIVILEGED_GROUP = 1 << 12;

    private LdapFilterShape() {
    }

    /**
     * The last filter judged on this thread and its shape: the rules over {@code ldap.filter_shape}
     * each read the field, and a filter is one String per event, so all but the first read reuse it.
     * Per thread because engines run on several worker threads; the shape depends only on the text.
     *
     * <p>Behind it, the shapes of recent filters by their text: a directory's clients send the same
     * few filters over and over (a logon's lookups, a tool's queries), each search a new String of
     * the same text, and judging one scans it some twenty times where hashing and comparing it
     * scans it twice. A slot holds the last filter that hashed to it; filters longer than
     * {@link #MEMO_MAX_CHARS} are judged each time, so the table stays small whatever is sent.
     */
    private static final class Last {
        String filter;
        int shape;
        final String[] filters = new String[MEMO_SLOTS];
        final int[] shapes = new int[MEMO_SLOTS];
    }

    private static final int MEMO_SLOTS = 128;
    private static final int MEMO_MAX_CHARS = 512;

    private static final ThreadLocal<Last> LAST = ThreadLocal.withInitial(Last::new);

    /** The shape of {@code f} (0 for null or empty); no allocation. */
    public static int of(String f) {
        if (f == null || f.isEmpty()) {
            return 0;
        }
        Last l = LAST.get();
        if (l.filter != f) {
            l.shape = memo(l, f);
            l.filter = f;
        }
        return l.shape;
    }

    private static int memo(Last l, String f) {
        if (f.length() > MEMO_MAX_CHARS) {
            return compute(f);
        }
        int h = f.hashCode();
        int i = (h ^ h >>> 16) & (MEMO_SLOTS - 1);
        String k = l.filters[i];
        if (k != null && k.equals(f)) {
            return l.shapes[i];
        }
        int shape = compute(f);
        l.filters[i] = f;
        l.shapes[i] = shape;
        return shape;
    }

    static int compute(String f) {
        return injection(f) | recon(f);
    }

    private static int injection(String f) {
        // A filter decoded from the wire is one balanced expression whose values are escaped (RFC 4515),
        // so "(x=*)(y=z)" is ordinary structure there. Injection shows as text past the closing
        // parenthesis of the first expression (two filters concatenated), unbalanced parentheses, or
        // filter syntax inside an assertion value (escaped by the client: \2a \28 \29).
        int s = 0;
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
            s |= UNBALANCED;
        } else if (trailing) {
            s |= TRAILING_FILTER;
        }
        if (Text.contains(f, "\\2a\\29\\28") || Text.contains(f, "\\29\\28")) {
            s |= VALUE_INJECTION;
        }
        int and = f.indexOf("(&");
        int or = f.indexOf("(|");
        if (and >= 0 && or > and && (f.indexOf("=*)", or) > 0) && (alwaysTrueAfter(f, "(objectClass=*)", or)
                || alwaysTrueAfter(f, "(cn=*)", or) || alwaysTrueAfter(f, "(uid=*)", or)
                || alwaysTrueAfter(f, "(sAMAccountName=*)", or))) {
            // The specification's "(&...(|..." pattern: an OR holding a clause every entry matches
            // makes the AND's other conditions the only ones left - the classic login-bypass shape
            // (user=*)(|(objectClass=*)...). No directory client writes a tautology into an OR.
            s |= ALWAYS_TRUE_OR;
        }
        if (Text.contains(f, "=admin*") || Text.contains(f, "=*admin*")) {
            s |= WILDCARD_ADMIN;
        }
        return s;
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

    private static int recon(String f) {
        int s = 0;
        if (Text.contains(f, "servicePrincipalName=*")) {
            // samAccountType=805306368 (0x30000000, SAM_USER_OBJECT, MS-ADTS 2.2.4) restricts to user accounts.
            boolean users = Text.contains(f, "objectCategory=person") || Text.contains(f, "objectClass=user")
                    || f.contains("samAccountType=805306368") || f.contains("sAMAccountType=805306368");
            s |= users ? SPN_USERS : SPN_ANY;
        }
        if (f.contains("4194304")) {
            s |= NO_PREAUTH;
        }
        if (Text.contains(f, "adminCount=1")) {
            s |= ADMIN_COUNT;
        }
        if (Text.contains(f, "msDS-AllowedToDelegateTo") || f.contains(":=524288") || f.contains(":=16777216")
                || Text.contains(f, "msDS-AllowedToActOnBehalfOfOtherIdentity")) {
            s |= DELEGATION;
        }
        if (Text.contains(f, "(sAMAccountName=*)") && (Text.contains(f, "objectCategory=user")
                || Text.contains(f, "objectCategory=person"))) {
            s |= ALL_USERS;
        }
        if (powerViewIdentity(f)) {
            s |= POWERVIEW_IDENTITY;
        }
        if (privilegedGroupIndex(f) >= 0) {
            s |= PRIVILEGED_GROUP;
        }
        return s;
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
     * The privileged group an equality clause of {@code f} names ({@code (samAccountName=Domain Admins)}),
     * as one of the constant names above, or null; no allocation.
     */
    public static String privilegedGroup(String f) {
        int i = f == null ? -1 : privilegedGroupIndex(f);
        return i < 0 ? null : PRIVILEGED_GROUPS[i];
    }

    /**
     * The first group of {@link #PRIVILEGED_GROUPS} whose clause end {@code =<group>)} first occurs
     * past the filter's start, or -1. Runs on every LDAP search, so it walks the filter once, from one
     * {@code '='} to the next (every clause end starts with one), instead of once per group.
     */
    private static int privilegedGroupIndex(String f) {
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
        return found == 0 ? -1 : Integer.numberOfTrailingZeros(found);
    }
}
