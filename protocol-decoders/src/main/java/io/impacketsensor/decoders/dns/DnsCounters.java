package io.impacketsensor.decoders.dns;

/**
 * Counters of one worker's DNS analyzers ({@code proto.dns.*}): plain fields, written by that
 * worker's thread only.
 */
public final class DnsCounters {
    /** Responses read. */
    public long responses;
    /** Of those, answers to a DC locator SRV query (events emitted). */
    public long dcLocatorAnswers;
    public long parserError;
    public long gap;
}
