package io.impacketsensor.detection.engine;

import io.impacketsensor.core.collections.LruMap;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.ChainStep;
import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.ChainCatalog;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Layer 3: attack chains — ordered steps per (source, target) within a window. Reaching a later
 * step gives more confidence than any single indicator; the steps seen go into the alert. State is
 * a progress index and the step times per chain per pair, in a bounded LRU map.
 */
final class ChainLayer {

    /**
     * A chain of {@code rules/chains.yaml}: its attack type, name, the positions (each a set of
     * {@link Step}s as a mask), the catalog rule each position raises (null: it only records progress)
     * and its own window in ns (0: the configured one).
     */
    record Def(AttackType type, String name, long[] steps, Rule[] rules, long windowNanos) {
    }

    /** The engine's form of a chain of the catalog: step names resolved to {@link Step} bits. */
    private static Def def(ChainCatalog.Chain c) {
        long[] steps = new long[c.positions().size()];
        Rule[] rules = new Rule[steps.length];
        for (int i = 0; i < steps.length; i++) {
            ChainCatalog.Position p = c.positions().get(i);
            for (String id : p.any()) {
                steps[i] |= Step.byId(id).bit;
            }
            rules[i] = p.rule();
        }
        return new Def(c.type(), c.name(), steps, rules, c.windowSeconds() * 1_000_000_000L);
    }

    private static List<Def> defs() {
        List<Def> out = new ArrayList<>();
        for (ChainCatalog.Chain c : ChainCatalog.builtin().chains()) {
            out.add(def(c));
        }
        return List.copyOf(out);
    }

    /**
     * The steps of one chain seen on one pair, as handed to the engine when the chain advanced. The
     * chain layer reuses one per chain for every event and makes the list of steps only when the
     * decision takes it (a chain of the event's strongest type that is longer than its instance's):
     * most advances stay below the monitor threshold or repeat a chain the instance holds. Read
     * within the event that advanced it; the pair's arrays it reads do not change before then.
     */
    static final class Progress {
        private Def def;
        private long[] times;
        private Step[] matched;
        private int size;
        private List<ChainStep> steps;

        /** A chain whose steps are made already (the coercion chain). */
        Progress(Def def, List<ChainStep> steps) {
            this.def = def;
            this.steps = steps;
            this.size = steps.size();
        }

        private Progress() {
        }

        /** Points this chain's progress at the first {@code size} steps of the pair's arrays. */
        private Progress set(Def def, long[] times, Step[] matched, int size) {
            this.def = def;
            this.times = times;
            this.matched = matched;
            this.size = size;
            this.steps = null;
            return this;
        }

        Def def() {
            return def;
        }

        /** How many steps {@link #steps} has, without making them. */
        int size() {
            return size;
        }

        List<ChainStep> steps() {
            if (steps == null) {
                ChainStep[] s = new ChainStep[size];
                for (int i = 0; i < size; i++) {
                    s[i] = new ChainStep(times[i], matched[i].label);
                }
                steps = List.of(s);
            }
            return steps;
        }
    }

    /**
     * (source, target). The engine thread reuses one instance as a lookup probe; keys stored in the
     * map are fresh copies and never change. IPv4 addresses are compared and hashed by their numbers
     * from the event's header ({@link io.impacketsensor.core.event.EventHeader.Ends} says why); the
     * hash is that of the addresses themselves, so the map holds the same keys in the same places.
     */
    static final class PairKey {
        InetAddress source;
        InetAddress target;
        /** The addresses as numbers, -1 for IPv6 (or no target). */
        long sourceIpv4;
        long targetIpv4;
        int hash;

        PairKey(InetAddress source, long sourceIpv4, InetAddress target, long targetIpv4) {
            set(source, sourceIpv4, target, targetIpv4);
        }

