package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.decoders.limit.Limit;

/**
 * Limits on everything a DCE/RPC peer controls. Over a limit the analyzer emits a
 * {@link DcerpcAnomaly} and stops analysing the connection (or pipe).
 *
 * @param maxFragLength       largest frag_length accepted (C706 12.6.3.1: u16, so at most 65535;
 *                            Impacket binds with 4280, Windows with 5840)
 * @param maxContexts         presentation contexts remembered per connection (binds + alter contexts)
 * @param maxContextItems     p_cont_elem items in one BIND/ALTER_CONTEXT
 * @param maxTransferSyntaxes transfer syntaxes offered per context item
 * @param maxFragmentsPerCall fragments of one request or response
 * @param maxCallBytes        total stub bytes of one request or response over all fragments
 * @param maxStubDecodeBytes  stub bytes buffered per call for argument decoding; longer stubs are
 *                            skipped by length and their arguments are not decoded (counted)
 * @param maxPendingCalls     call ids awaiting an answer per connection; when full the oldest is
 *                            forgotten (counted), so a one-sided capture does not stop the analysis
 * @param maxNdrArrayCount    elements of one NDR conformant array (lookupsid sends 1000 SIDs)
 * @param maxNdrStringChars   characters of one NDR string (task XML is the longest legitimate one)
 * @param maxDcomStrings      strings kept from one DCOM stub (also: requested IIDs kept from one activation)
 * @param maxTrackedHandles   context handles remembered per connection to name a service or key
 * @param maxDcomObjects      DCOM interface pointers (IPIDs) remembered by the sensor, across connections
 * @param dcomObjectTimeoutSec capture seconds an IPID not used is remembered
 */
public record DcerpcLimits(
        @Limit(min = 16, max = 65535, doc = "largest frag_length accepted (C706 12.6.3.1: u16)") int maxFragLength,
        @Limit(min = 1, max = 1024, doc = "presentation contexts remembered per connection (a table per connection, grown up to this)") int maxContexts,
        @Limit(min = 1, max = 255, doc = "p_cont_elem items in one BIND/ALTER_CONTEXT (u8)") int maxContextItems,
        @Limit(min = 1, max = 255, doc = "transfer syntaxes offered per context item (u8)") int maxTransferSyntaxes,
        @Limit(min = 1, max = 1048576, doc = "fragments of one request or response") int maxFragmentsPerCall,
        @Limit(min = 1, max = 1073741824, doc = "stub bytes of one request or response over all fragments") long maxCallBytes,
        @Limit(min = 0, max = 67108864, doc = "stub bytes buffered per call for argument decoding; longer stubs are skipped by length") int maxStubDecodeBytes,
        @Limit(min = 1, max = 1024, doc = "call ids awaiting an answer per connection (a table per connection, grown up to this); when full the oldest is forgotten") int maxPendingCalls,
        @Limit(min = 1, max = 16777216, doc = "elements of one NDR conformant array") int maxNdrArrayCount,
        @Limit(min = 1, max = 16777216, doc = "characters of one NDR string") int maxNdrStringChars,
        @Limit(min = 0, max = 4096, doc = "strings kept from one DCOM stub (and requested IIDs of one activation)") int maxDcomStrings,
        @Limit(min = 0, max = 1024, doc = "context handles remembered per connection to name a service or key (a table per connection, grown up to this)") int maxTrackedHandles,
        @Limit(min = 0, max = 1048576, doc = "DCOM interface pointers (IPIDs) remembered across connections to name ORPC calls; 0 turns DCOM object tracking off") int maxDcomObjects,
        @Limit(min = 1, max = 604800, doc = "seconds of capture time an IPID that is not used is remembered") int dcomObjectTimeoutSec) {

    /** The defaults documented in docs/dev/protocols/dcerpc.md. */
    public static final DcerpcLimits DEFAULTS = new DcerpcLimits(65535, 64, 32, 8, 4096, 64L << 20,
            128 * 1024, 64, 4096, 65536, 32, 32, 4096, 3600);

    public DcerpcLimits {
        if (maxFragLength < 16 || maxFragLength > 65535 || maxContexts < 1 || maxContextItems < 1
                || maxTransferSyntaxes < 1 || maxFragmentsPerCall < 1 || maxCallBytes < 1
                || maxStubDecodeBytes < 0 || maxPendingCalls < 1 || maxNdrArrayCount < 1
                || maxNdrStringChars < 1 || maxDcomStrings < 0 || maxTrackedHandles < 0 || maxDcomObjects < 0
                || dcomObjectTimeoutSec < 1) {
            throw new IllegalArgumentException("dcerpc limits out of range");
        }
    }

    /** A copy with another DCOM object table size (0 turns tracking off). */
    public DcerpcLimits withMaxDcomObjects(int n) {
        return new DcerpcLimits(maxFragLength, maxContexts, maxContextItems, maxTransferSyntaxes, maxFragmentsPerCall,
                maxCallBytes, maxStubDecodeBytes, maxPendingCalls, maxNdrArrayCount, maxNdrStringChars, maxDcomStrings,
                maxTrackedHandles, n, dcomObjectTimeoutSec);
    }

    /** A copy with another fragment limit (tests shrink limits to trigger them). */
    public DcerpcLimits withMaxFragmentsPerCall(int n) {
        return new DcerpcLimits(maxFragLength, maxContexts, maxContextItems, maxTransferSyntaxes, n, maxCallBytes,
                maxStubDecodeBytes, maxPendingCalls, maxNdrArrayCount, maxNdrStringChars, maxDcomStrings,
                maxTrackedHandles, maxDcomObjects, dcomObjectTimeoutSec);
    }

    /** A copy with another NDR array limit. */
    public DcerpcLimits withMaxNdrArrayCount(int n) {
        return new DcerpcLimits(maxFragLength, maxContexts, maxContextItems, maxTransferSyntaxes, maxFragmentsPerCall,
                maxCallBytes, maxStubDecodeBytes, maxPendingCalls, n, maxNdrStringChars, maxDcomStrings,
                maxTrackedHandles, maxDcomObjects, dcomObjectTimeoutSec);
    }
}
