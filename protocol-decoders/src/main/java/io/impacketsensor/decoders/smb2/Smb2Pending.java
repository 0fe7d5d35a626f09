package io.impacketsensor.decoders.smb2;

import java.util.List;

/**
 * A request awaiting its response (MS-SMB2 3.2.1.7 Request): what the request said, kept until
 * the response (matched by MessageId) completes the event. The analyzer reuses the ones nothing
 * refers to any more once their event is out ({@link #clear}); a CREATE that later operations of its
 * compound name only once their events are out too, since they read its open through
 * {@link #relatedCreate} after it completed.
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
    /** For a CREATE: the later operations of its compound naming it as their {@link #relatedCreate} whose events are not out yet. */
    int dependents;
    /** For a CREATE: its event is out, and it is kept only until its last {@link #dependents} is done. */
    boolean waiting;
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

    /** As a new request: every field at its initial value (the events built from it copied what they keep). */
    void clear() {
        command = 0;
        messageId = 0;
        sessionId = 0;
        treeId = 0;
        tree = null;
        file = null;
        fidPersistent = 0;
        fidVolatile = 0;
        fidNamed = false;
        anyFid = false;
        lateFidPersistent = 0;
        lateFidVolatile = 0;
        deferred = null;
        relatedCreate = null;
        dependents = 0;
        waiting = false;
        opened = null;
        name = null;
        dialects = null;
        hashes = null;
        ciphers = null;
        guid = null;
        salt = null;
        contextCount = 0;
        saltLength = -1;
        securityMode = 0;
        capabilities = 0;
        flags = 0;
        mechanism = null;
        tokenLength = 0;
        desiredAccess = 0;
        disposition = 0;
        createOptions = 0;
        fileAttributes = 0;
        offset = 0;
        length = 0;
        ctlCode = 0;
        infoType = 0;
        infoClass = 0;
        deletePending = false;
    }
}
