package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.wire.BerTlv;
import io.impacketsensor.core.wire.ByteCursor;
import io.impacketsensor.core.wire.Bytes;

/**
 * Reads what one SearchResultEntry (RFC 4511 4.5.2) returned, for a search answered without its
 * request ({@link LdapReplies}): which of a few attribute names it carries, the account name's
 * last character and the userAccountControl value. Compares bytes and parses one decimal number;
 * makes no text and allocates nothing, so it can run on every such entry.
 */
final class EntryShape {
    private static final int U = BerTlv.CLASS_UNIVERSAL;

    // Attribute bits (attribute descriptions compare case-insensitively, RFC 4512 2.5).
    static final int SAM_ACCOUNT_NAME = 1;
    static final int PWD_LAST_SET = 1 << 1;
    static final int MAIL = 1 << 2;
    static final int LAST_LOGON = 1 << 3;
    static final int USER_ACCOUNT_CONTROL = 1 << 4;
    static final int SPN = 1 << 5;
    static final int MEMBER_OF = 1 << 6;
    static final int LAPS_PASSWORD = 1 << 7;
    static final int ALLOWED_TO_DELEGATE_TO = 1 << 8;
    static final int ALLOWED_TO_ACT = 1 << 9;
    static final int OBJECT_CATEGORY = 1 << 10;
    /** Any attribute not named here. */
    static final int OTHER = 1 << 15;

    private static final String[] NAMES = {
        "sAMAccountName", "pwdLastSet", "mail", "lastLogon", "userAccountControl",
        "servicePrincipalName", "memberOf", "ms-Mcs-AdmPwd", "msDS-AllowedToDelegateTo",
        "msDS-AllowedToActOnBehalfOfOtherIdentity", "objectCategory", "msLAPS-Password",
        "msLAPS-EncryptedPassword",
    };
    private static final int[] BITS = {
        SAM_ACCOUNT_NAME, PWD_LAST_SET, MAIL, LAST_LOGON, USER_ACCOUNT_CONTROL, SPN, MEMBER_OF, LAPS_PASSWORD,
        ALLOWED_TO_DELEGATE_TO, ALLOWED_TO_ACT, OBJECT_CATEGORY, LAPS_PASSWORD, LAPS_PASSWORD,
    };

    private final LdapLimits limits;
    private final BerTlv t = new BerTlv();
    private final ByteCursor c = new ByteCursor();

    // ---- results of read() ----
    /** Attribute bits carried; a bit is set only for an attribute with at least one non-empty value. */
    int attributes;
    /** userAccountControl (MS-ADTS 2.2.16), or 0 when absent or not a decimal number. */
    long userAccountControl;
    /** The sAMAccountName ends in $ (a computer or trust account, MS-ADTS 6.4.2). */
    boolean machineAccount;

    EntryShape(LdapLimits limits) {
        this.limits = limits;
    }

    /**
     * Reads the SearchResultEntry LDAPMessage at {@code buf[off, off+len)} (whole).
     *
     * @return false when it is not a well-formed SearchResultEntry (the results are then partial)
     */
    boolean read(byte[] buf, int off, int len) {
        attributes = 0;
        userAccountControl = 0;
        machineAccount = false;
        int max = limits.maxMessageLength();
        c.wrap(buf, off, len);
        if (!t.expect(c, U, 16, max) || !t.expect(c, U, 2, max)) {
            return false;
        }
        c.skip(t.length);
        if (t.read(c, false, max) != io.impacketsensor.core.wire.ParseStatus.OK
                || t.tagClass != BerTlv.CLASS_APPLICATION || t.tagNumber != LdapParser.SEARCH_RESULT_ENTRY
                || !c.has(t.length)) {
            return false;
        }
        // objectName LDAPDN, then attributes PartialAttributeList
        if (!t.expect(c, U, 4, max)) {
            return false;
        }
        c.skip(t.length);
        if (!t.expect(c, U, 16, max)) {
            return false;
        }
        int listEnd = c.position() + t.length;
        int n = 0;
        while (c.ok() && c.position() < listEnd && n++ < limits.maxListItems()) {
            if (!t.expect(c, U, 16, max)) {
                return false;
            }
            int end = c.position() + t.length;
            if (!t.expect(c, U, 4, max)) {
                return false;
            }
            int bit = name(c.array(), c.arrayPosition(), t.length);
            c.skip(t.length);
            if (t.expect(c, U, 17, max)) {
                int setEnd = Math.min(c.position() + t.length, end);
                if (c.position() < setEnd && t.expect(c, U, 4, max) && t.length > 0) {
                    // the first value: the one value of the single-valued attributes read here
                    attributes |= bit;
                    byte[] b = c.array();
                    int p = c.arrayPosition();
                    if (bit == SAM_ACCOUNT_NAME) {
                        machineAccount = b[p + t.length - 1] == '$';
                    } else if (bit == USER_ACCOUNT_CONTROL) {
                        userAccountControl = decimal(b, p, t.length);
                    }
                }
            }
            c.seek(end);
        }
        return c.ok();
    }

    /** The bit of the attribute description at {@code b[p, p+len)}, {@link #OTHER} when none. */
    private static int name(byte[] b, int p, int len) {
        for (int i = 0; i < NAMES.length; i++) {
            if (Bytes.equalsAsciiIgnoreCase(b, p, len, NAMES[i])) {
                return BITS[i];
            }
        }
        return OTHER;
    }

    /** A non-negative decimal integer of at most 10 digits (userAccountControl is 32 bits), else 0. */
    private static long decimal(byte[] b, int p, int len) {
        if (len > 10) {
            return 0;
        }
        long v = 0;
        for (int i = 0; i < len; i++) {
            int d = b[p + i] - '0';
            if (d < 0 || d > 9) {
                return 0;
            }
            v = v * 10 + d;
        }
        return v;
    }
}
