package io.impacketsensor.core.event;

import java.util.List;

/**
 * SMB1 and SMB2/3 events (MS-SMB2). A request and its response are paired by message id and
 * reported as one event when the response is seen, with its NTSTATUS in {@code status}; a request
 * whose response never came is reported at close or gap with {@link SensorEvent#NO_STATUS}.
 * Shares are {@code \\server\SHARE} as on the wire; file names are relative to the share.
 */
public sealed interface SmbEvent extends SensorEvent {

    /**
     * {@code smb1Command} of an event carried by SMB2/3. SMB1 (MS-CIFS) operations are reported
     * with the same records as their SMB2 counterparts, their SMB1 command code in {@code smb1Command}.
     */
    int NOT_SMB1 = -1;

    /**
     * Marks an SMB1 status that is a DOS-class error, not an NTSTATUS: the response's Flags2 lacks
     * SMB_FLAGS2_NT_STATUS, so its 4 status bytes are ErrorClass, Reserved and ErrorCode (MS-CIFS
     * 2.2.3.1). The status is {@code DOS_ERROR | raw}, {@code raw} the 4 bytes read little-endian
     * (class in bits 0-7, code in bits 16-31), so its low 32 bits are what they always were.
     */
    long DOS_ERROR = 1L << 40;

    /**
     * An operation both SMB versions perform (session setup, tree connect, create, read, write,
     * close, ioctl, other commands), reported by one record type for either, so that a rule on a
     * share or pipe name holds whichever dialect the client chose.
     */
    interface AnyVersion {

        /** SMB1 command that carried the operation (MS-CIFS 2.2.2.1), or {@link #NOT_SMB1}. */
        int smb1Command();

        /** @return 1 when SMB1 (MS-CIFS) carried the operation, 2 for SMB2/3 (MS-SMB2) */
        default int version() {
            return smb1Command() == NOT_SMB1 ? 2 : 1;
        }
    }

    /**
     * SMB1 NEGOTIATE request (the first packet of many clients; Impacket offers exactly
     * {@code NT LM 0.12}, {@code SMB 2.002}, {@code SMB 2.???}).
     *
     * @param header   common header
     * @param dialects dialect strings in the order offered
     */
    record Smb1Negotiate(EventHeader header, List<String> dialects) implements SmbEvent {
    }

    /**
     * SMB1 NEGOTIATE response (MS-CIFS 2.2.4.52.2; MS-SMB 2.2.4.5.2): which offered dialect the
     * server chose. An SMB2 answer to an SMB1 NEGOTIATE is an {@link Smb2Negotiate} instead.
     *
     * @param header       common header
     * @param dialectIndex index into the request's dialects, or -1 (an error response, or 0xFFFF: none)
     * @param serverGuid   ServerGUID of an extended-security response (16 bytes, GUID layout), or null
     * @param status       the header's status
     */
    record Smb1NegotiateResponse(EventHeader header, int dialectIndex, byte[] serverGuid, long status)
            implements SmbEvent {
    }

    /**
     * SMB1 commands other than NEGOTIATE: counted and reported once per flow as SMB1 usage.
     *
     * @param header  common header
     * @param command the first non-negotiate SMB1 command code seen
     */
    record Smb1Usage(EventHeader header, int command) implements SmbEvent {
    }

    /**
     * SMB2 NEGOTIATE request and response (MS-SMB2 2.2.3, 2.2.4).
     *
     * @param header             common header
     * @param clientDialects     dialect revisions offered (0x0202 ... 0x0311), in order
     * @param dialect            the dialect the server chose, or -1 when no response was seen
     * @param clientSecurityMode request SecurityMode (1 signing enabled, 2 signing required)
     * @param clientCapabilities request Capabilities
     * @param clientGuid         request ClientGuid, the 16 raw bytes
     * @param serverSecurityMode response SecurityMode, or -1
     * @param serverCapabilities response Capabilities, or -1
     * @param serverGuid         response ServerGuid, 16 raw bytes, or null
     * @param contextCount       number of 3.1.1 negotiate contexts in the request
     * @param hashAlgorithms     PREAUTH_INTEGRITY hash algorithm ids offered
     * @param saltLength         PREAUTH_INTEGRITY salt length, or -1
     * @param salt               PREAUTH_INTEGRITY salt bytes (Impacket: 32 ASCII letters), or null
     * @param ciphers            ENCRYPTION cipher ids offered, in order
     * @param status             response NTSTATUS or NO_STATUS
     */
    record Smb2Negotiate(EventHeader header, List<Integer> clientDialects, int dialect,
                         int clientSecurityMode, int clientCapabilities, byte[] clientGuid,
                         int serverSecurityMode, int serverCapabilities, byte[] serverGuid,
                         int contextCount, List<Integer> hashAlgorithms, int saltLength, byte[] salt,
                         List<Integer> ciphers, long status) implements SmbEvent {
    }

