package io.impacketsensor.decoders.smb2;

import io.impacketsensor.decoders.smb1.Smb1Counters;

/**
 * Counters shared by the SMB analyzers of one worker ({@code proto.smb2.*}): plain fields, written
 * by that worker's thread only.
 */
public final class Smb2Counters {
    long flows;
    long pdus;
    long parserErrors;
    long gaps;
    long skippedFlows;
    long encryptedPdus;
    long smb1Pdus;
    /** The SMB1 decoder's counters ({@code proto.smb1.*}). */
    final Smb1Counters smb1 = new Smb1Counters();
}
