package io.impacketsensor.detection.model;

/**
 * Result of analysing one event.
 *
 * @param attack   true when the action is {@link Action#ALERT} or {@link Action#BLOCK} (confidence
 *                 at or above the alert threshold after the allow-list)
 * @param analysis the details ({@link Analysis#NONE} when nothing matched)
 */
public record AnalysisResult(boolean attack, Analysis analysis) {

    /** The result of an event nothing matched (shared, immutable). */
    public static final AnalysisResult BENIGN = new AnalysisResult(false, Analysis.NONE);

    /** True when the event is (part of) an attack: action alert or block. */
    public boolean isAttack() {
        return attack;
    }
}
