package io.impacketsensor.decoders.mssql;

/** Stable names of the TDS anomalies (the {@code name} of a {@code ProtocolAnomaly}). */
public enum MssqlAnomaly {
    /** A packet header of an unknown type or with a length under 8 (MS-TDS 2.2.3.1): the direction resynchronises. */
    BAD_PACKET("mssql.bad_packet"),
    /** A login message gathered from its packets over {@link MssqlLimits#maxMessageLength()}: passed over. */
    MESSAGE_TOO_LONG("mssql.message_too_long"),
    /**
     * A PRELOGIN option table that runs past the message, or an option that lies outside it (MS-TDS
     * 2.2.6.5); the options inside are still read.
     */
    MALFORMED_PRELOGIN("mssql.malformed_prelogin"),
    /** A LOGIN7 whose length or variable fields lie outside the message (MS-TDS 2.2.6.4). */
    MALFORMED_LOGIN7("mssql.malformed_login7"),
    /** A login response token that runs past the end of the message (MS-TDS 2.2.7). */
    MALFORMED_TOKEN("mssql.malformed_token"),
    /** Bytes missing from the TCP stream: the direction waits for the next packet start. */
    GAP("mssql.gap");

    private final String eventName;

    MssqlAnomaly(String eventName) {
        this.eventName = eventName;
    }

    /** The dotted name used in events and output. */
    public String eventName() {
        return eventName;
    }
}
