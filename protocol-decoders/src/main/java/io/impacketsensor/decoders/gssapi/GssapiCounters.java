package io.impacketsensor.decoders.gssapi;

import io.impacketsensor.core.spi.CounterVisitor;

/**
 * Counters of one worker's GSS-API/SPNEGO token sessions, plain fields written by that worker's
 * thread only, reported as {@code proto.gssapi.<name>}.
 */
public final class GssapiCounters {
    /** Tokens handed over by a carrier (SPNEGO, GSS-API KRB5 or raw NTLMSSP). */
    long pdus;
    /** Tokens that did not parse or broke a limit (each also a {@code gssapi.*} anomaly). */
    long parserError;
    /** Tokens whose innermost mechanism token was NTLMSSP. */
    long ntlmssp;
    /** Tokens whose innermost mechanism token was Kerberos. */
    long kerberos;

    public void report(CounterVisitor v) {
        v.counter("proto.gssapi.pdus", pdus);
        v.counter("proto.gssapi.parser_error", parserError);
        v.counter("proto.gssapi.ntlmssp", ntlmssp);
        v.counter("proto.gssapi.kerberos", kerberos);
    }
}
