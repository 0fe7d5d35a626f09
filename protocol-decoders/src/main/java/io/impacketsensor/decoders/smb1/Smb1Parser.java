package io.impacketsensor.decoders.smb1;

import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.wire.ByteCursor;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.core.wire.Utf16;
import io.impacketsensor.decoders.text.Utf16Memo;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * SMB1 message grammar (MS-CIFS 2.2.3, MS-SMB 2.2.4): the header, the command blocks of an AndX
 * chain, and the fields of the commands the sensor decodes. A reused flyweight: each method parses
 * one block into public-to-the-package fields and returns false when the block does not fit the
 * message. Offsets are relative to the start of the SMB header, which is what the protocol's own
 * offsets (AndXOffset, DataOffset, ParameterOffset) are. Strings are located, not decoded;
 * {@link #string} makes the {@code String} when an event needs it.
 *
 * <pre>
 *   0 FF 'S' 'M' 'B'  4 Command  5 Status(4)  9 Flags  10 Flags2(2)  12 PIDHigh(2)  14 SecurityFeatures(8)
 *  22 Reserved(2)  24 TID(2)  26 PIDLow(2)  28 UID(2)  30 MID(2)
 *  32 WordCount  33 Words[WordCount]  ByteCount(2)  Bytes[ByteCount]      (one block, 2.2.3.2)
 *     AndX commands start their words with AndXCommand(1) AndXReserved(1) AndXOffset(2) (2.2.3.4)
 * </pre>
 */
final class Smb1Parser {
    static final int HEADER = 32;
    // MS-CIFS 2.2.2.1 command codes.
    static final int CLOSE = 0x04;
    static final int LOCKING_ANDX = 0x24;
    static final int TRANSACTION = 0x25;
    static final int TRANSACTION_SECONDARY = 0x26;
    static final int TRANSACTION2_SECONDARY = 0x33;
    static final int NT_TRANSACT_SECONDARY = 0xA1;
    static final int NT_CANCEL = 0xA4;
    static final int ECHO = 0x2B;
    static final int OPEN_ANDX = 0x2D;
    static final int READ_ANDX = 0x2E;
    static final int WRITE_ANDX = 0x2F;
    static final int TREE_DISCONNECT = 0x71;
    static final int NEGOTIATE = 0x72;
    static final int SESSION_SETUP_ANDX = 0x73;
    static final int LOGOFF_ANDX = 0x74;
    static final int TREE_CONNECT_ANDX = 0x75;
    static final int NT_CREATE_ANDX = 0xA2;
    static final int NO_ANDX = 0xFF;
    /** 2.2.3.1 Flags: SMB_FLAGS_REPLY. */
    static final int FLAGS_REPLY = 0x80;
    /** 2.2.3.1 Flags2: SMB_FLAGS2_UNICODE, SMB_FLAGS2_NT_STATUS, signatures enabled and required. */
    static final int FLAGS2_UNICODE = 0x8000;
    static final int FLAGS2_NT_STATUS = 0x4000;
    static final int FLAGS2_SIGNATURES = 0x0004;
    static final int FLAGS2_SIGNATURES_REQUIRED = 0x0010;
    /** 2.2.5.6 TRANS_TRANSACT_NMPIPE subcommand (Setup[0]); Setup[1] is the pipe FID. */
    static final int TRANSACT_NMPIPE = 0x0026;

    final ByteCursor c = new ByteCursor();
    private final int maxDialects;
    private byte[] buf;
    private int base;
    private int len;
    private int pduLen;

    // ---- header ----
    int command;
    long status;
    /** NEGOTIATE response: header offset of the ServerGUID (extended security), or -1. */
    int serverGuidAt = -1;
    /** SESSION_SETUP_ANDX NativeOS and NativeLanMan: header offsets and byte lengths (0: absent). */
    int nativeOsAt;
    int nativeOsLen;
    int nativeLmAt;
    int nativeLmLen;
    int flags;
    int flags2;
    int tid;
    int pid;
    int uid;
    int mid;

    // ---- current block ----
    int wordCount;
    private int wordsAt;
    private int wordsLen;
    int byteCount;
    int bytesAt;
    int andxCommand;
    int andxOffset;

    // ---- NEGOTIATE ----
    int[] dialects;
    int[] dialectLens;
    int dialectCount;
    boolean overLimit;

    // ---- command fields (each method sets the ones it names) ----
    /** A string or blob located in the message: offset from the header and length in bytes (no terminator). */
    int strAt;
    int strLen;
    int blobAt;
    int blobLen;
    int fid;
    long offset;
    int length;
    int dataAt;
    int dataLen;
    int totalData;
    /** TRANSACTION request: parameters or data continue in TRANSACTION_SECONDARY requests (2.2.4.33.1). */
    boolean incomplete;
    int dataDisplacement;
    int access;
    int disposition;
    int createOptions;
    int attributes;
    int createAction;
    /** Create responses: ResourceType (2.2.4.64.2: 0 disk, 1 byte-mode pipe, 2 message-mode pipe, 3 printer). */
    int resourceType;
    long endOfFile;
    int action;
    int writeMode;
    int subcommand;
    int passwordLen;
    int unicodePasswordLen;
    /** SESSION_SETUP_ANDX request: OEMPassword (AccountPassword with WordCount 10) and UnicodePassword offsets. */
    int passwordAt;
    int unicodePasswordAt;
    int accountAt;
    int accountLen;
    int domainAt;
    int domainLen;
    // ---- NEGOTIATE response (2.2.4.52.2) ----
    int securityMode;
    long capabilities;
    /** The 8-byte Challenge (EncryptionKey), or -1 when there is none (extended security, other lengths). */
    int challengeAt;
    int serverAt;
    int serverLen;
    /** DomainName and ServerName are Unicode (NT LM 0.12 with CAP_UNICODE or SMB_FLAGS2_UNICODE); LAN Manager's are OEM. */
    boolean negotiateUnicode;

    private static final int[] NO_DIALECTS = {};

    Smb1Parser(int maxDialects) {
        this.maxDialects = maxDialects;
        // The dialect arrays are made at the first NEGOTIATE request and grow up to the limit.
        this.dialects = NO_DIALECTS;
        this.dialectLens = NO_DIALECTS;
    }

    /**
     * The 32-byte header of a message of {@code pduLen} bytes of which {@code len} are at {@code off}
     * (2.2.3.1): OK, or ERROR when it is short or lacks the {@code FF 'SMB'} protocol identifier (the
     * framer hands over whole messages, so there is no NEED_MORE).
     */
    ParseStatus header(byte[] b, int off, int len, int pduLen) {
        this.buf = b;
        this.base = off;
        this.len = len;
        this.pduLen = pduLen;
        c.wrap(b, off, len);
        if (len < HEADER + 1 || c.u8() != 0xFF || c.u8() != 'S' || c.u8() != 'M' || c.u8() != 'B') {
            return ParseStatus.ERROR;
        }
        command = c.u8();
        status = c.u32le();
        flags = c.u8();
        flags2 = c.u16le();
        int pidHigh = c.u16le();
        c.skip(10);
        tid = c.u16le();
        pid = pidHigh << 16 | c.u16le();
        uid = c.u16le();
        mid = c.u16le();
        if (status != 0 && (flags2 & FLAGS2_NT_STATUS) == 0) {
            // 2.2.3.1: without SMB_FLAGS2_NT_STATUS the Status field is a DOS-class error.
            status |= SmbEvent.DOS_ERROR;
        }
        return c.ok() ? ParseStatus.OK : ParseStatus.ERROR;
    }

    boolean reply() {
        return (flags & FLAGS_REPLY) != 0;
    }

    boolean unicode() {
        return (flags2 & FLAGS2_UNICODE) != 0;
    }

    /** NEGOTIATE response DialectIndex, the first parameter word of every form (2.2.4.52.2); -1 when absent or 0xFFFF. */
    int dialectIndex() {
        if (wordCount < 1) {
            return -1;
        }
        int i = w16(0);
        return c.ok() && i != 0xFFFF ? i : -1;
    }

    /** The encoding of the SESSION_SETUP_ANDX request's native strings: Unicode except with WordCount 10 (2.2.4.53.1). */
    boolean nativeUnicode() {
        return wordCount != 10 && unicode();
    }

    /** Bytes of the message at hand (the gathered prefix). */
    int available() {
        return len;
    }

    /** Commands whose words start with the AndX block (2.2.3.4). */
    static boolean isAndx(int command) {
        return command == LOCKING_ANDX || command == OPEN_ANDX || command == READ_ANDX || command == WRITE_ANDX
                || command == SESSION_SETUP_ANDX || command == LOGOFF_ANDX || command == TREE_CONNECT_ANDX
                || command == NT_CREATE_ANDX;
    }

    /**
     * The block of {@code command} whose WordCount is at {@code at} (2.2.3.2): words and ByteCount
     * must be in the gathered bytes and the bytes inside the message; AndX fields are read.
     */
    boolean block(int at, int command) {
        c.wrap(buf, base, len);
        c.seek(at);
        wordCount = c.u8();
        wordsAt = at + 1;
        wordsLen = wordCount * 2;
        // MS-SMB 2.2.4.9.2: Windows answers an extended NT_CREATE_ANDX with WordCount 42 but sends
        // 50 words (VolumeGUID, FileId and the two access masks follow the 34 words of MS-CIFS).
        if (command == NT_CREATE_ANDX && reply() && wordCount == 42) {
            wordsLen = 100;
        }
        c.seek(wordsAt + wordsLen);
        byteCount = c.u16le();
        bytesAt = wordsAt + wordsLen + 2;
        andxCommand = NO_ANDX;
        andxOffset = 0;
        if (!c.ok() || bytesAt > pduLen) {
            return false;
        }
        // A ByteCount past the end of the message is cut to it (as Wireshark and Windows do): the
        // offsets that matter (DataOffset, ParameterOffset) are checked against the message anyway.
        byteCount = Math.min(byteCount, pduLen - bytesAt);
        if (isAndx(command) && wordCount >= 2) {
            andxCommand = w8(0);
            andxOffset = w16(2);
        }
        return c.ok();
    }

    /** End of this block's bytes within the gathered prefix. */
    private int bytesEnd() {
        return Math.min(bytesAt + byteCount, len);
    }

    // ---- words ----

    private int w8(int i) {
        if (i + 1 > wordsLen) {
            c.fail();
            return 0;
        }
        return c.seek(wordsAt + i).u8();
    }

    private int w16(int i) {
        if (i + 2 > wordsLen) {
            c.fail();
            return 0;
        }
        return c.seek(wordsAt + i).u16le();
    }

    private long w32(int i) {
        if (i + 4 > wordsLen) {
            c.fail();
            return 0;
        }
        return c.seek(wordsAt + i).u32le();
    }

    private long w64(int i) {
        if (i + 8 > wordsLen) {
            c.fail();
            return 0;
        }
        return c.seek(wordsAt + i).i64le();
    }

    // ---- strings ----

    /**
     * Locates the NUL-terminated string at {@code at} (Unicode strings are 2-byte aligned from the
     * header start, 2.2.1.1) ending no later than {@code end}; sets strAt/strLen and returns the
     * offset after its terminator (or {@code end} when unterminated).
     */
    private int locate(int at, int end, boolean unicode) {
        return locate(at, end, unicode, true);
    }

    /** {@link #locate(int, int, boolean)}; {@code align} false for the strings that are not padded. */
    private int locate(int at, int end, boolean unicode, boolean align) {
        if (unicode && align && (at & 1) != 0) {
            at++;
        }
        int p = at;
        if (unicode) {
            while (p + 1 < end && (buf[base + p] != 0 || buf[base + p + 1] != 0)) {
                p += 2;
            }
            strAt = at;
            strLen = Math.max(0, Math.min(p, end) - at);
            return Math.min(p + 2, end);
        }
        while (p < end && buf[base + p] != 0) {
            p++;
        }
        strAt = at;
        strLen = Math.max(0, p - at);
        return Math.min(p + 1, end);
    }

    /** The string at header offset {@code at}, {@code n} bytes, in the message's encoding. Allocates. */
    String string(int at, int n, boolean unicode) {
        return string(at, n, unicode, -1);
    }

    /**
     * {@link #string(int, int, boolean)}, a Unicode value through the thread's memo of the field
     * {@code slot} ({@link Utf16Memo}; -1: none).
     */
    String string(int at, int n, boolean unicode, int slot) {
        if (n <= 0 || at < 0 || at + n > len) {
            return "";
        }
        if (!unicode) {
            return new String(buf, base + at, n, StandardCharsets.ISO_8859_1);
        }
        return slot < 0 ? Utf16.decode(buf, base + at, n) : Utf16Memo.decode(slot, buf, base + at, n);
    }

    /** Absolute index in the array of header offset {@code at}. */
    int abs(int at) {
        return base + at;
    }

    byte[] array() {
        return buf;
    }

    // ---- commands ----

    /** NEGOTIATE request (2.2.4.52.1): the dialect strings, each 0x02 then NUL-terminated OEM text. */
    boolean negotiateRequest() {
        overLimit = false;
        dialectCount = 0;
        int p = bytesAt;
        int end = bytesEnd();
        while (p < end) {
            if (buf[base + p] != 0x02) {
                return false;
            }
            int next = locate(p + 1, end, false);
            if (next == end && (end == p + 1 || buf[base + end - 1] != 0)) {
                return false;
            }
            if (dialectCount == maxDialects) {
                overLimit = true;
                return false;
            }
            if (dialectCount == dialects.length) {
                int n = Math.min(maxDialects, Math.max(16, dialectCount * 2));
                dialects = Arrays.copyOf(dialects, n);
                dialectLens = Arrays.copyOf(dialectLens, n);
            }
            dialects[dialectCount] = base + strAt;
            dialectLens[dialectCount++] = strLen;
            p = next;
        }
        return true;
    }

    /**
     * NEGOTIATE response of the NT LM 0.12 dialect (WordCount 17) or of LAN Manager 2.x (WordCount
     * 13): SecurityMode, Capabilities and, without extended security, the 8-byte Challenge and
     * DomainName (+ ServerName, MS-SMB 2.2.4.5.2.2), which follow it unpadded. Other forms (the core
     * protocol's WordCount 1) return false without setting the fields.
     */
    boolean negotiateResponse() {
        serverGuidAt = -1;
        challengeAt = -1;
        strLen = 0;
        serverLen = 0;
        capabilities = 0;
        int keyLen;
        if (wordCount == 17) {
            securityMode = w8(2);
            capabilities = w32(19);
            keyLen = w8(33);
            // The strings follow the server's CAP_UNICODE (0x04), not the response's Flags2: Samba
            // answers with Flags2 lacking SMB_FLAGS2_UNICODE and Unicode names (Zeek smb1_transaction_*).
            negotiateUnicode = unicode() || (capabilities & 0x04) != 0;
        } else if (wordCount == 13) {
            securityMode = w16(2);
            keyLen = w16(22);
            negotiateUnicode = false;
        } else {
            return false;
        }
        // CAP_EXTENDED_SECURITY (0x80000000): ServerGUID and a security blob instead (MS-SMB 2.2.4.5.2.1).
        if (!c.ok() || (capabilities & 0x8000_0000L) != 0) {
            if (c.ok() && wordCount == 17 && bytesAt + 16 <= bytesEnd()) {
                serverGuidAt = bytesAt;
            }
            return c.ok();
        }
        int end = bytesEnd();
        if (keyLen != 8 || bytesAt + 8 > end) {
            return true;
        }
        challengeAt = bytesAt;
        int at = locate(bytesAt + 8, end, negotiateUnicode, false);
        int domainStart = strAt;
        int domainBytes = strLen;
        if (at < end) {
            locate(at, end, negotiateUnicode, false);
            serverAt = strAt;
            serverLen = strLen;
        }
        strAt = domainStart;
        strLen = domainBytes;
        return true;
    }

    /**
     * SESSION_SETUP_ANDX request: WordCount 12 is extended security (MS-SMB 2.2.4.6.1, blob at the
     * start of the bytes); 13 is NT LM 0.12 with challenge/response passwords, 10 the LAN Manager
     * form (MS-CIFS 2.2.4.53.1): the passwords (OEM, Unicode), account and domain names are located.
     */
    boolean sessionSetupRequest() {
        blobAt = bytesAt;
        blobLen = 0;
        passwordLen = 0;
        unicodePasswordLen = 0;
        accountLen = 0;
        domainLen = 0;
        nativeOsLen = 0;
        nativeLmLen = 0;
        if (wordCount == 12) {
            blobLen = w16(14);
            boolean ok = c.ok() && blobAt + blobLen <= bytesAt + byteCount;
            if (ok) {
                nativeStrings(blobAt + blobLen, unicode());
            }
            return ok;
        }
        if (wordCount != 13 && wordCount != 10) {
            return false;
        }
        passwordLen = w16(14);
        unicodePasswordLen = wordCount == 13 ? w16(16) : 0;
        passwordAt = bytesAt;
        unicodePasswordAt = bytesAt + passwordLen;
        int p = bytesAt + passwordLen + unicodePasswordLen;
        if (!c.ok() || p > bytesAt + byteCount) {
            return false;
        }
        int end = bytesEnd();
        boolean uni = wordCount == 13 && unicode();
        p = locate(p, end, uni);
        accountAt = strAt;
        accountLen = strLen;
        p = locate(p, end, uni);
        domainAt = strAt;
        domainLen = strLen;
        nativeStrings(p, uni);
        return true;
    }

    /**
     * NativeOS and NativeLanMan, the NUL-terminated strings that follow a SESSION_SETUP_ANDX's
     * blob or names (MS-CIFS 2.2.4.53.1, 2.2.4.53.2; MS-SMB 2.2.4.6.1, 2.2.4.6.2), Unicode ones
     * aligned on the header. Sets {@link #nativeOsAt}/{@link #nativeLmAt} (length 0 when absent).
     */
    private void nativeStrings(int at, boolean uni) {
        int end = bytesEnd();
        if (at >= end) {
            return;
        }
        int p = locate(at, end, uni);
        nativeOsAt = strAt;
        nativeOsLen = strLen;
        if (p < end) {
            locate(p, end, uni);
            nativeLmAt = strAt;
            nativeLmLen = strLen;
        }
    }

    /** SESSION_SETUP_ANDX response: Action; WordCount 4 carries a security blob (MS-SMB 2.2.4.6.2). */
    boolean sessionSetupResponse() {
        action = w16(4);
        blobAt = bytesAt;
        blobLen = wordCount == 4 ? w16(6) : 0;
        nativeOsLen = 0;
        nativeLmLen = 0;
        boolean ok = c.ok() && (wordCount == 3 || wordCount == 4) && blobAt + blobLen <= bytesAt + byteCount;
        if (ok) {
            nativeStrings(blobAt + blobLen, unicode());
        }
        return ok;
    }

    /** TREE_CONNECT_ANDX request (2.2.4.55.1): Password then Path (Unicode when Flags2 says so). */
    boolean treeConnectRequest() {
        passwordLen = w16(6);
        int p = bytesAt + passwordLen;
        if (!c.ok() || wordCount != 4 || p > bytesAt + byteCount) {
            return false;
        }
        locate(p, bytesEnd(), unicode());
        return true;
    }

    /** TREE_CONNECT_ANDX response (2.2.4.55.2): the Service, an OEM string; returns the SMB2 ShareType or -1. */
    int treeConnectService() {
        if (wordCount < 3) {
            return -1;
        }
        locate(bytesAt, bytesEnd(), false);
        int a = base + strAt;
        if (strLen == 3 && buf[a] == 'I' && buf[a + 1] == 'P' && buf[a + 2] == 'C') {
            return 2;
        }
        if (strLen == 2 && buf[a] == 'A' && buf[a + 1] == ':') {
            return 1;
        }
        return strLen == 5 && buf[a] == 'L' && buf[a + 1] == 'P' && buf[a + 2] == 'T' ? 3 : -1;
    }

    /** NT_CREATE_ANDX request (2.2.4.64.1): access, attributes, disposition, options, FileName. */
    boolean ntCreateRequest() {
        int nameLength = w16(5);
        access = (int) w32(15);
        attributes = (int) w32(27);
        disposition = (int) w32(35);
        createOptions = (int) w32(39);
        if (!c.ok() || wordCount != 24) {
            return false;
        }
        boolean uni = unicode();
        int at = uni && (bytesAt & 1) != 0 ? bytesAt + 1 : bytesAt;
        strAt = at;
        strLen = Math.max(0, Math.min(nameLength, bytesEnd() - at));
        return true;
    }

    /** NT_CREATE_ANDX response (2.2.4.64.2): FID, CreateDisposition (the action taken), EndOfFile. */
    boolean ntCreateResponse() {
        fid = w16(5);
        createAction = (int) w32(7);
        endOfFile = w64(55);
        resourceType = w16(63);
        return c.ok() && wordCount >= 34;
    }

    /**
     * OPEN_ANDX request (2.2.4.41.1): AccessMode and OpenMode are mapped to the NT DesiredAccess and
     * CreateDisposition the SMB2 events carry (2.2.1.2.1 access modes, OpenMode FileExistsOpts/CreateFile).
     */
    boolean openRequest() {
        int accessMode = w16(6);
        attributes = w16(10);
        int openMode = w16(16);
        if (!c.ok() || wordCount != 15) {
            return false;
        }
        access = switch (accessMode & 7) {
            case 0 -> 0x0012_0089;  // read: FILE_GENERIC_READ
            case 1 -> 0x0012_0116;  // write: FILE_GENERIC_WRITE
            case 2 -> 0x0012_019F;  // read/write
            case 3 -> 0x0012_00A0;  // execute: FILE_GENERIC_EXECUTE
            default -> 0;
        };
        boolean create = (openMode & 0x0010) != 0;
        disposition = switch (openMode & 3) {
            case 1 -> create ? 3 : 1;  // open: FILE_OPEN_IF / FILE_OPEN
            case 2 -> create ? 5 : 4;  // truncate: FILE_OVERWRITE_IF / FILE_OVERWRITE
            default -> 2;              // fail if it exists: FILE_CREATE
        };
        createOptions = 0;
        locate(bytesAt, bytesEnd(), unicode());
        return true;
    }

    /** OPEN_ANDX response (2.2.4.41.2): FID, FileDataSize, OpenResults (1 opened, 2 created, 3 truncated). */
    boolean openResponse() {
        fid = w16(4);
        endOfFile = w32(12);
        resourceType = w16(18);
        createAction = w16(22) & 3;
        return c.ok() && wordCount >= 15;
    }

    /**
     * WRITE_ANDX request (2.2.4.43.1, MS-SMB 2.2.4.3.1): FID, Offset (+OffsetHigh with WordCount 14),
     * WriteMode, DataLength (+DataLengthHigh), DataOffset; the data must lie inside the message.
     */
    boolean writeRequest() {
        fid = w16(4);
        offset = w32(6);
        writeMode = w16(14);
        dataLen = w16(20) | (w16(18) & 0x7FFF) << 16;
        dataAt = w16(22);
        if (wordCount == 14) {
            offset |= w32(24) << 32;
        }
        length = dataLen;
        return c.ok() && (wordCount == 12 || wordCount == 14) && dataAt >= HEADER && (long) dataAt + dataLen <= pduLen;
    }

    /** READ_ANDX request (2.2.4.42.1): FID, Offset (+OffsetHigh with WordCount 12), MaxCountOfBytesToReturn. */
    boolean readRequest() {
        fid = w16(4);
        offset = w32(6);
        length = w16(10);
        if (wordCount == 12) {
            offset |= w32(20) << 32;
        }
        return c.ok() && (wordCount == 10 || wordCount == 12);
    }

    /** READ_ANDX response (2.2.4.42.2, MS-SMB 2.2.4.2.2 DataLengthHigh): the data must lie inside the message. */
    boolean readResponse() {
        dataLen = w16(10) | (w16(14) & 0x7FFF) << 16;
        dataAt = w16(12);
        return c.ok() && wordCount == 12 && (dataLen == 0 || dataAt >= HEADER && (long) dataAt + dataLen <= pduLen);
    }

    /**
     * TRANSACTION request (2.2.4.33.1): TotalDataCount, DataCount/DataOffset, Setup[0] (the
     * subcommand) and Setup[1] (the FID for named-pipe subcommands, 2.2.5), and the Name (\PIPE\).
     */
    boolean transactionRequest() {
        int totalParams = w16(0);
        totalData = w16(2);
        incomplete = w16(18) < totalParams || w16(22) < totalData;
        dataLen = w16(22);
        dataAt = w16(24);
        int setupCount = w8(26);
        // WordCount is 14 + SetupCount; a SetupCount beyond the words is not believed.
        subcommand = setupCount >= 1 && wordCount >= 15 ? w16(28) : -1;
        fid = setupCount >= 2 && wordCount >= 16 ? w16(30) : -1;
        dataDisplacement = 0;
        if (!c.ok() || wordCount < 14 || (dataLen > 0 && (dataAt < HEADER || (long) dataAt + dataLen > pduLen))) {
            return false;
        }
        locate(bytesAt, bytesEnd(), unicode());
        return true;
    }

    /** TRANSACTION_SECONDARY request (2.2.4.34.1): the next piece of the transaction's data. */
    boolean transactionSecondary() {
        totalData = w16(2);
        dataLen = w16(10);
        dataAt = w16(12);
        dataDisplacement = w16(14);
        return c.ok() && wordCount == 8 && (dataLen == 0 || dataAt >= HEADER && (long) dataAt + dataLen <= pduLen);
    }

    /** TRANSACTION response (2.2.4.33.2): TotalDataCount, DataCount, DataOffset, DataDisplacement. */
    boolean transactionResponse() {
        totalData = w16(2);
        dataLen = w16(12);
        dataAt = w16(14);
        dataDisplacement = w16(16);
        return c.ok() && wordCount >= 10 && (dataLen == 0 || dataAt >= HEADER && (long) dataAt + dataLen <= pduLen);
    }

    /** CLOSE request (2.2.4.5.1): the FID. */
    boolean closeRequest() {
        fid = w16(0);
        return c.ok() && wordCount == 3;
    }
}
