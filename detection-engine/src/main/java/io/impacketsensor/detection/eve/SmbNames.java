package io.impacketsensor.detection.eve;

/**
 * Output-time names for SMB wire codes (MS-SMB2 2.2.1 commands, MS-ERREF 2.3 NTSTATUS, dialects,
 * MS-FSCC 2.3 FSCTLs, CreateDisposition). Unknown codes get no name; the raw value is always written.
 */
public final class SmbNames {
    /**
     * SMB2 command names as Suricata spells them (MS-SMB2 2.2.1.2 order; Suricata keeps the SMB1-era
     * words NEGOTIATE_PROTOCOL, SESSION_LOGOFF, KEEPALIVE, FIND and GET_INFO).
     */
    private static final String[] COMMANDS = {"NEGOTIATE_PROTOCOL", "SESSION_SETUP", "SESSION_LOGOFF",
        "TREE_CONNECT", "TREE_DISCONNECT", "CREATE", "CLOSE", "FLUSH", "READ", "WRITE", "LOCK", "IOCTL", "CANCEL",
        "KEEPALIVE", "FIND", "CHANGE_NOTIFY", "GET_INFO", "SET_INFO", "OPLOCK_BREAK"};

    /** The SMB1 commands Suricata names (its spelling: TRANS, TRANS2, NT_TRANS, QUERY_INFO_DISK); others are numbers. */
    private static final java.util.Set<String> SURICATA_SMB1 = java.util.Set.of("CREATE_DIRECTORY",
        "DELETE_DIRECTORY", "OPEN", "CREATE", "CLOSE", "FLUSH", "DELETE", "RENAME", "QUERY_INFORMATION",
        "SET_INFORMATION", "READ", "WRITE", "LOCK_BYTE_RANGE", "UNLOCK_BYTE_RANGE", "CREATE_TEMPORARY", "CREATE_NEW",
        "CHECK_DIRECTORY", "PROCESS_EXIT", "SEEK", "LOCK_AND_READ", "WRITE_AND_UNLOCK", "LOCKING_ANDX", "ECHO",
        "WRITE_AND_CLOSE", "OPEN_ANDX", "READ_ANDX", "WRITE_ANDX", "TRANS", "TRANS2", "TRANS2_SECONDARY",
        "FIND_CLOSE2", "TREE_DISCONNECT", "NEGOTIATE_PROTOCOL", "SESSION_SETUP_ANDX", "LOGOFF_ANDX",
        "TREE_CONNECT_ANDX", "QUERY_INFO_DISK", "NT_TRANS", "NT_TRANS_SECONDARY", "NT_CREATE_ANDX", "NT_CANCEL");
    private static final String[] DISPOSITIONS = {"FILE_SUPERSEDE", "FILE_OPEN", "FILE_CREATE", "FILE_OPEN_IF",
        "FILE_OVERWRITE", "FILE_OVERWRITE_IF"};

    /** MS-CIFS 2.2.2.1 SMB1 command names, by code (null: unassigned). */
    private static final String[] SMB1_COMMANDS = new String[256];

    /** The records' command texts, made once: a record names its command, and records are many. */
    private static final String[] COMMAND_TEXTS = new String[COMMANDS.length];
    private static final String[] SMB1_COMMAND_TEXTS = new String[256];
    /** Dialect texts made so far, by revision (Strings: safe to share between threads as they are). */
    private static final String[] DIALECT_TEXTS = new String[0x1000];

