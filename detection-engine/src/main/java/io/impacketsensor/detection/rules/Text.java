package io.impacketsensor.detection.rules;

/**
 * Allocation-free string tests for the per-event path (no regex, no lower-casing copies).
 * Needles are ASCII.
 */
public final class Text {
    private Text() {
    }

    /** Characters of a peer-controlled value an indicator or EVE field quotes. */
    public static final int QUOTE_LIMIT = 256;
    /**
     * Bound of a whole indicator: a fixed description plus one quoted value (a few indicators quote
     * two short ones). Anything longer carries an unquoted peer value and is cut here.
     */
    public static final int INDICATOR_LIMIT = 2 * QUOTE_LIMIT;

    /**
     * A peer-controlled value as an indicator or EVE field quotes it: unchanged up to
     * {@link #QUOTE_LIMIT} characters, else that prefix, an ellipsis and the full length
     * ({@code "cmd.exe /c ...… (5000 chars)"}), so an attacker cannot flood alerts, logs and SIEMs
     * through one field. Allocates only for long values.
     */
    public static String quote(String v) {
        return bound(v, QUOTE_LIMIT);
    }

    public static String bound(String v, int limit) {
        if (v == null || v.length() <= limit) {
            return v;
        }
        int cut = Character.isHighSurrogate(v.charAt(limit - 1)) ? limit - 1 : limit; // never split a pair
        return v.substring(0, cut) + "\u2026 (" + v.length() + " chars)";
    }

    public static boolean eq(String s, String needle) {
        return s != null && s.length() == needle.length() && regionMatches(s, 0, needle, 0, needle.length());
    }

    public static boolean contains(String s, String needle) {
        if (s == null) {
            return false;
        }
        int n = needle.length();
        if (n == 0) {
            return true;
        }
        return contains(s, 0, needle, anchor(needle));
    }

    /**
     * The position of the needle's first ASCII character other than a letter ({@code '.'} of
     * {@code ntds.dit}, {@code '='} of {@code adminCount=1}), or -1. No other character equals it
     * ignoring case, so a match has exactly that character there: {@link #contains(String, int, String, int)}
     * jumps from one occurrence to the next with {@link String#indexOf(int, int)} instead of testing
     * every position.
     */
    public static int anchor(String needle) {
        for (int i = 0; i < needle.length(); i++) {
            char c = needle.charAt(i);
            if (c < 128 && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) {
                return i;
            }
        }
        return -1;
    }

