package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.spi.CounterVisitor;

/**
 * Counters of one worker's DCE/RPC analyzers (TCP and pipes), plain fields written by that worker's
 * thread only, reported as {@code proto.dcerpc.<name>}.
 */
public final class DcerpcCounters {
    long pdus;
    long parserError;
    long gap;
    /** Times a direction found a verifiable PDU header again after a malformed one or a gap. */
    long resyncs;
    long skippedFlows;
    long binds;
    long requests;
    long responses;
    long faults;
    long sealed;
    long stubNotDecoded;
    long pendingEvicted;
    long orphanFragments;
    long expectedPorts;
    /** Requests on a context whose BIND was not seen, named by their pipe ({@link PipeInterfaces}). */
    long interfaceFromEndpoint;
    /** Requests whose calls so far let {@link OpnumInference} name the interface of their context. */
    long interfaceInferred;
    /** Requests on a context whose BIND was not seen and whose interface nothing names. */
    long interfaceUnknown;
    /** ORPC requests whose IPID (object UUID) an earlier DCOM answer handed out. */
    long dcomNamed;
    /** Of those, requests whose context had no BIND seen: named by the IPID alone. */
    long dcomOnlyByIpid;
    /** Requests whose BIND and IPID name different interfaces (the BIND is used). */
    long dcomMismatch;
    /** Cleartext DCOM answers that handed out interface pointers or exporter bindings. */
    long dcomAnswers;

    public void report(CounterVisitor v) {
        v.counter("proto.dcerpc.pdus", pdus);
        v.counter("proto.dcerpc.parser_error", parserError);
        v.counter("proto.dcerpc.gap", gap);
        v.counter("proto.dcerpc.resyncs", resyncs);
        v.counter("proto.dcerpc.skipped_flows", skippedFlows);
        v.counter("proto.dcerpc.binds", binds);
        v.counter("proto.dcerpc.requests", requests);
        v.counter("proto.dcerpc.responses", responses);
        v.counter("proto.dcerpc.faults", faults);
        v.counter("proto.dcerpc.sealed", sealed);
        v.counter("proto.dcerpc.stub_not_decoded", stubNotDecoded);
        v.counter("proto.dcerpc.pending_evicted", pendingEvicted);
        v.counter("proto.dcerpc.orphan_fragments", orphanFragments);
        v.counter("proto.dcerpc.expected_ports", expectedPorts);
        v.counter("proto.dcerpc.interface_endpoint", interfaceFromEndpoint);
        v.counter("proto.dcerpc.interface_inferred", interfaceInferred);
        v.counter("proto.dcerpc.interface_unknown", interfaceUnknown);
        v.counter("proto.dcerpc.dcom_ipid_known", dcomNamed);
        v.counter("proto.dcerpc.dcom_named_by_ipid", dcomOnlyByIpid);
        v.counter("proto.dcerpc.dcom_ipid_mismatch", dcomMismatch);
        v.counter("proto.dcerpc.dcom_answers", dcomAnswers);
    }
}
