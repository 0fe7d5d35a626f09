package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.flow.FlowContext;

/**
 * The per-association tables of a {@link DcerpcAnalyzer} (presentation contexts, outstanding calls,
 * the call being reassembled in each direction), kept by the decode worker for the next
 * association once one ends: a replay opens a DCE/RPC association every few dozen packets (every
 * endpoint-mapper connection, every named pipe), and making them new each time was a fifth of the
 * worker's allocation. The {@link Pool} also keeps the analyzers themselves
 * ({@link DcerpcAnalyzer#reuse}). Only the worker's own thread takes and gives them back
 * (factories are per worker); a table given back answers exactly as a new one
 * ({@link ContextTable#clear}, {@link CallTable#clear}).
 */
final class AssociationTables {
    final ContextTable contexts;
    final CallTable calls;
    final CallAssembly[] assembly;
    /**
     * A BIND_ACK's results and accepted syntaxes ({@link DcerpcLimits#maxContextItems()} each), made at
     * the first one; only the entries the ack holds are read, so what a previous ack left is inert.
     */
    int[] ackResults;
    int[] ackReasons;
    boolean[] ackNdr64;

    private AssociationTables(DcerpcLimits limits, FlowContext ctx) {
        this.contexts = new ContextTable(limits.maxContexts());
        this.calls = new CallTable(limits.maxPendingCalls());
        this.assembly = new CallAssembly[] {new CallAssembly(ctx), new CallAssembly(ctx)};
    }

    /** New tables, for an analyzer without a pool. */
    static AssociationTables create(DcerpcLimits limits, FlowContext ctx) {
        return new AssociationTables(limits, ctx);
    }

    /**
     * The tables and analyzers kept by one decode worker; bounded, what is given back beyond the
     * bound is dropped.
     */
    static final class Pool {
        /** Enough for the associations a worker ends between two that start; more only holds memory. */
        static final int MAX_KEPT = 64;
        private final DcerpcLimits limits;
        private final AssociationTables[] kept = new AssociationTables[MAX_KEPT];
        private int size;
        private final DcerpcAnalyzer[] analyzers = new DcerpcAnalyzer[MAX_KEPT];
        private int analyzerCount;
        /** The recent BIND contexts of the worker's associations. */
        final BindContexts binds = new BindContexts();

        Pool(DcerpcLimits limits) {
            this.limits = limits;
        }

        /** Tables for a new association on {@code ctx}: kept ones when there are, else new. */
        AssociationTables take(FlowContext ctx) {
            if (size == 0) {
                return new AssociationTables(limits, ctx);
            }
            AssociationTables t = kept[--size];
            kept[size] = null;
            t.assembly[0].reuse(ctx);
            t.assembly[1].reuse(ctx);
            return t;
        }

        /** The tables of an association that ended (its analyzer no longer uses them). */
        void give(AssociationTables t) {
            if (size == MAX_KEPT) {
                return;
            }
            t.contexts.clear();
            t.calls.clear();
            kept[size++] = t;
        }

        /**
         * An analyzer for a new association on {@code ctx}: one that ended, made as new
         * ({@link DcerpcAnalyzer#reuse}), or null when none is kept.
         */
        DcerpcAnalyzer analyzer(FlowContext ctx, String namedPipe) {
            if (analyzerCount == 0) {
                return null;
            }
            DcerpcAnalyzer a = analyzers[--analyzerCount];
            analyzers[analyzerCount] = null;
            a.reuse(ctx, namedPipe);
            return a;
        }

        /** An analyzer whose association ended (after its {@link DcerpcAnalyzer#onClose}). */
        void give(DcerpcAnalyzer a) {
            if (analyzerCount < MAX_KEPT) {
                analyzers[analyzerCount++] = a;
            }
        }

        /** Analyzers kept now (tests). */
        int analyzers() {
            return analyzerCount;
        }

        /** Tables kept now (tests). */
        int size() {
            return size;
        }
    }
}
