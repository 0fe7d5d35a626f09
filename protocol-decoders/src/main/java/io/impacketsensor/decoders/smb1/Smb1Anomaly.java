package io.impacketsensor.decoders.smb1;

/** Stable names of SMB1 anomalies (reported as {@code ProtocolAnomaly.name}); each stops the flow unless noted. */
public enum Smb1Anomaly {
    /**
     * A command block whose WordCount, ByteCount, AndXOffset or a data offset/length does not fit
     * the message (MS-CIFS 2.2.3.2, 2.2.3.4). The command is skipped; the flow continues.
     */
    MALFORMED_MESSAGE("smb1.malformed_message"),
    /** An AndX chain longer than {@link Smb1Limits#maxAndxChain()}, or one whose AndXOffset goes backwards. */
    ANDX_CHAIN_TOO_LONG("smb1.andx_chain_too_long"),
    /** More dialect strings in a NEGOTIATE request than {@link Smb1Limits#maxDialects()}. */
    TOO_MANY_DIALECTS("smb1.too_many_dialects"),
    /** More UIDs on one connection than {@link Smb1Limits#maxSessions()}. */
    TOO_MANY_SESSIONS("smb1.too_many_sessions"),
    /** More TIDs on one connection than {@link Smb1Limits#maxTrees()}. */
    TOO_MANY_TREES("smb1.too_many_trees"),
    /** More FIDs on one connection than {@link Smb1Limits#maxOpenFiles()}. */
    TOO_MANY_OPEN_FILES("smb1.too_many_open_files"),
    /** More outstanding requests than {@link Smb1Limits#maxPendingRequests()}. */
    TOO_MANY_PENDING("smb1.too_many_pending"),
    /** A named-pipe message longer than {@link Smb1Limits#maxPipeMessage()}. */
    PIPE_MESSAGE_TOO_LARGE("smb1.pipe_message_too_large"),
    /** A SESSION_SETUP_ANDX UnicodePassword longer than {@link Smb1Limits#maxNtlmResponse()}. */
    NTLM_RESPONSE_TOO_LARGE("smb1.ntlm_response_too_large"),
    /**
     * A login that sent its password in clear text (MS-CIFS 3.2.4.2.4: the server's SecurityMode did
     * not ask for challenge/response, or the password field is no challenge response). Only the
     * lengths are kept, never the password. Does not stop the flow.
     */
    PLAINTEXT_PASSWORD("smb1.plaintext_password");

    private final String eventName;

    Smb1Anomaly(String eventName) {
        this.eventName = eventName;
    }

    public String eventName() {
        return eventName;
    }
}
