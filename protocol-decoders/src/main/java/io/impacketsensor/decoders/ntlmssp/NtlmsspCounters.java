package io.impacketsensor.decoders.ntlmssp;

import io.impacketsensor.core.spi.CounterVisitor;

/**
 * Counters of one worker's NTLMSSP messages (MS-NLMP 2.2.1), from every carrier, plain fields
 * written by that worker's thread only, reported as {@code proto.ntlmssp.<name>}. The LM/NTLM
 * responses of SMB1 logins without extended security are not NTLMSSP messages: SMB1 counts them.
 */
public final class NtlmsspCounters {
    /** NTLMSSP messages decoded. */
    long pdus;
    /** Messages that did not parse (each also an {@code ntlmssp.*} anomaly). */
    long parserError;
    /** AUTHENTICATE messages among {@link #pdus}: the NTLM logins seen. */
    long authenticate;

    public void report(CounterVisitor v) {
        v.counter("proto.ntlmssp.pdus", pdus);
        v.counter("proto.ntlmssp.parser_error", parserError);
        v.counter("proto.ntlmssp.authenticate", authenticate);
    }
}
