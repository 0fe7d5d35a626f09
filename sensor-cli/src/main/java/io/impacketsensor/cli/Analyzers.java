package io.impacketsensor.cli;

import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.Decoders;
import io.impacketsensor.decoders.dcerpc.dcom.DcomObjects;

import java.util.ArrayList;
import java.util.List;

/**
 * The protocol analyzers every decode worker runs, one fresh set per worker (factories keep
 * per-worker counters). The protocol issues register their factories here.
 */
final class Analyzers {
    private Analyzers() {
    }

    static List<AnalyzerFactory> forWorker(int worker) {
        return forWorker(worker, DecoderConfig.defaults());
    }

    /** With the decoder limits of the configuration ({@code decoders.*}). */
    static List<AnalyzerFactory> forWorker(int worker, DecoderConfig decoders) {
        return forWorker(worker, decoders, Decoders.dcomObjects(decoders));
    }

    /** With the pipeline's DCOM object table, shared by all its workers. */
    static List<AnalyzerFactory> forWorker(int worker, DecoderConfig decoders, DcomObjects dcom) {
        List<AnalyzerFactory> list = new ArrayList<>(Decoders.forWorker(decoders, dcom));
        return list;
    }
}
