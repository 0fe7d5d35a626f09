package io.impacketsensor.core.testkit;

import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.flow.FlowAnalyzer;

import java.util.List;

/**
 * One analyzer of a factory on a {@link RecordingContext}, fed {@link Step}s as the reassembler
 * would: whether it stayed alive, its events and anomalies, the factory's counters.
 *
 * @param <F> the factory type, so a test keeps its own accessors
 */
public class AnalyzerRun<F extends AnalyzerFactory> {
    public final RecordingContext ctx;
    public final F factory;
    public final FlowAnalyzer analyzer;
    /** False once any {@code onData} answered false (the analyzer gave the flow up). */
    public boolean alive = true;

    public AnalyzerRun(F factory) {
        this(factory, new RecordingContext());
    }

    public AnalyzerRun(F factory, RecordingContext ctx) {
        this.factory = factory;
        this.ctx = ctx;
        this.analyzer = factory.create(ctx);
    }

    public AnalyzerRun<F> feed(List<Step> steps) {
        for (Step st : steps) {
            alive &= analyzer.onData(st.dir(), st.bytes(), 0, st.bytes().length);
        }
        return this;
    }

    public AnalyzerRun<F> close() {
        analyzer.onClose();
        return this;
    }

    /** A counter the factory reports, or -1 when it reports none of that name. */
    public long counter(String name) {
        long[] v = {-1};
        factory.reportCounters((n, x) -> {
            if (n.equals(name)) {
                v[0] = x;
            }
        });
        return v[0];
    }
}
