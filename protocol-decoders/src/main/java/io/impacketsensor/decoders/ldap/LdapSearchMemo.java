package io.impacketsensor.decoders.ldap;

import io.impacketsensor.decoders.text.RecentBytes;

import java.util.List;

/**
 * The SearchRequests (RFC 4511 4.5.1) a decode thread read lately, by their bytes from baseObject
 * to the end of the attribute list: a tool asks the same search again and again (every DC lookup,
 * every enumeration page), and each made the base DN, the filter's text (a StringBuilder and its
 * copies) and the attribute list anew. The same bytes parse to the same fields, so a request read
 * before under the same limits is answered from what it gave then (a request within one parser's
 * limits may be over another's); only requests read without an anomaly are kept.
 * One per decode thread (its analyzers run only on it), like {@code Utf16Memo}.
 */
final class LdapSearchMemo {
    private static final int SLOTS = 8;
    /** Longer requests are parsed every time. */
    private static final int MAX_BYTES = 1024;
    private static final ThreadLocal<LdapSearchMemo> MEMO = ThreadLocal.withInitial(LdapSearchMemo::new);

    /** What a SearchRequest's body parsed to, under {@code limits}. */
    record Search(LdapLimits limits, String base, int scope, int deref, int sizeLimit, int timeLimit, boolean typesOnly,
                  String filter, List<String> attributes) {
    }

    private final RecentBytes seen = new RecentBytes(SLOTS, MAX_BYTES, 256);
    private final Search[] searches = new Search[SLOTS];

    private LdapSearchMemo() {
    }

    static LdapSearchMemo get() {
        return MEMO.get();
    }

    /** What {@code b[off, off+n)} parsed to under {@code limits} when last kept, or null. */
    Search find(LdapLimits limits, byte[] b, int off, int n) {
        int i = seen.find(b, off, n);
        Search s = i < 0 ? null : searches[i];
        return s != null && (s.limits() == limits || s.limits().equals(limits)) ? s : null;
    }

    /** Keeps what {@code b[off, off+n)} parsed to (nothing when too long to keep). */
    void keep(byte[] b, int off, int n, Search s) {
        int i = seen.keep(b, off, n);
        if (i >= 0) {
            searches[i] = s;
        }
    }
}