    static {
        String[] named = {
            "00CREATE_DIRECTORY", "01DELETE_DIRECTORY", "02OPEN", "03CREATE", "04CLOSE", "05FLUSH", "06DELETE",
            "07RENAME", "08QUERY_INFORMATION", "09SET_INFORMATION", "0aREAD", "0bWRITE", "0cLOCK_BYTE_RANGE",
            "0dUNLOCK_BYTE_RANGE", "0eCREATE_TEMPORARY", "0fCREATE_NEW", "10CHECK_DIRECTORY", "11PROCESS_EXIT",
            "12SEEK", "13LOCK_AND_READ", "14WRITE_AND_UNLOCK", "1aREAD_RAW", "1bREAD_MPX", "1cREAD_MPX_SECONDARY",
            "1dWRITE_RAW", "1eWRITE_MPX", "1fWRITE_MPX_SECONDARY", "20WRITE_COMPLETE", "21QUERY_SERVER",
            "22SET_INFORMATION2", "23QUERY_INFORMATION2", "24LOCKING_ANDX", "25TRANS",
            "26TRANSACTION_SECONDARY", "27IOCTL", "28IOCTL_SECONDARY", "29COPY", "2aMOVE", "2bECHO",
            "2cWRITE_AND_CLOSE", "2dOPEN_ANDX", "2eREAD_ANDX", "2fWRITE_ANDX", "30NEW_FILE_SIZE",
            "31CLOSE_AND_TREE_DISC", "32TRANS2", "33TRANS2_SECONDARY", "34FIND_CLOSE2",
            "35FIND_NOTIFY_CLOSE", "70TREE_CONNECT", "71TREE_DISCONNECT", "72NEGOTIATE_PROTOCOL",
            "73SESSION_SETUP_ANDX", "74LOGOFF_ANDX", "75TREE_CONNECT_ANDX", "7eSECURITY_PACKAGE_ANDX",
            "80QUERY_INFO_DISK", "81SEARCH", "82FIND", "83FIND_UNIQUE", "84FIND_CLOSE", "a0NT_TRANS",
            "a1NT_TRANS_SECONDARY", "a2NT_CREATE_ANDX", "a4NT_CANCEL", "a5NT_RENAME", "c0OPEN_PRINT_FILE",
            "c1WRITE_PRINT_FILE", "c2CLOSE_PRINT_FILE", "c3GET_PRINT_QUEUE", "d8READ_BULK", "d9WRITE_BULK",
            "daWRITE_BULK_DATA"};
        for (String n : named) {
            SMB1_COMMANDS[Integer.parseInt(n.substring(0, 2), 16)] = n.substring(2);
        }
        for (int i = 0; i < COMMANDS.length; i++) {
            COMMAND_TEXTS[i] = "SMB2_COMMAND_" + COMMANDS[i];
        }
        for (int code = 0; code < 256; code++) {
            String n = SMB1_COMMANDS[code];
            SMB1_COMMAND_TEXTS[code] = n != null && SURICATA_SMB1.contains(n) ? "SMB1_COMMAND_" + n : Integer.toString(code);
        }
    }

    private SmbNames() {
    }

    /** Suricata's form, {@code SMB1_COMMAND_NT_CREATE_ANDX}; a command Suricata does not name is its decimal code. */
    public static String smb1Command(int code) {
        return code >= 0 && code < 256 ? SMB1_COMMAND_TEXTS[code] : Integer.toString(code);
    }

    /** MS-CIFS 2.2.2.1 name of an SMB1 command, or null for an unassigned code. */
    public static String smb1CommandName(int code) {
        return code >= 0 && code < 256 ? SMB1_COMMANDS[code] : null;
    }

    /** Suricata's form, {@code SMB2_COMMAND_CREATE}; an unknown code is its decimal value. */
    public static String command(int code) {
        return code >= 0 && code < COMMANDS.length ? COMMAND_TEXTS[code] : Integer.toString(code);
    }

    /**
     * Name of an SMB1 DOS-class error (MS-CIFS 2.2.2.4): the class (ERRDOS, ERRSRV) as {@code DOS_}
     * or {@code SRV_} and the code's name in capitals without its {@code ERR} prefix, as Suricata
     * names them ({@code SRV_BADUID}); null for a code not listed here.
     */
    public static String dosError(int errorClass, int code) {
        String name = switch (errorClass) {
            case 0x01 -> switch (code) {
                case 0x0001 -> "BADFUNC";
                case 0x0002 -> "BADFILE";
                case 0x0003 -> "BADPATH";
                case 0x0004 -> "NOFIDS";
                case 0x0005 -> "NOACCESS";
                case 0x0006 -> "BADFID";
                case 0x0008 -> "NOMEM";
                case 0x0012 -> "NOFILES";
                case 0x0020 -> "BADSHARE";
                case 0x0021 -> "LOCK";
                case 0x0032 -> "UNSUP";
                case 0x0050 -> "FILEXISTS";
                case 0x0057 -> "INVALIDPARAM";
                case 0x007C -> "UNKNOWNLEVEL";
                case 0x00E6 -> "BADPIPE";
                case 0x00E7 -> "PIPEBUSY";
                case 0x00E8 -> "PIPECLOSING";
                case 0x00E9 -> "NOTCONNECTED";
                case 0x00EA -> "MOREDATA";
                default -> null;
            };
            case 0x02 -> switch (code) {
                case 0x0001 -> "ERROR";
                case 0x0002 -> "BADPW";
                case 0x0004 -> "ACCESS";
                case 0x0005 -> "INVTID";
                case 0x0006 -> "INVNETNAME";
                case 0x0007 -> "INVDEVICE";
                case 0x0040 -> "SMBCMD";
                case 0x0041 -> "SRVERROR";
                case 0x005B -> "BADUID";
                case 0xFFFF -> "NOSUPPORT";
                default -> null;
            };
            default -> null;
        };
        return name == null ? null : (errorClass == 0x01 ? "DOS_" : "SRV_") + name;
    }