    /**
     * SMB2 SESSION_SETUP round trip (MS-SMB2 2.2.5, 2.2.6). The security token itself goes to
     * the shared token decoder, which emits the NTLM/Kerberos events.
     *
     * @param header       common header
     * @param sessionId    the session id (from the response when the request had 0)
     * @param securityMode request SecurityMode
     * @param flags        request Flags (1 = binding)
     * @param mechanism    "ntlmssp", "kerberos", "spnego" (no inner token), "unknown" or "none"
     * @param tokenLength  request security buffer length
     * @param sessionFlags response SessionFlags (1 guest, 2 null/anonymous, 4 encrypt data), or -1
     * @param status       response NTSTATUS (0xC0000016 MORE_PROCESSING_REQUIRED on the first leg)
     * @param smb1Command SMB1 command that carried it (MS-CIFS 2.2.2.1, 0xA2 NT_CREATE_ANDX ...), or NOT_SMB1
     * @param treeId       the response header's TID (SMB1: 0xFFFF when no tree; SMB2: 0)
     * @param requestNativeOs  SMB1 request NativeOS (MS-CIFS 2.2.4.53.1), or null
     * @param requestNativeLm  SMB1 request NativeLanMan, or null
     * @param responseNativeOs SMB1 response NativeOS (MS-CIFS 2.2.4.53.2), or null
     * @param responseNativeLm SMB1 response NativeLanMan, or null
     */
    record SmbSessionSetup(EventHeader header, long sessionId, int securityMode, int flags, String mechanism,
                            int tokenLength, int sessionFlags, long status, int smb1Command, int treeId,
                            String requestNativeOs, String requestNativeLm, String responseNativeOs,
                            String responseNativeLm)
            implements SmbEvent, AnyVersion {

        /** Without the SMB1 header TID and native strings. */
        public SmbSessionSetup(EventHeader header, long sessionId, int securityMode, int flags, String mechanism,
                int tokenLength, int sessionFlags, long status, int smb1Command) {
            this(header, sessionId, securityMode, flags, mechanism, tokenLength, sessionFlags, status, smb1Command, 0,
                    null, null, null, null);
        }

        /** The SMB2 form ({@code smb1Command} {@link SmbEvent#NOT_SMB1}). */
        public SmbSessionSetup(EventHeader header, long sessionId, int securityMode, int flags, String mechanism,
                int tokenLength, int sessionFlags, long status) {
            this(header, sessionId, securityMode, flags, mechanism, tokenLength, sessionFlags, status, NOT_SMB1);
        }
    }

    /**
     * SMB2 TREE_CONNECT (MS-SMB2 2.2.9, 2.2.10).
     *
     * @param header    common header
     * @param sessionId session id
     * @param treeId    tree id from the response, or 0
     * @param path      share path as on the wire, {@code \\server\SHARE}
     * @param shareType response ShareType (1 disk, 2 pipe, 3 print), or -1
     * @param status    response NTSTATUS or NO_STATUS
     * @param smb1Command SMB1 command that carried it (MS-CIFS 2.2.2.1, 0xA2 NT_CREATE_ANDX ...), or NOT_SMB1
     */
    record SmbTreeConnect(EventHeader header, long sessionId, int treeId, String path, int shareType,
                           long status, int smb1Command) implements SmbEvent, AnyVersion {

        /** The SMB2 form ({@code smb1Command} {@link SmbEvent#NOT_SMB1}). */
        public SmbTreeConnect(EventHeader header, long sessionId, int treeId, String path, int shareType,
                long status) {
            this(header, sessionId, treeId, path, shareType, status, NOT_SMB1);
        }
    }

