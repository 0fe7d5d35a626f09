package io.impacketsensor.detection.model;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Result of analysing one event: whether it is (part of) an attack, and the details.
 *
 * <p>The details of an event below the monitor threshold are built when first asked for: the packet
 * pipeline reads only {@link #isAttack()} and the alerts, so the many log-level findings of a busy
 * network cost one small object each instead of a full {@link Analysis}. Immutable and safe to share
 * between threads: a detail built twice by two threads is built from the same values.
 */
public final class AnalysisResult {

    /** The result of an event nothing matched (shared, immutable). */
    public static final AnalysisResult BENIGN = new AnalysisResult(false, Analysis.NONE);

    private final boolean attack;
    /** Built on first use from {@link #details} when the result was made {@link #deferred}. */
    private Analysis analysis;
    private final Supplier<Analysis> details;

    /**
     * @param attack   true when the action is {@link Action#ALERT} or {@link Action#BLOCK} (confidence
     *                 at or above the alert threshold after the allow-list)
     * @param analysis the details ({@link Analysis#NONE} when nothing matched)
     */
    public AnalysisResult(boolean attack, Analysis analysis) {
        this.attack = attack;
        this.analysis = Objects.requireNonNull(analysis, "analysis");
        this.details = null;
    }

    private AnalysisResult(boolean attack, Supplier<Analysis> details) {
        this.attack = attack;
        this.details = details;
    }

    /**
     * A result whose details are built by {@code details} when first read; {@code details} must hold
     * its own copy of what it reads and give the same answer on every call.
     */
    public static AnalysisResult deferred(boolean attack, Supplier<Analysis> details) {
        return new AnalysisResult(attack, Objects.requireNonNull(details, "details"));
    }

    /** True when the event is (part of) an attack: action alert or block. */
    public boolean attack() {
        return attack;
    }

    /** True when the event is (part of) an attack: action alert or block. */
    public boolean isAttack() {
        return attack;
    }

    /** The details ({@link Analysis#NONE} when nothing matched). */
    public Analysis analysis() {
        Analysis a = analysis;
        if (a == null) {
            // Analysis is immutable (final fields), so a racing second build is harmless, as with String.hash.
            a = details.get();
            analysis = a;
        }
        return a;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof AnalysisResult r && r.attack == attack && r.analysis().equals(analysis());
    }

    @Override
    public int hashCode() {
        return 31 * Boolean.hashCode(attack) + analysis().hashCode();
    }

    @Override
    public String toString() {
        return "AnalysisResult[attack=" + attack + ", analysis=" + analysis() + "]";
    }
}
