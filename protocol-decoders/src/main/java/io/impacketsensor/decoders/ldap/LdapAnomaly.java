package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.wire.BerTlv;

/** Stable names of the LDAP anomalies (the {@code name} of a {@code ProtocolAnomaly}). */
public enum LdapAnomaly {
    /** A message whose BER structure does not match RFC 4511's ASN.1. */
    MALFORMED_DATA("ldap.malformed_data"),
    /** A length over 2^31-1, or a message over {@link LdapLimits#maxMessageLength()} that must be decoded. */
    LENGTH_TOO_LONG("ldap.length_too_long"),
    /** The indefinite length form: RFC 4511 5.1 allows only the definite form. */
    INDEFINITE_LENGTH("ldap.indefinite_length"),
    /** BER nesting deeper than {@link LdapLimits#maxDepth()}. */
    DEPTH_EXCEEDED("ldap.ber_depth_exceeded"),
    /** A search filter nested deeper than {@link LdapLimits#maxFilterDepth()}. */
    FILTER_TOO_DEEP("ldap.filter_too_deep"),
    /** A search filter whose text is longer than {@link LdapLimits#maxFilterLength()}. */
    FILTER_TOO_LONG("ldap.filter_too_long"),
    /** A SEQUENCE/SET OF longer than {@link LdapLimits#maxListItems()}. */
    TOO_MANY_ITEMS("ldap.too_many_items"),
    /** More outstanding requests than {@link LdapLimits#maxPending()}. */
    TOO_MANY_PENDING("ldap.too_many_pending"),
    /** Bytes that are not an LDAPMessage where one must start (no SASL layer was negotiated). */
    NOT_LDAP("ldap.not_ldap"),
    /** Bytes missing from the TCP stream: the partial message is dropped and the flow resynchronised. */
    GAP("ldap.gap");

    private final String eventName;

    LdapAnomaly(String eventName) {
        this.eventName = eventName;
    }

    /** The dotted name used in events and output. */
    public String eventName() {
        return eventName;
    }

    /** The anomaly for a {@link BerTlv#error} reason. */
    public static LdapAnomaly ofBerError(int berError) {
        return BerTlv.anomaly(berError, MALFORMED_DATA, LENGTH_TOO_LONG, INDEFINITE_LENGTH, DEPTH_EXCEEDED);
    }
}
