package io.impacketsensor.decoders.smb1;

import io.impacketsensor.decoders.limit.Limit;

/**
 * Limits on what an SMB1 peer controls (MS-CIFS). Over a limit the analyzer reports an
 * {@link Smb1Anomaly} and stops analysing the connection.
 *
 * @param maxBufferedMessage bytes of one SMB1 message kept for parsing; longer messages (bulk
 *                           TRANSACTION2/NT_TRANSACT data) are parsed on their prefix, no anomaly.
 *                           READ_ANDX/WRITE_ANDX file data is never gathered, only pipe data is
 * @param maxAndxChain       commands in one AndX chain (MS-CIFS 2.2.3.4; real clients chain two or three)
 * @param maxDialects        dialect strings read from a NEGOTIATE request (Windows offers 8 to 12)
 * @param maxSessions        UIDs tracked per connection
 * @param maxTrees           TIDs tracked per connection (MS-CIFS 3.3.1.3 Server.Connection.TreeConnectTable)
 * @param maxOpenFiles       FIDs tracked per connection (3.3.1.3 Server.Connection.FileOpenTable)
 * @param maxPendingRequests requests awaiting their response
 * @param maxRequestsPerMid  outstanding requests sharing one PID/MID (Windows sends several with MID 0);
 *                           a further one reports the oldest as unanswered (no anomaly)
 * @param maxPipeMessage     bytes of one named-pipe message (WRITE_ANDX/READ_ANDX/TRANSACTION data) gathered
 *                           for the pipe consumer; servers cap it at MaxBufferSize (at most 64 KiB, or
 *                           128 KiB with CAP_LARGE_READX)
 * @param maxNtlmResponse    bytes of the UnicodePassword of a login without extended security read as
 *                           an NTLMv2 response (MS-NLMP 2.2.2.8: 16 + 28 + AV pairs; Windows sends a
 *                           few hundred bytes)
 */
public record Smb1Limits(
        @Limit(min = 128, max = 16777215, doc = "bytes of one SMB1 message kept for parsing; longer messages are parsed on their prefix") int maxBufferedMessage,
        @Limit(min = 1, max = 255, doc = "commands in one AndX chain (MS-CIFS 2.2.3.4)") int maxAndxChain,
        @Limit(min = 1, max = 1024, doc = "dialect strings read from a NEGOTIATE request") int maxDialects,
        @Limit(min = 1, max = 65535, doc = "UIDs tracked per connection") int maxSessions,
        @Limit(min = 1, max = 65535, doc = "TIDs tracked per connection") int maxTrees,
        @Limit(min = 1, max = 65535, doc = "FIDs tracked per connection") int maxOpenFiles,
        @Limit(min = 1, max = 65535, doc = "requests awaiting their response per connection") int maxPendingRequests,
        @Limit(min = 1, max = 1024, doc = "outstanding requests sharing one PID/MID") int maxRequestsPerMid,
        @Limit(min = 64, max = 16777215, doc = "bytes of one named-pipe message gathered for the pipe consumer") int maxPipeMessage,
        @Limit(min = 48, max = 65535, doc = "bytes of a login without extended security read as an NTLMv2 response") int maxNtlmResponse) {

    public static final Smb1Limits DEFAULTS = new Smb1Limits(256 * 1024, 8, 64, 64, 256, 1024, 1024, 8, 256 * 1024,
            4096);

    public Smb1Limits {
        if (maxBufferedMessage < 128 || maxAndxChain < 1 || maxDialects < 1 || maxSessions < 1 || maxTrees < 1
                || maxOpenFiles < 1 || maxPendingRequests < 1 || maxRequestsPerMid < 1 || maxPipeMessage < 64
                || maxNtlmResponse < 48) {
            throw new IllegalArgumentException("smb1 limits too small");
        }
    }

    public Smb1Limits withMaxAndxChain(int v) {
        return new Smb1Limits(maxBufferedMessage, v, maxDialects, maxSessions, maxTrees, maxOpenFiles,
                maxPendingRequests, maxRequestsPerMid, maxPipeMessage, maxNtlmResponse);
    }

    public Smb1Limits withMaxDialects(int v) {
        return new Smb1Limits(maxBufferedMessage, maxAndxChain, v, maxSessions, maxTrees, maxOpenFiles,
                maxPendingRequests, maxRequestsPerMid, maxPipeMessage, maxNtlmResponse);
    }

    public Smb1Limits withMaxTrees(int v) {
        return new Smb1Limits(maxBufferedMessage, maxAndxChain, maxDialects, maxSessions, v, maxOpenFiles,
                maxPendingRequests, maxRequestsPerMid, maxPipeMessage, maxNtlmResponse);
    }

    public Smb1Limits withMaxOpenFiles(int v) {
        return new Smb1Limits(maxBufferedMessage, maxAndxChain, maxDialects, maxSessions, maxTrees, v,
                maxPendingRequests, maxRequestsPerMid, maxPipeMessage, maxNtlmResponse);
    }

    public Smb1Limits withMaxSessions(int v) {
        return new Smb1Limits(maxBufferedMessage, maxAndxChain, maxDialects, v, maxTrees, maxOpenFiles,
                maxPendingRequests, maxRequestsPerMid, maxPipeMessage, maxNtlmResponse);
    }

    public Smb1Limits withMaxPendingRequests(int v) {
        return new Smb1Limits(maxBufferedMessage, maxAndxChain, maxDialects, maxSessions, maxTrees, maxOpenFiles,
                v, maxRequestsPerMid, maxPipeMessage, maxNtlmResponse);
    }

    public Smb1Limits withMaxRequestsPerMid(int v) {
        return new Smb1Limits(maxBufferedMessage, maxAndxChain, maxDialects, maxSessions, maxTrees, maxOpenFiles,
                maxPendingRequests, v, maxPipeMessage, maxNtlmResponse);
    }

    public Smb1Limits withMaxPipeMessage(int v) {
        return new Smb1Limits(maxBufferedMessage, maxAndxChain, maxDialects, maxSessions, maxTrees, maxOpenFiles,
                maxPendingRequests, maxRequestsPerMid, v, maxNtlmResponse);
    }

    public Smb1Limits withMaxNtlmResponse(int v) {
        return new Smb1Limits(maxBufferedMessage, maxAndxChain, maxDialects, maxSessions, maxTrees, maxOpenFiles,
                maxPendingRequests, maxRequestsPerMid, maxPipeMessage, v);
    }
}