    /**
     * True when {@code s} holds the ASCII {@code needle} (not empty) at or after {@code from},
     * ignoring case; {@code anchor} is {@link #anchor(String) anchor(needle)}. A match starts on one
     * of the two ASCII cases of the needle's first character and continues as
     * {@link #regionMatches} compares.
     */
    public static boolean contains(String s, int from, String needle, int anchor) {
        int n = needle.length();
        int last = s.length() - n;
        char f = lower(needle.charAt(0));
        if (anchor < 0) {
            for (int i = from; i <= last; i++) {
                if (lower(s.charAt(i)) == f && regionMatches(s, i + 1, needle, 1, n - 1)) {
                    return true;
                }
            }
            return false;
        }
        char a = needle.charAt(anchor);
        for (int p = s.indexOf(a, from + anchor); p >= 0; p = s.indexOf(a, p + 1)) {
            int i = p - anchor;
            if (i > last) {
                return false;
            }
            if (lower(s.charAt(i)) == f && regionMatches(s, i + 1, needle, 1, n - 1)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code s.regionMatches(true, from, needle, nFrom, len)} for an ASCII needle, without the
     * Unicode case mapping of both sides per character that the JDK's version does: an ASCII
     * character is folded by a range test. The result is the JDK's for every input (a non-ASCII
     * character of {@code s} goes through the same upper-then-lower test as there).
     */
    public static boolean regionMatches(String s, int from, String needle, int nFrom, int len) {
        if (from < 0 || nFrom < 0 || from > s.length() - len || nFrom > needle.length() - len) {
            return false;
        }
        for (int j = 0; j < len; j++) {
            if (!same(s.charAt(from + j), lower(needle.charAt(nFrom + j)))) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when {@code c} equals the needle character {@code n} (ASCII letters already lower-case)
     * ignoring case as {@link String#regionMatches(boolean, int, String, int, int)} does: equal, or
     * equal upper-case, or equal lower-case of the upper-case (the JDK's rule, kept exactly for
     * non-ASCII characters such as the Kelvin sign, which matches {@code k}).
     */
    public static boolean same(char c, char n) {
        if (c == n) {
            return true;
        }
        if ((c | n) < 128) {
            return lower(c) == n;
        }
        char u1 = Character.toUpperCase(c);
        char u2 = Character.toUpperCase(n);
        return u1 == u2 || Character.toLowerCase(u1) == Character.toLowerCase(u2);
    }

    /** ASCII lower case ({@code A-Z} only; every other character unchanged). */
    public static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    /** True when every character of {@code s} is ASCII (below 128). */
    public static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 128) {
                return false;
            }
        }
        return true;
    }

    public static boolean startsWith(String s, String needle) {
        return s != null && regionMatches(s, 0, needle, 0, needle.length());
    }

    public static boolean endsWith(String s, String needle) {
        return s != null && s.length() >= needle.length()
                && regionMatches(s, s.length() - needle.length(), needle, 0, needle.length());
    }

    /** Index just after the last '\' or '/' (0 when there is none). */
    public static int baseStart(String s) {
        for (int i = s.length() - 1; i >= 0; i--) {
            char c = s.charAt(i);
            if (c == '\\' || c == '/') {
                return i + 1;
            }
        }
        return 0;
    }

    /** True when the last path component equals the needle (case-insensitive): {@code \\srv\ADMIN$} and ADMIN$. */
    public static boolean baseIs(String s, String needle) {
        if (s == null) {
            return false;
        }
        int b = baseStart(s);
        return s.length() - b == needle.length() && regionMatches(s, b, needle, 0, needle.length());
    }

    /** True when the last path component starts with the needle. */
    public static boolean baseStartsWith(String s, String needle) {
        if (s == null) {
            return false;
        }
        int b = baseStart(s);
        return regionMatches(s, b, needle, 0, needle.length());
    }

    /** True when s[from, to) is all ASCII letters and not empty. */
    public static boolean letters(String s, int from, int to) {
        if (from >= to || to > s.length()) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                return false;
            }
        }
        return true;
    }

    /** True when s[from, to) is all ASCII digits and not empty. */
    public static boolean digits(String s, int from, int to) {
        if (from >= to || to > s.length()) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** True when the whole string is n ASCII letters (Impacket's random names). */
    public static boolean randomLetters(String s, int n) {
        return s != null && s.length() == n && letters(s, 0, n);
    }

    /**
     * True when the last component is {@code <8 letters>.<ext>} (Impacket's random file names:
     * psexec's {@code <8>.exe}, atexec's and secretsdump's {@code Temp\<8>.tmp}).
     */
    public static boolean randomFile(String s, String ext) {
        return s != null && randomFile(s, baseStart(s), ext);
    }

    /** {@link #randomFile(String, String)} of a name whose last component starts at {@code b} ({@link #baseStart}). */
    public static boolean randomFile(String s, int b, String ext) {
        return s.length() - b == 8 + ext.length() && endsWith(s, ext) && letters(s, b, b + 8);
    }

    /**
     * True when the last component is an Impacket output file: {@code __output} (smbexec ≤0.12 and
     * the VSS path), {@code __output_<8 letters>} (smbexec ≥0.13), {@code __<epoch>[.frac]} (wmiexec)
     * or {@code __<5 digits>} (dcomexec).
     */
    public static boolean outputFile(String s) {
        return s != null && outputFile(s, baseStart(s));
    }

    /** {@link #outputFile(String)} of a name whose last component starts at {@code b} ({@link #baseStart}). */
    public static boolean outputFile(String s, int b) {
        if (!s.startsWith("__", b)) {
            return false;
        }
        if (regionMatches(s, b + 2, "output", 0, 6)) {
            int end = b + 8;
            return s.length() == end || (s.charAt(end) == '_' && letters(s, end + 1, s.length()));
        }
        int dot = s.indexOf('.', b + 2);
        if (dot < 0) {
            return digits(s, b + 2, s.length()) && s.length() - b - 2 >= 5;
        }
        return digits(s, b + 2, dot) && digits(s, dot + 1, s.length());
    }
}
