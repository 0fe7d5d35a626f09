package io.impacketsensor.decoders.ntlmssp;

/** Stable names of NTLMSSP anomalies (reported as {@code ProtocolAnomaly.name}). */
public enum NtlmsspAnomaly {
    /** Shorter than its fixed part, or an unknown MessageType. */
    MALFORMED_MESSAGE("ntlmssp.malformed_message"),
    /** An offset/length field points outside the message (MS-NLMP 2.2.1: every payload field). */
    FIELD_OUT_OF_BOUNDS("ntlmssp.field_out_of_bounds"),
    /** A message larger than {@link NtlmsspLimits#maxMessageSize()}. */
    MESSAGE_TOO_LARGE("ntlmssp.message_too_large"),
    /** More AV pairs than {@link NtlmsspLimits#maxAvPairs()}, or an AV pair running past its blob. */
    MALFORMED_AV_PAIRS("ntlmssp.malformed_av_pairs");

    private final String eventName;

    NtlmsspAnomaly(String eventName) {
        this.eventName = eventName;
    }

    /** The dotted name used in events and counters. */
    public String eventName() {
        return eventName;
    }
}
