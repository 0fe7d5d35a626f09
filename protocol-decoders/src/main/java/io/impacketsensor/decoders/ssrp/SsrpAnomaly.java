package io.impacketsensor.decoders.ssrp;

/** Stable names of the SQL Server Resolution Protocol anomalies (the {@code name} of a {@code ProtocolAnomaly}). */
public enum SsrpAnomaly {
    /** A request whose first byte is none of the four client requests ([MC-SQLR] 2.2.1-2.2.4). */
    UNKNOWN_REQUEST("ssrp.unknown_request"),
    /** An INSTANCENAME without its terminating null, or longer than 32 bytes (2.2.3, 2.2.4). */
    BAD_INSTANCE_NAME("ssrp.bad_instance_name"),
    /** A CLNT_UCAST_DAC whose PROTOCOLVERSION is not 1 (2.2.4). */
    BAD_PROTOCOL_VERSION("ssrp.bad_protocol_version"),
    /** A server datagram that is not SVR_RESP (first byte 0x05, 2.2.5). */
    NOT_A_RESPONSE("ssrp.not_a_response"),
    /** A SVR_RESP shorter than its RESP_SIZE says (2.2.5). */
    TRUNCATED("ssrp.truncated");

    private final String eventName;

    SsrpAnomaly(String eventName) {
        this.eventName = eventName;
    }

    /** The dotted name used in events and output. */
    public String eventName() {
        return eventName;
    }
}
