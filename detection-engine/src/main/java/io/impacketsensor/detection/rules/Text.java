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
        return s != null && s.equalsIgnoreCase(needle);
    }

    public static boolean contains(String s, String needle) {
        if (s == null) {
            return false;
        }
        int n = needle.length();
        if (n == 0) {
            return true;
        }
        // Scan for the first character (ASCII case folded) and only then compare the region: one
        // char comparison per position instead of a regionMatches call.
        char lo = lower(needle.charAt(0));
        char up = upper(needle.charAt(0));
        for (int i = 0, last = s.length() - n; i <= last; i++) {
            char c = s.charAt(i);
            if ((c == lo || c == up) && s.regionMatches(true, i + 1, needle, 1, n - 1)) {
                return true;
            }
        }
        return false;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    private static char upper(char c) {
        return c >= 'a' && c <= 'z' ? (char) (c - 32) : c;
    }

    public static boolean startsWith(String s, String needle) {
        return s != null && s.regionMatches(true, 0, needle, 0, needle.length());
    }

    public static boolean endsWith(String s, String needle) {
        return s != null && s.length() >= needle.length()
                && s.regionMatches(true, s.length() - needle.length(), needle, 0, needle.length());
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
        return s.length() - b == needle.length() && s.regionMatches(true, b, needle, 0, needle.length());
    }

    /** True when the last path component starts with the needle. */
    public static boolean baseStartsWith(String s, String needle) {
        if (s == null) {
            return false;
        }
        int b = baseStart(s);
        return s.regionMatches(true, b, needle, 0, needle.length());
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
        if (s == null) {
            return false;
        }
        int b = baseStart(s);
        return s.length() - b == 8 + ext.length() && letters(s, b, b + 8) && endsWith(s, ext);
    }

    /**
     * True when the last component is an Impacket output file: {@code __output} (smbexec ≤0.12 and
     * the VSS path), {@code __output_<8 letters>} (smbexec ≥0.13), {@code __<epoch>[.frac]} (wmiexec)
     * or {@code __<5 digits>} (dcomexec).
     */
    public static boolean outputFile(String s) {
        if (s == null) {
            return false;
        }
        int b = baseStart(s);
        if (!s.startsWith("__", b)) {
            return false;
        }
        if (s.regionMatches(true, b + 2, "output", 0, 6)) {
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
