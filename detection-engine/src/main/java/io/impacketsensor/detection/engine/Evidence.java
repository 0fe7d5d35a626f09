package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.Severity;

/**
 * The findings of the layers for one event: reused for every event (the engine is single-threaded),
 * so a benign event allocates nothing here. A finding is an attack type, a confidence, an indicator
 * text and optionally a signature name; chain findings also carry the steps.
 */
public final class Evidence {
    static final int MAX = 32;

    final AttackType[] types = new AttackType[MAX];
    final double[] confidences = new double[MAX];
    final String[] indicators = new String[MAX];
    final String[] signatures = new String[MAX];
    final Severity[] severities = new Severity[MAX];
    int size;
    /** Set by the chain layer: the chains that advanced on this event. */
    final ChainLayer.Progress[] chains = new ChainLayer.Progress[ChainLayer.DEFS.size()];
    int chainCount;
    /** True when the server side of the event is the attacker (an Impacket SMB server's challenge). */
    boolean attackerIsServer;

    void clear() {
        for (int i = 0; i < size; i++) {
            indicators[i] = null;
            signatures[i] = null;
            severities[i] = null;
        }
        size = 0;
        for (int i = 0; i < chainCount; i++) {
            chains[i] = null;
        }
        chainCount = 0;
        attackerIsServer = false;
    }

    /** Adds a finding; findings past {@link #MAX} for one event are dropped. */
    public void add(AttackType type, double confidence, String indicator, String signature) {
        add(type, confidence, indicator, signature, null);
    }

    /** Adds a finding with a severity override (custom signatures). */
    public void add(AttackType type, double confidence, String indicator, String signature, Severity severity) {
        if (size == MAX) {
            return;
        }
        types[size] = type;
        confidences[size] = confidence;
        indicators[size] = Text.bound(indicator, Text.INDICATOR_LIMIT);
        signatures[size] = signature;
        severities[size] = severity;
        size++;
    }

    /** The chain of this attack type that advanced on this event, or null. */
    ChainLayer.Progress chainFor(AttackType type) {
        for (int i = 0; i < chainCount; i++) {
            if (chains[i].def().type() == type) {
                return chains[i];
            }
        }
        return null;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    /** Noisy-OR of the findings of one type: independent evidence adds up without exceeding 1. */
    double combined(AttackType type) {
        double miss = 1.0;
        boolean any = false;
        for (int i = 0; i < size; i++) {
            if (types[i] == type) {
                miss *= 1.0 - confidences[i];
                any = true;
            }
        }
        return any ? 1.0 - miss : 0.0;
    }

    /** True when a finding of this type is present. */
    boolean has(AttackType type) {
        for (int i = 0; i < size; i++) {
            if (types[i] == type) {
                return true;
            }
        }
        return false;
    }
}