    /**
     * SMB2 CREATE (MS-SMB2 2.2.13, 2.2.14).
     *
     * @param header         common header
     * @param sessionId      session id
     * @param treeId         tree id
     * @param share          share path of the tree, or "" when the tree connect was not seen
     * @param fileName       file name relative to the share (a pipe name on IPC$)
     * @param namedPipe      true when opened on an IPC$ tree (a named pipe)
     * @param desiredAccess  DesiredAccess mask
     * @param disposition    CreateDisposition (0 supersede ... 5 overwrite_if)
     * @param createOptions  CreateOptions (0x1000 delete on close, 0x40 non-directory, ...)
     * @param fileAttributes FileAttributes
     * @param createAction   response CreateAction, or -1
     * @param endOfFile      response EndofFile (size), or -1
     * @param fileIdVolatile response FileId volatile part, or 0
     * @param status         response NTSTATUS or NO_STATUS
     * @param smb1Command SMB1 command that carried it (MS-CIFS 2.2.2.1, 0xA2 NT_CREATE_ANDX ...), or NOT_SMB1
     * @param fileIdPersistent response FileId persistent part (MS-SMB2 2.2.14.1), or 0
     */
    record SmbCreate(EventHeader header, long sessionId, int treeId, String share, String fileName,
                      boolean namedPipe, int desiredAccess, int disposition, int createOptions, int fileAttributes,
                      int createAction, long endOfFile, long fileIdVolatile, long status,
                      int smb1Command, long fileIdPersistent) implements SmbEvent, AnyVersion {

        /** A create whose FileId persistent part is not known (0). */
        public SmbCreate(EventHeader header, long sessionId, int treeId, String share, String fileName,
                boolean namedPipe, int desiredAccess, int disposition, int createOptions, int fileAttributes,
                int createAction, long endOfFile, long fileIdVolatile, long status, int smb1Command) {
            this(header, sessionId, treeId, share, fileName, namedPipe, desiredAccess, disposition, createOptions,
                    fileAttributes, createAction, endOfFile, fileIdVolatile, status, smb1Command, 0);
        }

        /** The SMB2 form ({@code smb1Command} {@link SmbEvent#NOT_SMB1}). */
        public SmbCreate(EventHeader header, long sessionId, int treeId, String share, String fileName,
                boolean namedPipe, int desiredAccess, int disposition, int createOptions, int fileAttributes,
                int createAction, long endOfFile, long fileIdVolatile, long status) {
            this(header, sessionId, treeId, share, fileName, namedPipe, desiredAccess, disposition, createOptions,
                    fileAttributes, createAction, endOfFile, fileIdVolatile, status, NOT_SMB1);
        }
    }

    /**
     * SMB2 CLOSE (MS-SMB2 2.2.15).
     *
     * @param header    common header
     * @param sessionId session id
     * @param treeId    tree id
     * @param share     share path of the tree, or ""
     * @param fileName  name the file was opened with, or "" when its CREATE was not seen
     * @param namedPipe true for a pipe
     * @param status    response NTSTATUS or NO_STATUS
     * @param smb1Command SMB1 command that carried it (MS-CIFS 2.2.2.1, 0xA2 NT_CREATE_ANDX ...), or NOT_SMB1
     */
    record SmbClose(EventHeader header, long sessionId, int treeId, String share, String fileName,
                     boolean namedPipe, long status, int smb1Command) implements SmbEvent, AnyVersion {

        /** The SMB2 form ({@code smb1Command} {@link SmbEvent#NOT_SMB1}). */
        public SmbClose(EventHeader header, long sessionId, int treeId, String share, String fileName,
                boolean namedPipe, long status) {
            this(header, sessionId, treeId, share, fileName, namedPipe, status, NOT_SMB1);
        }
    }

