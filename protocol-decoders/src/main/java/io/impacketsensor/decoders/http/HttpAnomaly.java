package io.impacketsensor.decoders.http;

/** Stable names of the HTTP anomalies (the {@code name} of a {@code ProtocolAnomaly}). */
public enum HttpAnomaly {
    /** A header section longer than {@link HttpLimits#maxHeaderBytes()}: the flow is skipped. */
    HEADER_TOO_LONG("http.header_too_long"),
    /** More header fields than {@link HttpLimits#maxHeaderFields()}: the flow is skipped. */
    TOO_MANY_FIELDS("http.too_many_fields"),
    /** A request line or status line not of RFC 9112 3 / 4 grammar: the flow is skipped. */
    MALFORMED_START_LINE("http.malformed_start_line"),
    /** A field line without a colon or with whitespace before it (RFC 9112 5.1): the flow is skipped. */
    MALFORMED_FIELD("http.malformed_field"),
    /**
     * A Content-Length that is not a number, or several that differ, or a request Transfer-Encoding
     * that does not end in chunked (RFC 9112 6.3): the message cannot be framed, the flow is skipped.
     */
    BAD_FRAMING("http.bad_framing"),
    /** A chunk-size line that is not hexadecimal, or a chunk not followed by CRLF (RFC 9112 7.1): the flow is skipped. */
    BAD_CHUNK("http.bad_chunk"),
    /** An NTLM or Negotiate credential that is not base64 or decodes to more than {@link HttpLimits#maxTokenBytes()}. */
    BAD_TOKEN("http.bad_auth_token"),
    /** More requests waiting for responses than {@link HttpLimits#maxPending()}: the oldest is reported unanswered. */
    TOO_MANY_PENDING("http.too_many_pending"),
    /** Bytes missing from the TCP stream: the direction waits for the next message start. */
    GAP("http.gap");

    private final String eventName;

    HttpAnomaly(String eventName) {
        this.eventName = eventName;
    }

    /** The dotted name used in events and output. */
    public String eventName() {
        return eventName;
    }
}
