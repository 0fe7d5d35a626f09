package io.impacketsensor.detection.model;

/**
 * Severity classes of the specification with their score range: critical 10, high 8–9,
 * medium 5–7, low 1–4. {@link #eveSeverity()} is Suricata's {@code alert.severity} (1 highest).
 */
public enum Severity {
    LOW(1, 4, 4), MEDIUM(5, 7, 3), HIGH(8, 9, 2), CRITICAL(10, 10, 1);

    private final int minScore;
    private final int maxScore;
    private final int eveSeverity;
    /** Made once: every alert written quotes it. */
    private final String id = name().toLowerCase(java.util.Locale.ROOT);

    Severity(int minScore, int maxScore, int eveSeverity) {
        this.minScore = minScore;
        this.maxScore = maxScore;
        this.eveSeverity = eveSeverity;
    }

    /** The class a 1–10 score belongs to. */
    public static Severity ofScore(int score) {
        if (score >= 10) {
            return CRITICAL;
        }
        if (score >= 8) {
            return HIGH;
        }
        return score >= 5 ? MEDIUM : LOW;
    }

    public int minScore() {
        return minScore;
    }

    public int maxScore() {
        return maxScore;
    }

    /** EVE {@code alert.severity}: 1 critical, 2 high, 3 medium, 4 low. */
    public int eveSeverity() {
        return eveSeverity;
    }

    /** Lower-case name used in output. */
    public String id() {
        return id;
    }
}
