package io.impacketsensor.detection.rules;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-event text tests fold ASCII by a range test instead of the JDK's Unicode case mapping of
 * both sides; they must answer exactly as {@link String#regionMatches(boolean, int, String, int, int)}
 * does, including the non-ASCII characters the JDK folds onto ASCII letters (synthetic strings).
 */
class TextTest {
    /** Characters whose JDK case folding meets an ASCII letter (Kelvin sign, dotless i, long s, dotted I) and others. */
    private static final String ALPHABET = "aAbBiIkKsSzZ09_=\\$.(*)\u212A\u0131\u017F\u0130\u00E9\u00C9\u00DF\u00FF\u0178\u00B5"
            + "\u039C\uD801\uDC00\uD801\uDC28";
    private static final String[] NEEDLES = {"k", "IS", "admin$", "=Domain Admins)", "ntds.dit", "\\PIPE\\", "ss", "zz",
        "(sAMAccountName=*)", "i", "S", "_a", "$"};

    @Test
    void regionMatchesAnswersAsTheJdkForAsciiNeedles() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int round = 0; round < 20_000; round++) {
            String s = random(rnd, rnd.nextInt(12));
            String needle = NEEDLES[rnd.nextInt(NEEDLES.length)];
            for (int from = -1; from <= s.length() + 1; from++) {
                for (int nFrom = -1; nFrom <= 1; nFrom++) {
                    int len = Math.max(0, needle.length() - Math.max(nFrom, 0));
                    assertEquals(s.regionMatches(true, from, needle, nFrom, len), Text.regionMatches(s, from, needle, nFrom, len),
                            () -> "'" + s + "' '" + needle + "'");
                }
            }
            assertEquals(s.equalsIgnoreCase(needle), Text.eq(s, needle));
            assertEquals(s.regionMatches(true, 0, needle, 0, needle.length()), Text.startsWith(s, needle));
            assertEquals(s.length() >= needle.length() && s.regionMatches(true, s.length() - needle.length(), needle, 0,
                    needle.length()), Text.endsWith(s, needle));
            assertEquals(oldContains(s, 0, needle), Text.contains(s, needle), () -> "'" + s + "' contains '" + needle + "'");
            for (int from = 0; from <= s.length(); from++) {
                int at = from;
                assertEquals(oldContains(s, from, needle), Text.contains(s, from, needle, Text.anchor(needle)),
                        () -> "'" + s + "' from " + at + " contains '" + needle + "'");
                assertEquals(oldContains(s, from, needle), Text.contains(s, from, needle, -1));
            }
        }
    }

    @Test
    void foldingMeetsTheJdksNonAsciiCases() {
        // The JDK matches the Kelvin sign to k and the dotless i to I; a plain ASCII fold would not.
        assertTrue(Text.regionMatches("\u212A", 0, "k", 0, 1));
        assertTrue(Text.eq("\u0131s", "IS"));
        assertTrue(Text.eq("ADMIN$", "admin$"));
        assertFalse(Text.eq("\u00E9", "e"));
        // A match is only started by an ASCII case of the needle's first character.
        assertFalse(Text.contains("\u212Aerberos", "kerberos"));
        assertTrue(Text.contains("x\u212Aerberos kerberos", "kerberos"));
    }

    /**
     * The anchored search relies on this: no character but an ASCII non-letter itself equals it
     * ignoring case, in the JDK's comparison.
     */
    @Test
    void anAsciiNonLetterEqualsOnlyItselfIgnoringCase() {
        for (char x = 0; x < 128; x++) {
            if (Text.anchor(String.valueOf(x)) != 0) {
                continue; // a letter
            }
            for (int c = 0; c <= Character.MAX_VALUE; c++) {
                if (c != x) {
                    assertFalse(String.valueOf((char) c).regionMatches(true, 0, String.valueOf(x), 0, 1), (int) x + " " + c);
                }
            }
        }
        assertEquals(4, Text.anchor("ntds.dit"));
        assertEquals(-1, Text.anchor("vssadmin"));
    }

    /** The search as written before: first character in its two ASCII cases, then the JDK's regionMatches. */
    private static boolean oldContains(String s, int from, String needle) {
        int n = needle.length();
        if (n == 0) {
            return true;
        }
        char c0 = needle.charAt(0);
        char lo = c0 >= 'A' && c0 <= 'Z' ? (char) (c0 + 32) : c0;
        char up = c0 >= 'a' && c0 <= 'z' ? (char) (c0 - 32) : c0;
        for (int i = from, last = s.length() - n; i <= last; i++) {
            char c = s.charAt(i);
            if ((c == lo || c == up) && s.regionMatches(true, i + 1, needle, 1, n - 1)) {
                return true;
            }
        }
        return false;
    }

    private static String random(SplittableRandom rnd, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(4) == 0) {
                String needle = NEEDLES[rnd.nextInt(NEEDLES.length)]; // plant a needle, sometimes case-flipped
                b.append(rnd.nextBoolean() ? needle : needle.toUpperCase(java.util.Locale.ROOT));
            } else {
                b.append(ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
            }
        }
        return b.toString();
    }
}
