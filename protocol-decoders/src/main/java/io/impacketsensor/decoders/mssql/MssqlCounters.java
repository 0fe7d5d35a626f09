package io.impacketsensor.decoders.mssql;

/**
 * Counters of one worker's TDS analyzers ({@code proto.mssql.*}): plain fields, written by that
 * worker's thread only.
 */
public final class MssqlCounters {
    /** TDS messages read. */
    public long pdus;
    public long parserError;
    public long gap;
    public long skippedFlows;
    /** Connections encrypted for their whole life (ENCRYPT_ON/REQ, or TDS 8.0): not inspected. */
    public long encrypted;
    /** Logins whose LOGIN7 was TLS-protected (login-only encryption): the rest was read. */
    public long encryptedLogins;
    public long logins;
    public long batches;
}