    /** NTSTATUS name for the codes SMB traffic commonly carries, else null. */
    public static String status(long status) {
        return switch ((int) status) {
            case 0x00000000 -> "STATUS_SUCCESS";
            case 0x00000103 -> "STATUS_PENDING";
            case 0x0000010B -> "STATUS_NOTIFY_CLEANUP";
            case 0x0000010C -> "STATUS_NOTIFY_ENUM_DIR";
            case 0x80000005 -> "STATUS_BUFFER_OVERFLOW";
            case 0x80000006 -> "STATUS_NO_MORE_FILES";
            case 0xC0000001 -> "STATUS_UNSUCCESSFUL";
            case 0xC0000002 -> "STATUS_NOT_IMPLEMENTED";
            case 0xC0000003 -> "STATUS_INVALID_INFO_CLASS";
            case 0xC0000008 -> "STATUS_INVALID_HANDLE";
            case 0xC000000D -> "STATUS_INVALID_PARAMETER";
            case 0xC000000F -> "STATUS_NO_SUCH_FILE";
            case 0xC0000010 -> "STATUS_INVALID_DEVICE_REQUEST";
            case 0xC0000011 -> "STATUS_END_OF_FILE";
            case 0xC0000016 -> "STATUS_MORE_PROCESSING_REQUIRED";
            case 0xC0000022 -> "STATUS_ACCESS_DENIED";
            case 0xC0000023 -> "STATUS_BUFFER_TOO_SMALL";
            case 0xC0000033 -> "STATUS_OBJECT_NAME_INVALID";
            case 0xC0000034 -> "STATUS_OBJECT_NAME_NOT_FOUND";
            case 0xC0000035 -> "STATUS_OBJECT_NAME_COLLISION";
            case 0xC000003A -> "STATUS_OBJECT_PATH_NOT_FOUND";
            case 0xC0000043 -> "STATUS_SHARING_VIOLATION";
            case 0xC0000056 -> "STATUS_DELETE_PENDING";
            case 0xC000006A -> "STATUS_WRONG_PASSWORD";
            case 0xC000006D -> "STATUS_LOGON_FAILURE";
            case 0xC000006E -> "STATUS_ACCOUNT_RESTRICTION";
            case 0xC0000071 -> "STATUS_PASSWORD_EXPIRED";
            case 0xC0000072 -> "STATUS_ACCOUNT_DISABLED";
            case 0xC00000AC -> "STATUS_PIPE_NOT_AVAILABLE";
            case 0xC00000B0 -> "STATUS_PIPE_DISCONNECTED";
            case 0xC00000B5 -> "STATUS_IO_TIMEOUT";
            case 0xC00000BA -> "STATUS_FILE_IS_A_DIRECTORY";
            case 0xC00000BB -> "STATUS_NOT_SUPPORTED";
            case 0xC00000C9 -> "STATUS_NETWORK_NAME_DELETED";
            case 0xC00000CC -> "STATUS_BAD_NETWORK_NAME";
            case 0xC0000101 -> "STATUS_DIRECTORY_NOT_EMPTY";
            case 0xC0000103 -> "STATUS_NOT_A_DIRECTORY";
            case 0xC0000120 -> "STATUS_CANCELLED";
            case 0xC0000128 -> "STATUS_FILE_CLOSED";
            case 0xC000015B -> "STATUS_LOGON_TYPE_NOT_GRANTED";
            case 0xC0000184 -> "STATUS_INVALID_DEVICE_STATE";
            case 0xC0000193 -> "STATUS_ACCOUNT_EXPIRED";
            case 0xC0000203 -> "STATUS_USER_SESSION_DELETED";
            case 0xC0000224 -> "STATUS_PASSWORD_MUST_CHANGE";
            case 0xC0000225 -> "STATUS_NOT_FOUND";
            case 0xC0000234 -> "STATUS_ACCOUNT_LOCKED_OUT";
            case 0xC0000257 -> "STATUS_PATH_NOT_COVERED";
            case 0xC000035C -> "STATUS_NETWORK_SESSION_EXPIRED";
            default -> null;
        };
    }