    /**
     * SMB2 READ (MS-SMB2 2.2.19): one cheap summary per request; the data is never kept.
     *
     * @param header     common header
     * @param sessionId  session id
     * @param treeId     tree id
     * @param share      share path, or ""
     * @param fileName   file name, or ""
     * @param namedPipe  true for a pipe
     * @param offset     request Offset
     * @param length     request Length
     * @param dataLength response DataLength, or -1
     * @param status     response NTSTATUS or NO_STATUS
     * @param smb1Command SMB1 command that carried it (MS-CIFS 2.2.2.1, 0xA2 NT_CREATE_ANDX ...), or NOT_SMB1
     */
    record SmbRead(EventHeader header, long sessionId, int treeId, String share, String fileName,
                    boolean namedPipe, long offset, int length, int dataLength, long status,
                    int smb1Command) implements SmbEvent, AnyVersion {

        /** The SMB2 form ({@code smb1Command} {@link SmbEvent#NOT_SMB1}). */
        public SmbRead(EventHeader header, long sessionId, int treeId, String share, String fileName,
                boolean namedPipe, long offset, int length, int dataLength, long status) {
            this(header, sessionId, treeId, share, fileName, namedPipe, offset, length, dataLength, status, NOT_SMB1);
        }
    }

    /**
     * SMB2 WRITE (MS-SMB2 2.2.21): one cheap summary per request; the data is never kept.
     *
     * @param header    common header
     * @param sessionId session id
     * @param treeId    tree id
     * @param share     share path, or ""
     * @param fileName  file name, or ""
     * @param namedPipe true for a pipe
     * @param offset    request Offset
     * @param length    request Length
     * @param status    response NTSTATUS or NO_STATUS
     * @param smb1Command SMB1 command that carried it (MS-CIFS 2.2.2.1, 0xA2 NT_CREATE_ANDX ...), or NOT_SMB1
     */
    record SmbWrite(EventHeader header, long sessionId, int treeId, String share, String fileName,
                     boolean namedPipe, long offset, int length, long status, int smb1Command)
            implements SmbEvent, AnyVersion {

        /** The SMB2 form ({@code smb1Command} {@link SmbEvent#NOT_SMB1}). */
        public SmbWrite(EventHeader header, long sessionId, int treeId, String share, String fileName,
                boolean namedPipe, long offset, int length, long status) {
            this(header, sessionId, treeId, share, fileName, namedPipe, offset, length, status, NOT_SMB1);
        }
    }

    /**
     * SMB2 SET_INFO (MS-SMB2 2.2.39) for the dispositions that matter: rename and delete.
     *
     * @param header        common header
     * @param sessionId     session id
     * @param treeId        tree id
     * @param share         share path, or ""
     * @param fileName      file name, or ""
     * @param infoType      InfoType (1 file, 2 filesystem, 3 security, 4 quota)
     * @param infoClass     FileInformationClass (10 rename, 13 disposition, 64 disposition ex)
     * @param deletePending true when a disposition class set DeletePending
     * @param renameTarget  new name for a rename, else null
     * @param status        response NTSTATUS or NO_STATUS
     */
    record Smb2SetInfo(EventHeader header, long sessionId, int treeId, String share, String fileName, int infoType,
                       int infoClass, boolean deletePending, String renameTarget, long status) implements SmbEvent {
    }

    /**
     * SMB2 IOCTL (MS-SMB2 2.2.31).
     *
     * @param header      common header
     * @param sessionId   session id
     * @param treeId      tree id
     * @param share       share path, or ""
     * @param fileName    file name, or "" (FSCTLs on the tree itself have no file)
     * @param ctlCode     CtlCode (0x0011C017 FSCTL_PIPE_TRANSCEIVE, 0x00060194 DFS referral, ...); an SMB1
     *                    TRANSACTION TransactNmPipe (MS-CIFS 2.2.5.6) is reported as FSCTL_PIPE_TRANSCEIVE
     * @param inputLength request input length
     * @param status      response NTSTATUS or NO_STATUS
     * @param smb1Command SMB1 command that carried it (MS-CIFS 2.2.2.1, 0xA2 NT_CREATE_ANDX ...), or NOT_SMB1
     */
    record SmbIoctl(EventHeader header, long sessionId, int treeId, String share, String fileName, int ctlCode,
                     int inputLength, long status, int smb1Command) implements SmbEvent, AnyVersion {

        /** The SMB2 form ({@code smb1Command} {@link SmbEvent#NOT_SMB1}). */
        public SmbIoctl(EventHeader header, long sessionId, int treeId, String share, String fileName, int ctlCode,
                int inputLength, long status) {
            this(header, sessionId, treeId, share, fileName, ctlCode, inputLength, status, NOT_SMB1);
        }
    }

