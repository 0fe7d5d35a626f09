package io.impacketsensor.decoders.smb2;

import io.impacketsensor.decoders.limit.Limit;

/**
 * Limits on what an SMB2 peer controls ({@code decoders.smb2}; the NBSS framing's are
 * {@code decoders.smb}). Over a limit the analyzer reports an {@link Smb2Anomaly} and drops what
 * is over it; the connection goes on.
 *
 * @param maxBufferedPdu         bytes of one non-bulk PDU kept for parsing (a compound or a CREATE
 *                               with contexts); the rest of a longer PDU is skipped unparsed, no anomaly
 * @param maxCompoundDepth       commands in one compound chain (MS-SMB2 3.2.4.1.4)
 * @param maxOpenFilesPerSession open files tracked per session
 * @param maxTreesPerSession     connected trees tracked per session
 * @param maxSessions            sessions tracked per connection
 * @param maxPendingRequests     requests awaiting their response per connection
 * @param maxPipeBuffer          bytes of one pipe message buffered for the pipe consumer (an IOCTL
 *                               FSCTL_PIPE_TRANSCEIVE, or pipe data inside a compound)
 * @param maxDialects            dialects read from an SMB2 or SMB1 NEGOTIATE request
 * @param maxNegotiateContexts   3.1.1 negotiate contexts read (and hash/cipher ids per context)
 */
public record Smb2Limits(
        @Limit(min = 128, max = 16777215, doc = "bytes of one non-bulk PDU kept for parsing; the rest is skipped unparsed") int maxBufferedPdu,
        @Limit(min = 1, max = 1024, doc = "commands in one compound chain (MS-SMB2 3.2.4.1.4)") int maxCompoundDepth,
        @Limit(min = 1, max = 65536, doc = "open files tracked per session") int maxOpenFilesPerSession,
        @Limit(min = 1, max = 65536, doc = "connected trees tracked per session") int maxTreesPerSession,
        @Limit(min = 1, max = 65536, doc = "sessions tracked per connection") int maxSessions,
        @Limit(min = 1, max = 65536, doc = "requests awaiting their response per connection") int maxPendingRequests,
        @Limit(min = 64, max = 16777215, doc = "bytes of one pipe message buffered for the pipe consumer") int maxPipeBuffer,
        @Limit(min = 1, max = 1024, doc = "dialects read from an SMB2 or SMB1 NEGOTIATE request") int maxDialects,
        @Limit(min = 1, max = 1024, doc = "SMB 3.1.1 negotiate contexts read (and ids per context)") int maxNegotiateContexts) {

    public static final Smb2Limits DEFAULTS = new Smb2Limits(256 * 1024, 32, 1024, 256, 64,
            1024, 1 << 20, 64, 32);

    public Smb2Limits {
        if (maxBufferedPdu < 128 || maxCompoundDepth < 1 || maxOpenFilesPerSession < 1
                || maxTreesPerSession < 1 || maxSessions < 1 || maxPendingRequests < 1 || maxPipeBuffer < 64
                || maxDialects < 1 || maxNegotiateContexts < 1) {
            throw new IllegalArgumentException("smb2 limits too small");
        }
    }

    public Smb2Limits withMaxCompoundDepth(int v) {
        return new Smb2Limits(maxBufferedPdu, v, maxOpenFilesPerSession, maxTreesPerSession,
                maxSessions, maxPendingRequests, maxPipeBuffer, maxDialects, maxNegotiateContexts);
    }

    public Smb2Limits withMaxOpenFilesPerSession(int v) {
        return new Smb2Limits(maxBufferedPdu, maxCompoundDepth, v, maxTreesPerSession,
                maxSessions, maxPendingRequests, maxPipeBuffer, maxDialects, maxNegotiateContexts);
    }

    public Smb2Limits withMaxPipeBuffer(int v) {
        return new Smb2Limits(maxBufferedPdu, maxCompoundDepth, maxOpenFilesPerSession,
                maxTreesPerSession, maxSessions, maxPendingRequests, v, maxDialects, maxNegotiateContexts);
    }

    public Smb2Limits withMaxPendingRequests(int v) {
        return new Smb2Limits(maxBufferedPdu, maxCompoundDepth, maxOpenFilesPerSession,
                maxTreesPerSession, maxSessions, v, maxPipeBuffer, maxDialects, maxNegotiateContexts);
    }

    public Smb2Limits withMaxDialects(int v) {
        return new Smb2Limits(maxBufferedPdu, maxCompoundDepth, maxOpenFilesPerSession,
                maxTreesPerSession, maxSessions, maxPendingRequests, maxPipeBuffer, v, maxNegotiateContexts);
    }
}