    /** Dialect revision as Suricata writes it: 0x0202 is {@code 2.02}, 0x0311 {@code 3.11}, 0x02FF {@code 2.??}. */
    public static String dialect(int d) {
        if (d == 0x02FF) {
            return "2.??";
        }
        String kept = d >= 0 && d < DIALECT_TEXTS.length ? DIALECT_TEXTS[d] : null;
        if (kept != null) {
            return kept;
        }
        String text = ((d >> 8) & 0xF) + "." + ((d >> 4) & 0xF) + (d & 0xF);
        if (d >= 0 && d < DIALECT_TEXTS.length) {
            DIALECT_TEXTS[d] = text;
        }
        return text;
    }

    public static String disposition(int d) {
        return d >= 0 && d < DISPOSITIONS.length ? DISPOSITIONS[d] : null;
    }

    /** MS-SMB2 2.2.10 ShareType in Suricata's spelling. */
    public static String shareType(int t) {
        return switch (t) {
            case 1 -> "FILE";
            case 2 -> "PIPE";
            case 3 -> "PRINT";
            default -> "UNKNOWN";
        };
    }

    /** The FSCTLs Impacket and Windows clients use over SMB2 IOCTL (MS-FSCC 2.3). */
    public static String fsctl(int code) {
        return switch (code) {
            case 0x0011C017 -> "FSCTL_PIPE_TRANSCEIVE";
            case 0x00110018 -> "FSCTL_PIPE_WAIT";
            case 0x0011400C -> "FSCTL_PIPE_PEEK";
            case 0x00060194 -> "FSCTL_DFS_GET_REFERRALS";
            case 0x000601B0 -> "FSCTL_DFS_GET_REFERRALS_EX";
            case 0x00140204 -> "FSCTL_VALIDATE_NEGOTIATE_INFO";
            case 0x001401FC -> "FSCTL_QUERY_NETWORK_INTERFACE_INFO";
            case 0x00144064 -> "FSCTL_SRV_ENUMERATE_SNAPSHOTS";
            case 0x00140078 -> "FSCTL_SRV_REQUEST_RESUME_KEY";
            case 0x001440F2 -> "FSCTL_SRV_COPYCHUNK";
            case 0x001480F2 -> "FSCTL_SRV_COPYCHUNK_WRITE";
            case 0x000900A4 -> "FSCTL_SET_REPARSE_POINT";
            case 0x000900A8 -> "FSCTL_GET_REPARSE_POINT";
            default -> null;
        };
    }

    /** NTLMSSP NegotiateFlags bit names (MS-NLMP 2.2.2.5), least significant bit first. */
    private static final String[] NTLM_FLAGS = {"NEGOTIATE_UNICODE", "NEGOTIATE_OEM", "REQUEST_TARGET", null,
        "NEGOTIATE_SIGN", "NEGOTIATE_SEAL", "NEGOTIATE_DATAGRAM", "NEGOTIATE_LM_KEY", null, "NEGOTIATE_NTLM", null,
        "ANONYMOUS", "NEGOTIATE_OEM_DOMAIN_SUPPLIED", "NEGOTIATE_OEM_WORKSTATION_SUPPLIED", null,
        "NEGOTIATE_ALWAYS_SIGN", "TARGET_TYPE_DOMAIN", "TARGET_TYPE_SERVER", null,
        "NEGOTIATE_EXTENDED_SESSIONSECURITY", "NEGOTIATE_IDENTIFY", null, "REQUEST_NON_NT_SESSION_KEY",
        "NEGOTIATE_TARGET_INFO", null, "NEGOTIATE_VERSION", null, null, null, "NEGOTIATE_128",
        "NEGOTIATE_KEY_EXCH", "NEGOTIATE_56"};

    /** Name of NTLMSSP flag bit {@code bit} (0..31), or null for a reserved bit. */
    public static String ntlmFlag(int bit) {
        return bit >= 0 && bit < 32 ? NTLM_FLAGS[bit] : null;
    }
}