        void set(InetAddress source, long sourceIpv4, InetAddress target, long targetIpv4) {
            this.source = source;
            this.target = target;
            this.sourceIpv4 = sourceIpv4;
            this.targetIpv4 = targetIpv4;
            // Inet4Address.hashCode() is the address: the same hash as the addresses give.
            int hs = sourceIpv4 >= 0 ? (int) sourceIpv4 : java.util.Objects.hashCode(source);
            int ht = targetIpv4 >= 0 ? (int) targetIpv4 : java.util.Objects.hashCode(target);
            this.hash = hs * 31 + ht;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PairKey k && k.hash == hash
                    && (sourceIpv4 >= 0 ? k.sourceIpv4 == sourceIpv4 : k.sourceIpv4 < 0 && k.source.equals(source))
                    && (targetIpv4 >= 0 ? k.targetIpv4 == targetIpv4
                    : k.targetIpv4 < 0 && java.util.Objects.equals(k.target, target));
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private static final class PairState {
        final int[] progress = new int[DEFS.size()];
        final long[][] times = new long[DEFS.size()][];
        final Step[][] matched = new Step[DEFS.size()][];
    }

    /** The chains of {@code rules/chains.yaml} (INDICATORS.md §2), in file order. */
    static final List<Def> DEFS = defs();

    private static final Step[] STEPS = Step.values();
    /** Each chain's first step mask, by chain: a chain not begun on the pair is passed over on these alone. */
    private static final long[] FIRST_STEPS = firstSteps();

    private static long[] firstSteps() {
        long[] out = new long[DEFS.size()];
        for (int c = 0; c < out.length; c++) {
            long[] steps = DEFS.get(c).steps();
            out[c] = steps.length == 0 ? 0 : steps[0]; // a chain without steps is never begun
        }
        return out;
    }

    private final LruMap<PairKey, PairState> pairs;
    private final PairKey probe = new PairKey(null, -1, null, -1);
    private final long windowNanos;
    /** The progress handed to the engine, one per chain, reused for every event. */
    private final Progress[] progress = new Progress[DEFS.size()];
    /** Indicator texts by chain, step position and matched step, filled on first use ({@link #indicator}). */
    private final String[][][] indicators = new String[DEFS.size()][][];

    ChainLayer(int maxPairs, long windowSeconds) {
        this.pairs = new LruMap<>(maxPairs);
        this.windowNanos = windowSeconds * 1_000_000_000L;
        for (int c = 0; c < progress.length; c++) {
            progress[c] = new Progress();
        }
    }

    /**
     * Advances the chains this event is a step of; adds a finding per chain that advanced.
     * {@code sourceIpv4} and {@code targetIpv4} are the addresses as numbers from the event's header
     * ({@link io.impacketsensor.core.event.EventHeader#clientIpv4()}).
     */
    void analyse(long stepMask, InetAddress source, long sourceIpv4, InetAddress target, long targetIpv4, long now,
                 Evidence e) {
        if (stepMask == 0) {
            return;
        }
        probe.set(source, sourceIpv4, target, targetIpv4);
        PairState st = pairs.get(probe);
        if (st == null) {
            st = new PairState();
            pairs.put(new PairKey(source, sourceIpv4, target, targetIpv4), st);
        }
        for (int c = 0; c < FIRST_STEPS.length; c++) {
            int p = st.progress[c];
            if (p == 0 && (stepMask & FIRST_STEPS[c]) == 0) {
                continue; // not begun (nothing to expire) and this event is not its first step
            }
            Def d = DEFS.get(c);
            if (p > 0 && now - st.times[c][0] > (d.windowNanos() > 0 ? d.windowNanos() : windowNanos)) {
                p = 0;
                st.progress[c] = 0;
            }
            if (p == d.steps().length) {
                continue;
            }
            long hit = stepMask & d.steps()[p];
            if (hit == 0) {
                continue;
            }
            if (st.times[c] == null) {
                st.times[c] = new long[d.steps().length];
                st.matched[c] = new Step[d.steps().length];
            }
            st.times[c][p] = now;
            st.matched[c][p] = STEPS[Long.numberOfTrailingZeros(hit)];
            st.progress[c] = p + 1;
            Rule rule = d.rules()[p];
            if (rule == null) {
                // A zero-confidence step (the Impacket client seen, the first service call) only
                // records progress: no finding, no indicator, no chain in this event's alert.
                continue;
            }
            e.add(rule, indicator(c, p, st.matched[c][p]));
            if (e.chainCount < e.chains.length) {
                e.chains[e.chainCount++] = progress[c].set(d, st.times[c], st.matched[c], p + 1);
            }
        }
    }

    /**
     * "Attack chain TYPE step N/M: LABEL" for chain {@code c} advancing to step {@code p} on {@code step}:
     * a handful of texts, each built once on first use instead of on every advance.
     */
    private String indicator(int c, int p, Step step) {
        String[][] byStep = indicators[c];
        if (byStep == null) {
            byStep = new String[DEFS.get(c).steps().length][];
            indicators[c] = byStep;
        }
        String[] texts = byStep[p];
        if (texts == null) {
            texts = new String[STEPS.length];
            byStep[p] = texts;
        }
        String s = texts[step.ordinal()];
        if (s == null) {
            Def d = DEFS.get(c);
            s = "Attack chain " + d.type().id() + " step " + (p + 1) + "/" + d.steps().length + ": " + step.label;
            texts[step.ordinal()] = s;
        }
        return s;
    }

    int size() {
        return pairs.size();
    }
}
