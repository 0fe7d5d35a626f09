package io.impacketsensor.decoders.gssapi;

/** Stable names of GSS-API/SPNEGO anomalies (reported as {@code ProtocolAnomaly.name}). */
public enum GssapiAnomaly {
    /** DER that does not parse as the SPNEGO grammar of RFC 4178 4.2, or a length past the token. */
    MALFORMED_TOKEN("gssapi.malformed_token"),
    /** A token over {@link GssapiLimits#maxTokenSize()}. */
    TOKEN_TOO_LARGE("gssapi.token_too_large"),
    /** GSS framing nested deeper than {@link GssapiLimits#maxDepth()}. */
    TOO_DEEP("gssapi.too_deep"),
    /** More mechTypes than {@link GssapiLimits#maxMechTypes()}. */
    TOO_MANY_MECHS("gssapi.too_many_mechs");

    private final String eventName;

    GssapiAnomaly(String eventName) {
        this.eventName = eventName;
    }

    public String eventName() {
        return eventName;
    }
}
