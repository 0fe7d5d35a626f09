package io.impacketsensor.decoders.ldap;

/**
 * Counters of one worker's LDAP analyzers ({@code proto.ldap.*}): plain fields, written by that
 * worker's thread only.
 */
public final class LdapCounters {
    public long pdus;
    public long parserError;
    public long gap;
    public long skippedFlows;
}
