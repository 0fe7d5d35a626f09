package io.impacketsensor.decoders.dns;

/** Stable names of the DNS anomalies (the {@code name} of a {@code ProtocolAnomaly}). */
public enum DnsAnomaly {
    /** A DC locator answer whose records run past the end of the message (RFC 1035 4.1). */
    TRUNCATED("dns.truncated"),
    /** A name with a forward pointer, a reserved label type or over 255 bytes (RFC 1035 2.3.4, 4.1.4). */
    MALFORMED_NAME("dns.malformed_name"),
    /** A DC locator answer with more records than {@link DnsLimits#maxRecords()}: the rest are not read. */
    TOO_MANY_RECORDS("dns.too_many_records"),
    /** A TCP message longer than {@link DnsLimits#maxMessageLength()}: passed over. */
    MESSAGE_TOO_LONG("dns.message_too_long"),
    /** Bytes missing from the TCP stream: the direction is no longer read. */
    GAP("dns.gap");

    private final String eventName;

    DnsAnomaly(String eventName) {
        this.eventName = eventName;
    }

    /** The dotted name used in events and output. */
    public String eventName() {
        return eventName;
    }
}
