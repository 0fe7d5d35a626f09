package io.impacketsensor.decoders.kerberos;

import io.impacketsensor.core.wire.BerTlv;

/** Stable names of the Kerberos anomalies (the {@code name} of a {@code ProtocolAnomaly}). */
public enum KerberosAnomaly {
    /** A message whose DER structure does not match RFC 4120's ASN.1. */
    MALFORMED_DATA("kerberos.malformed_data"),
    /** A message whose DER length runs past the end of its record or datagram. */
    TRUNCATED("kerberos.truncated"),
    /** A BER length over {@link KerberosLimits#maxMessageLength()} or over 2^31-1. */
    LENGTH_TOO_LONG("kerberos.length_too_long"),
    /** The indefinite length form, which DER forbids (X.690 10.1, RFC 4120 5.1). */
    INDEFINITE_LENGTH("kerberos.indefinite_length"),
    /** BER nesting deeper than {@link KerberosLimits#maxDepth()}. */
    DEPTH_EXCEEDED("kerberos.ber_depth_exceeded"),
    /** A TCP record mark over the message limit or with the reserved high bit set (RFC 4120 7.2.2). */
    RECORD_TOO_LONG("kerberos.record_too_long"),
    /** An application tag that is not a Kerberos message on port 88. */
    UNKNOWN_MESSAGE("kerberos.unknown_message"),
    /** A SEQUENCE OF longer than {@link KerberosLimits#maxListItems()}. */
    TOO_MANY_ITEMS("kerberos.too_many_items"),
    /** More requests waiting for replies than {@link KerberosLimits#maxPendingRequests()}. */
    TOO_MANY_PENDING("kerberos.too_many_pending"),
    /** Bytes missing from the TCP stream: the partial record is dropped. */
    GAP("kerberos.gap");

    private final String eventName;

    KerberosAnomaly(String eventName) {
        this.eventName = eventName;
    }

    /** The dotted name used in events and output. */
    public String eventName() {
        return eventName;
    }

    /** The anomaly for a {@link BerTlv#error} reason. */
    public static KerberosAnomaly ofBerError(int berError) {
        return BerTlv.anomaly(berError, MALFORMED_DATA, LENGTH_TOO_LONG, INDEFINITE_LENGTH, DEPTH_EXCEEDED);
    }
}
