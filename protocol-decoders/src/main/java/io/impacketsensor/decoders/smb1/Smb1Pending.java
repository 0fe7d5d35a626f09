package io.impacketsensor.decoders.smb1;

/**
 * One command of a request awaiting its response (MS-CIFS 3.2.1.7 Client.Connection.PendingRequestTable),
 * keyed by PID and MID (3.2.5.1). The commands of an AndX chain are linked through {@link #next}
 * in request order; the response's blocks answer them in the same order. Created per request,
 * which is also when an event is due, so this allocation is event-rate.
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
}
