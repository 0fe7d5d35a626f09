package io.impacketsensor.decoders.dcerpc;

/**
 * Stable anomaly names of the DCE/RPC decoder. The PDU concerned is dropped; a header anomaly also
 * makes that direction resynchronise at the next verifiable header. The association goes on.
 */
public enum DcerpcAnomaly {
    /** Version not 5.0/5.1, unknown connection-oriented PTYPE, or a body shorter than its PDU type needs. */
    MALFORMED_HEADER("dcerpc.malformed_header"),
    /** frag_length smaller than the header or larger than the limit. */
    BAD_FRAG_LENGTH("dcerpc.bad_frag_length"),
    /** auth_length (plus the 8-byte sec_trailer and padding) does not fit in the PDU. */
    BAD_AUTH_LENGTH("dcerpc.bad_auth_length"),
    /** A malformed BIND/ALTER_CONTEXT/ACK body (context list past the PDU). */
    MALFORMED_BIND("dcerpc.malformed_bind"),
    /** More presentation contexts or transfer syntaxes than the limits allow. */
    TOO_MANY_CONTEXTS("dcerpc.too_many_contexts"),
    /** A REQUEST names a context id that no BIND/ALTER_CONTEXT on this connection offered. */
    UNBOUND_CONTEXT("dcerpc.unbound_context"),
    /** A call has more fragments than the limit. */
    TOO_MANY_FRAGMENTS("dcerpc.too_many_fragments"),
    /** A call's stub is larger than the limit. */
    CALL_TOO_LARGE("dcerpc.call_too_large"),
    /** An NDR count or offset points past the stub, or a pointer/union is inconsistent. */
    NDR_MALFORMED("dcerpc.ndr_malformed"),
    /** An NDR conformant array or string is longer than the limit. */
    NDR_LIMIT("dcerpc.ndr_limit"),
    /** Bytes of the stream are missing; the partial PDU was dropped. */
    GAP("dcerpc.gap");

    private final String eventName;

    DcerpcAnomaly(String eventName) {
        this.eventName = eventName;
    }

    /** The name carried by {@code ProtocolAnomaly.name}. */
    public String eventName() {
        return eventName;
    }
}
