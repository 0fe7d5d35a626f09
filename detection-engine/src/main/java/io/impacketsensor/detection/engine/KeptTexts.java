package io.impacketsensor.detection.engine;

/**
 * The texts a finding made lately, so that a text built again is given as the String made before:
 * a finding that repeats (a server handing out a fixed NTLM challenge on every connection) builds
 * its indicator in a reused builder and makes a String only when the text is new. A few texts,
 * replaced oldest first. Not thread-safe (one per layer, on the engine's thread).
 */
final class KeptTexts {
    private final String[] texts;
    private int next;

    KeptTexts(int n) {
        this.texts = new String[n];
    }

    /** {@code text} as a String: one kept that reads the same, else a new one, then kept. */
    String of(CharSequence text) {
        for (String t : texts) {
            if (t != null && t.contentEquals(text)) {
                return t;
            }
        }
        String s = text.toString();
        texts[next] = s;
        next = (next + 1) % texts.length;
        return s;
    }
}
