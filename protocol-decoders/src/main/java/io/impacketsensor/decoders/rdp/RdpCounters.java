package io.impacketsensor.decoders.rdp;

/**
 * Counters of one worker's RDP analyzers ({@code proto.rdp.*}): plain fields, written by that
 * worker's thread only.
 */
public final class RdpCounters {
    /** TPKTs and TLS handshake records read. */
    public long pdus;
    public long parserError;
    public long gap;
    public long skippedFlows;
    /** Connections whose TLS handshake began (the encrypted rest is not inspected). */
    public long tls;
    /** Connection Confirms refusing the request with an RDP_NEG_FAILURE. */
    public long negotiationFailures;
}
