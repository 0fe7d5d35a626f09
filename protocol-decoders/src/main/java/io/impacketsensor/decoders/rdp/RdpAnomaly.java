package io.impacketsensor.decoders.rdp;

/** Stable names of the RDP anomalies (the {@code name} of a {@code ProtocolAnomaly}). */
public enum RdpAnomaly {
    /** A packet that is neither a TPKT (version 3, RFC 1006 6) nor a TLS record where one was due: the direction is no longer read. */
    BAD_TPKT("rdp.bad_tpkt"),
    /** An X.224 TPDU whose length indicator lies outside the TPKT, or a CR/CC shorter than its fixed part (ISO 8073 13.3.1). */
    MALFORMED_X224("rdp.malformed_x224"),
    /**
     * An RDP_NEG_REQ, RDP_NEG_RSP, RDP_NEG_FAILURE or RDP_NEG_CORRELATION_INFO of the wrong type for
     * its TPDU or whose length field is not the fixed size ([MS-RDPBCGR] 2.2.1.1.1, 2.2.1.2.1).
     */
    MALFORMED_NEGOTIATION("rdp.malformed_negotiation"),
    /** A TLS handshake message whose inner lengths run past it (RFC 5246 7.4, RFC 8446 4). */
    MALFORMED_TLS_HANDSHAKE("rdp.malformed_tls_handshake"),
    /** A TPKT or TLS handshake record over {@link RdpLimits#maxPduLength()}: passed over. */
    PDU_TOO_LONG("rdp.pdu_too_long"),
    /** Bytes missing from the TCP stream: the direction is no longer read. */
    GAP("rdp.gap");

    private final String eventName;

    RdpAnomaly(String eventName) {
        this.eventName = eventName;
    }

    /** The dotted name used in events and output. */
    public String eventName() {
        return eventName;
    }
}
