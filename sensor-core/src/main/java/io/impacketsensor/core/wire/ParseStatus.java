package io.impacketsensor.core.wire;

/** What a parser says about the bytes it was given. Never an exception for malformed input. */
public enum ParseStatus {
    /** A whole record was parsed. */
    OK,
    /** The record is not complete yet; call again with more bytes. */
    NEED_MORE,
    /** The bytes are not a valid record; the caller counts an anomaly and skips the flow. */
    ERROR
}
