package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.rules.Text;

import java.util.Locale;

/**
 * An NTLM account as the relay layer keys it: the text {@code domain\\user} in lower case
 * ({@link Locale#ROOT}), which its indicator quotes. Every AUTHENTICATE looks its account up, so the
 * layer asks with one reused probe ({@link #set}) holding the names as sent and compared ignoring
 * ASCII case, and makes the text only when it stores a new account ({@link #stored}). Two keys are
 * equal when their lower-case texts are, probe or stored. A name with a character outside ASCII is
 * lowered by {@link String#toLowerCase(Locale)} in the probe too: Unicode lower-casing may change a
 * name's length (U+0130 becomes two characters) or give an ASCII letter (U+212A, the Kelvin sign).
 */
final class AccountKey {
    /** Stored keys: the lower-case text. Probes: null. */
    private String text;
    /** Probes: the domain ("" when absent) and the user, lowered when not ASCII. */
    private String domain;
    private String user;
    private int length;
    private int hash;

    /** Points this probe at {@code domain\\user} ({@code domain} null: none); returns this. */
    AccountKey set(String domain, String user) {
        String d = domain == null ? "" : domain;
        this.domain = Text.isAscii(d) ? d : d.toLowerCase(Locale.ROOT);
        this.user = Text.isAscii(user) ? user : user.toLowerCase(Locale.ROOT);
        this.length = this.domain.length() + 1 + this.user.length();
        int h = 0;
        for (int i = 0; i < length; i++) {
            h = 31 * h + charAt(i);
        }
        this.hash = h;
        return this;
    }

    /** A key to store for this probe's account, with its text; the probe keeps no reference to it. */
    AccountKey stored() {
        AccountKey k = new AccountKey();
        k.text = domain.toLowerCase(Locale.ROOT) + "\\" + user.toLowerCase(Locale.ROOT);
        k.length = k.text.length();
        k.hash = k.text.hashCode();
        return k;
    }

    /** The lower-case {@code domain\\user} of a stored key. */
    String text() {
        return text;
    }

    /** The key's character {@code i} of its lower-case text (ASCII letters lowered here for probes). */
    private char charAt(int i) {
        if (text != null) {
            return text.charAt(i);
        }
        int d = domain.length();
        char c = i < d ? domain.charAt(i) : i == d ? '\\' : user.charAt(i - d - 1);
        return Text.lower(c);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AccountKey k) || k.hash != hash || k.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (k.charAt(i) != charAt(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
