package io.impacketsensor.decoders.ssrp;

/**
 * Counters of one worker's SQL Server Resolution Protocol analyzers ({@code proto.ssrp.*}): plain
 * fields, written by that worker's thread only.
 */
public final class SsrpCounters {
    /** Client requests decoded (events emitted). */
    public long requests;
    /** Server answers decoded (events emitted). */
    public long responses;
    public long parserError;
}
