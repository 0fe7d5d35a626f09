package io.impacketsensor.decoders.smb2;

import java.util.List;

/**
 * A request awaiting its response (MS-SMB2 3.2.1.7 Request): what the request said, kept until
 * the response (matched by MessageId) completes the event. Created per request, which is also
 * when an event is due, so this allocation is event-rate.
 */
final class Smb2Pending {
    int command;
    long messageId;
    long sessionId;
    int treeId;
    /** Tree and file the request named (null when unknown). */
    Smb2Session.Tree tree;
    Smb2Session.FileEntry file;
    /**
     * The FileId the request named (valid when {@code fidNamed}): looked up again when the
     * response arrives if it was unknown at request time.
     */
    long fidPersistent;
    long fidVolatile;
    boolean fidNamed;
    /**
     * The request named a FileId (any tree, known or not): {@link #fidPersistent}/{@link #fidVolatile}
     * of an open a pipe may be recognised on ({@link Smb2Sessions#latePipe}).
     */
    boolean anyFid;
    long lateFidPersistent;
    long lateFidVolatile;
    /** Pipe data of a WRITE whose FileId was not open yet (bounded per connection), or null. */
    byte[] deferred;
    /** The CREATE earlier in the same compound, for related operations with FileId -1 (3.2.4.1.4). */
    Smb2Pending relatedCreate;
    /** The open a CREATE produced (set at its response). */
    Smb2Session.FileEntry opened;
    /** Path (TREE_CONNECT), name (CREATE), pattern (QUERY_DIRECTORY), rename target (SET_INFO). */
    String name;
    // NEGOTIATE
    List<Integer> dialects;
    List<Integer> hashes;
    List<Integer> ciphers;
    byte[] guid;
    byte[] salt;
    int contextCount;
    int saltLength = -1;
    // SESSION_SETUP, NEGOTIATE
    int securityMode;
    int capabilities;
    int flags;
    String mechanism;
    int tokenLength;
    // CREATE
    int desiredAccess;
    int disposition;
    int createOptions;
    int fileAttributes;
    // READ / WRITE / IOCTL / SET_INFO / QUERY_DIRECTORY
    long offset;
    int length;
    int ctlCode;
    int infoType;
    int infoClass;
    boolean deletePending;
}
