package io.impacketsensor.decoders.kerberos;

/**
 * Counters of one worker's Kerberos analyzers and token hook ({@code proto.kerberos.*}): plain
 * fields, written by that worker's thread only.
 */
public final class KerberosCounters {
    public long pdus;
    public long parserError;
    public long gap;
    /** Times a direction found a verifiable message start again (mid-stream pickup, gap, bad framing). */
    public long resyncs;
    public long skippedFlows;
}
