package io.impacketsensor.decoders.smb2;

/**
 * Counters of one worker's SMB2 analyzers ({@code proto.smb2.*}, with the framing's): plain fields,
 * written by that worker's thread only.
 */
public final class Smb2Counters {
    long parserErrors;
    long encryptedPdus;
    long latePipes;

    /** Anomalies counted, the NBSS framing's included. */
    public long parserErrors() {
        return parserErrors;
    }

    /** TRANSFORM and compression headers (MS-SMB2 2.2.41, 2.2.42). */
    public long encryptedPdus() {
        return encryptedPdus;
    }

    /**
     * Opens no captured CREATE made, taken as named pipes because the data read or written on them
     * is a verified DCE/RPC PDU ({@link Smb2Pipes#rpcPdu}): a connection picked up mid-session.
     */
    public long latePipes() {
        return latePipes;
    }
}
