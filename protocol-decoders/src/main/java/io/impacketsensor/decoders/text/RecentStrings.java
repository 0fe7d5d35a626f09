package io.impacketsensor.decoders.text;

import java.nio.charset.StandardCharsets;

/**
 * The UTF-8 strings a decoder read lately, with their bytes, replaced in turn: names repeat within
 * a message, from message to message and connection after connection (Kerberos realms, krbtgt and
 * service names; LDAP base DNs, attribute names and control OIDs). A string read again costs a
 * comparison instead of two arrays and a String. Equal bytes decode to an equal String (as
 * {@code new String(b, off, n, UTF_8)}), so events are unchanged. Used by one thread only.
 */
public final class RecentStrings {
    private final RecentBytes seen;
    private final String[] text;

    /**
     * @param slots    how many strings are kept
     * @param maxBytes longer strings are decoded every time
     */
    public RecentStrings(int slots, int maxBytes) {
        this.seen = new RecentBytes(slots, maxBytes, maxBytes);
        this.text = new String[slots];
    }

    /** {@code new String(b, off, n, UTF_8)}, the kept String when the bytes are those of one. */
    public String get(byte[] b, int off, int n) {
        int i = seen.find(b, off, n);
        if (i >= 0) {
            return text[i];
        }
        String s = new String(b, off, n, StandardCharsets.UTF_8);
        i = seen.keep(b, off, n);
        if (i >= 0) {
            text[i] = s;
        }
        return s;
    }
}
