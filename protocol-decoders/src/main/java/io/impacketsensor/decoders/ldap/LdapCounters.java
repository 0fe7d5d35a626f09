package io.impacketsensor.decoders.ldap;

/**
 * Counters of one worker's LDAP analyzers ({@code proto.ldap.*}): plain fields, written by that
 * worker's thread only.
 */
public final class LdapCounters {
    public long pdus;
    public long parserError;
    public long gap;
    /** Times a direction found a verifiable message start again (mid-stream pickup, gap, bad framing). */
    public long resyncs;
    public long skippedFlows;
}
