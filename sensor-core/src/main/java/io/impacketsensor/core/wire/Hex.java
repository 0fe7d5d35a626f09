package io.impacketsensor.core.wire;

/** Lower-case hex text, for output of challenges, proofs and GUIDs. */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    public static String encode(byte[] b) {
        return b == null ? "" : encode(b, 0, b.length);
    }

    public static String encode(byte[] b, int off, int len) {
        char[] out = new char[len * 2];
        for (int i = 0; i < len; i++) {
            int v = b[off + i] & 0xFF;
            out[2 * i] = DIGITS[v >>> 4];
            out[2 * i + 1] = DIGITS[v & 0xF];
        }
        return new String(out);
    }

    /** Parses hex text (no separators); throws IllegalArgumentException on bad input (tests and config only). */
    public static byte[] decode(String s) {
        String t = s.replaceAll("\\s+", "");
        if ((t.length() & 1) != 0) {
            throw new IllegalArgumentException("odd number of hex digits");
        }
        byte[] out = new byte[t.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(t.charAt(2 * i), 16);
            int lo = Character.digit(t.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("not a hex digit at " + (2 * i));
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }
}