    /**
     * SMB2 QUERY_DIRECTORY (MS-SMB2 2.2.33).
     *
     * @param header               common header
     * @param sessionId            session id
     * @param treeId               tree id
     * @param share                share path, or ""
     * @param directory            directory name as opened, or ""
     * @param pattern              search pattern, e.g. {@code *}
     * @param fileInformationClass FileInformationClass requested
     * @param status               response NTSTATUS or NO_STATUS
     */
    record Smb2QueryDirectory(EventHeader header, long sessionId, int treeId, String share, String directory,
                              String pattern, int fileInformationClass, long status) implements SmbEvent {
    }

    /**
     * Any other SMB2 command (LOGOFF, TREE_DISCONNECT, ECHO, FLUSH, LOCK, CANCEL, CHANGE_NOTIFY,
     * QUERY_INFO, OPLOCK_BREAK), reported with its status.
     *
     * @param header    common header
     * @param command   SMB2 command code; for SMB1 the SMB2 equivalent (LOGOFF_ANDX 2, TREE_DISCONNECT 4,
     *                  ECHO 13, ...) or -1 when there is none (the SMB1 code is in smb1Command)
     * @param sessionId session id
     * @param treeId    tree id
     * @param share     share path, or ""
     * @param status    response NTSTATUS or NO_STATUS
     * @param smb1Command SMB1 command that carried it (MS-CIFS 2.2.2.1, 0xA2 NT_CREATE_ANDX ...), or NOT_SMB1
     */
    record SmbCommand(EventHeader header, int command, long sessionId, int treeId, String share,
                       long status, int smb1Command) implements SmbEvent, AnyVersion {

        /** The SMB2 form ({@code smb1Command} {@link SmbEvent#NOT_SMB1}). */
        public SmbCommand(EventHeader header, int command, long sessionId, int treeId, String share, long status) {
            this(header, command, sessionId, treeId, share, status, NOT_SMB1);
        }
    }

    /**
     * SMB3 TRANSFORM (0xFD 'SMB', encrypted) or compression (0xFC 'SMB') header: from here the
     * session's payload is not inspected. Reported once per session.
     *
     * @param header     common header
     * @param sessionId  session id from the transform header
     * @param compressed true for the compression transform, false for encryption
     */
    record Smb2Encrypted(EventHeader header, long sessionId, boolean compressed) implements SmbEvent {
    }

    /**
     * A Group Policy Preferences file (MS-GPPREF 2.2.1: Groups.xml, Services.xml, ScheduledTasks.xml,
     * DataSources.xml, Drives.xml, Printers.xml) read over SMB2 whose data carries a non-empty
     * {@code cpassword} attribute: the password, AES-encrypted with the key Microsoft published
     * (MS-GPPREF 2.2.1.1.4), went to the reader. Recognised in the READ answer's data, so also
     * without the CREATE that named the file.
     *
     * @param header         common header
     * @param sessionId      session id
     * @param treeId         tree id
     * @param share          share path, or "" when the copy holds no TREE_CONNECT for it
     * @param fileName       file name, or "" when the copy holds no CREATE for it
     * @param rootElement    the document's root element (Groups, NTServices, ScheduledTasks, DataSources,
     *                       Drives, Printers ...), at most 32 characters, or "" when it is past the scanned prefix
     * @param cpasswordChars characters of the first non-empty cpassword value seen, up to the scanned prefix's end
     * @param offset         data offset of the READ answer in the file (its request's Offset), or -1 when the
     *                       request was not seen
     */
    record SmbGppCpassword(EventHeader header, long sessionId, int treeId, String share, String fileName,
                           String rootElement, int cpasswordChars, long offset) implements SmbEvent {
    }
}
