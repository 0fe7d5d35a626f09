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
    /** Flows given up: a header section the decoder could not frame, or a protocol switch. */
    public long skippedFlows;
    /** TLS connections on the HTTP ports (443, 5986, or found by probe): encrypted, not inspected. */
    public long tls;
    /** NTLM, Negotiate and Kerberos tokens handed to the token decoder. */
    public long tokens;
}
