package io.impacketsensor.decoders.smb;

import io.impacketsensor.decoders.smb1.Smb1Counters;
import io.impacketsensor.decoders.smb2.Smb2Counters;

/**
 * Counters of one worker's SMB analyzers: plain fields, written by that worker's thread only. The
 * framing's keep the {@code proto.smb2.*} names they are exported under.
 */
final class SmbCounters {
    /** Connections (port 445 or 139). */
    long flows;
    /** NBSS session messages handed to an SMB analyzer. */
    long pdus;
    /** Gaps reported by the flow layer. */
    long gaps;
    /** Times a direction found a verifiable NBSS length + SMB protocol id again (mid-stream pickup, gap, bad framing). */
    long resyncs;
    /** Connections no longer analysed. */
    long skippedFlows;
    /** Messages with the SMB1 protocol id. */
    long smb1Pdus;
    /** The SMB1 analyzers' counters ({@code proto.smb1.*}). */
    final Smb1Counters smb1 = new Smb1Counters();
    /** The SMB2 analyzers' counters, framing errors included ({@code proto.smb2.*}). */
    final Smb2Counters smb2 = new Smb2Counters();
}
