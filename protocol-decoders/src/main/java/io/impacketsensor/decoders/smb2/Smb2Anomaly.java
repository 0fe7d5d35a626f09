package io.impacketsensor.decoders.smb2;

/**
 * Stable names of SMB2 anomalies (reported as {@code ProtocolAnomaly.name}; the NBSS framing's are
 * {@code SmbAnomaly}); each stops the flow unless noted.
 */
public enum Smb2Anomaly {
    /** Not an SMB header where one must start (ProtocolId, StructureSize 64, NextCommand). */
    MALFORMED_HEADER("smb2.malformed_header"),
    /** A command body shorter than its StructureSize or with an offset/length outside the message. Flow continues. */
    MALFORMED_COMMAND("smb2.malformed_command"),
    /** A compound chain longer than {@link Smb2Limits#maxCompoundDepth()}. */
    COMPOUND_TOO_DEEP("smb2.compound_too_deep"),
    /** More open files in one session than {@link Smb2Limits#maxOpenFilesPerSession()}. */
    TOO_MANY_OPEN_FILES("smb2.too_many_open_files"),
    /** More trees in one session than {@link Smb2Limits#maxTreesPerSession()}. */
    TOO_MANY_TREES("smb2.too_many_trees"),
    /** More sessions on one connection than {@link Smb2Limits#maxSessions()}. */
    TOO_MANY_SESSIONS("smb2.too_many_sessions"),
    /** More outstanding requests than {@link Smb2Limits#maxPendingRequests()}. */
    TOO_MANY_PENDING("smb2.too_many_pending"),
    /** A pipe message larger than {@link Smb2Limits#maxPipeBuffer()}. */
    PIPE_BUFFER_EXCEEDED("smb2.pipe_buffer_exceeded"),
    /** More dialects or negotiate contexts than the limits allow. */
    TOO_MANY_DIALECTS("smb2.too_many_dialects");

    private final String eventName;

    Smb2Anomaly(String eventName) {
        this.eventName = eventName;
    }

    public String eventName() {
        return eventName;
    }
}
