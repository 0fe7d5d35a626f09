package io.impacketsensor.decoders.smb1;

/**
 * Counters of one worker's SMB1 analyzers ({@code proto.smb1.*}): plain fields, written by that
 * worker's thread only.
 */
public final class Smb1Counters {
    long pdus;
    long parserErrors;
    long skippedFlows;

    public long pdus() {
        return pdus;
    }

    public long parserErrors() {
        return parserErrors;
    }

    public long skippedFlows() {
        return skippedFlows;
    }
}
