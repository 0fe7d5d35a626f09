package io.impacketsensor.decoders.smb1;

/**
 * One command of a request awaiting its response (MS-CIFS 3.2.1.7 Client.Connection.PendingRequestTable),
 * keyed by PID and MID (3.2.5.1). The commands of an AndX chain are linked through {@link #next}
 * in request order; the response's blocks answer them in the same order. Kept for the connection's
 * next requests once its event is out ({@link #clear}).
 */
final class Smb1Pending {
    int command;
    long key;
    int uid;
    int tid;
    /** Tree and file the request named (null when unknown). */
    Smb1Session.Tree tree;
    Smb1Session.FileEntry file;
    /** The FID the request named (valid when {@code fidNamed}), looked up again at the response. */
    int fid;
    boolean fidNamed;
    /** Pipe data of a WRITE whose FID was not open yet (bounded per connection), or null. */
    byte[] deferred;
    /** The next command of the AndX chain. */
    Smb1Pending next;
    /** The next outstanding request with the same PID/MID, in arrival order (some clients reuse a MID). */
    Smb1Pending sameKey;
    /** Path (TREE_CONNECT_ANDX), file name (NT_CREATE_ANDX, OPEN_ANDX), transaction name (TRANSACTION). */
    String name;
    // SESSION_SETUP_ANDX
    int securityMode;
    String mechanism;
    int tokenLength;
    /** NativeOS and NativeLanMan of the request, then of the response (null when absent). */
    String nativeOs;
    String nativeLm;
    String responseNativeOs;
    String responseNativeLm;
    /** The response header's TID (-1 before the response). */
    int responseTid = -1;
    /** A login without extended security: its NTLM AUTHENTICATE awaits this response's status. */
    boolean legacyLogon;
    // NT_CREATE_ANDX / OPEN_ANDX
    int desiredAccess;
    int disposition;
    int createOptions;
    int fileAttributes;
    // READ_ANDX / WRITE_ANDX / TRANSACTION
    long offset;
    int length;
    int subcommand = -1;
    /** TRANSACTION: response data bytes seen so far (a response may come in several messages, 3.2.5.37). */
    int dataSeen;
    /** TRANSACTION: the request's data continues in secondaries, so an interim response comes first (3.3.5.57). */
    boolean incomplete;
    /** TRANSACTION: the server sent its interim response (success), the final one is awaited. */
    boolean interim;
    /** Put back in the pending table while its response was handled: more of the answer follows. */
    boolean requeued;

    /** As a new request: every field at its initial value (the events built from it copied what they keep). */
    void clear() {
        command = 0;
        key = 0;
        uid = 0;
        tid = 0;
        tree = null;
        file = null;
        fid = 0;
        fidNamed = false;
        deferred = null;
        next = null;
        sameKey = null;
        name = null;
        securityMode = 0;
        mechanism = null;
        tokenLength = 0;
        nativeOs = null;
        nativeLm = null;
        responseNativeOs = null;
        responseNativeLm = null;
        responseTid = -1;
        legacyLogon = false;
        desiredAccess = 0;
        disposition = 0;
        createOptions = 0;
        fileAttributes = 0;
        offset = 0;
        length = 0;
        subcommand = -1;
        dataSeen = 0;
        incomplete = false;
        interim = false;
        requeued = false;
    }
}
