package io.impacketsensor.decoders.http;

/**
 * Counters of one worker's HTTP analyzers ({@code proto.http.*}): plain fields, written by that
 * worker's thread only.
 */
public final class HttpCounters {
    /** Requests and responses read. */
    public long pdus;
    public long parserError;
    public long gap;
    /** Flows given up: a header section the decoder could not frame, a protocol switch, or TLS on another port. */
    public long skippedFlows;
    /** TLS connections on 443 and 5986: encrypted, not inspected. */
    public long tls;
    /** NTLM, Negotiate and Kerberos tokens handed to the token decoder. */
    public long tokens;
}
