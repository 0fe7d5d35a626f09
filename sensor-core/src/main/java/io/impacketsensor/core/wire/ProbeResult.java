package io.impacketsensor.core.wire;

/** What a protocol probe says about the first bytes of a flow. */
public enum ProbeResult {
    MATCH,
    NEED_MORE,
    NO_MATCH
}
