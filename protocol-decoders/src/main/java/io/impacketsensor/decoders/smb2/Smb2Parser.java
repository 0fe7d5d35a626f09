package io.impacketsensor.decoders.smb2;

import io.impacketsensor.core.wire.ByteCursor;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.ParseStatus;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Pure grammar of SMB2/3 headers and command bodies (MS-SMB2 2.2), and of the SMB1 NEGOTIATE
 * request (MS-SMB 2.2.4.52.1, MS-CIFS 2.2.4.52.1). A reused flyweight: {@link #header} reads one
 * header of a (possibly compound) PDU and points the cursor at that command; the body methods
 * fill the public fields with raw ints and absolute array offsets of variable buffers. Buffer
 * offsets on the wire are from the start of the command's SMB2 header; each is checked against
 * the command before it is used. Nothing here emits events or decodes text.
 *
 * <pre>
 *   0 ProtocolId FE 'SMB'   4 StructureSize(64)  6 CreditCharge  8 Status  12 Command  14 Credits
 *  16 Flags (1 response, 2 async, 4 related)  20 NextCommand  24 MessageId
 *  32 sync: Reserved, TreeId | async: AsyncId(8)   40 SessionId   48 Signature(16)   64 body
 * </pre>
 */
public final class Smb2Parser {
    public static final int HEADER = 64;
    public static final int FLAG_RESPONSE = 0x1;
    public static final int FLAG_ASYNC = 0x2;
    public static final int FLAG_RELATED = 0x4;

    public static final int NEGOTIATE = 0;
    public static final int SESSION_SETUP = 1;
    public static final int LOGOFF = 2;
    public static final int TREE_CONNECT = 3;
    public static final int TREE_DISCONNECT = 4;
    public static final int CREATE = 5;
    public static final int CLOSE = 6;
    public static final int READ = 8;
    public static final int WRITE = 9;
    public static final int CANCEL = 12;
    public static final int IOCTL = 11;
    public static final int QUERY_DIRECTORY = 14;
    public static final int SET_INFO = 17;

    private final Smb2Limits limits;
    /** The current command: window [header start, end of this command's bytes available). */
    public final ByteCursor c = new ByteCursor();

    // Header.
    public int command;
    public long status;
    public int flags;
    public int nextCommand;
    public long messageId;
    public int treeId;
    public long asyncId;
    public long sessionId;

    // Bodies (meaning per command; see each method).
    public int structureSize;
    public int securityMode;
    public int capabilities;
    public int bodyFlags;
    /** First variable buffer: absolute offset/length (token, path, name, pattern, input, data). */
    public int bufOff;
    public int bufLen;
    /** Second variable buffer (IOCTL output, rename target): absolute offset/length. */
    public int buf2Off;
    public int buf2Len;
    public long fidPersistent;
    public long fidVolatile;
    public int desiredAccess;
    public int fileAttributes;
    public int disposition;
    public int createOptions;
    public int createAction;
    public long endOfFile;
    public int shareType;
    public long offset;
    public int length;
    public int ctlCode;
    public int infoType;
    public int infoClass;
    public int dialect;
    /**
     * NEGOTIATE request: dialect revisions. This and {@link #hashes} and {@link #ciphers} are made at
     * the connection's first NEGOTIATE request that has values for them (a parser is per connection),
     * as large as that request needs, and grow up to the limits.
     */
    public int[] dialects = NONE;
    public int dialectCount;
    public int guidOff;
    public int contextCount;
    public int[] hashes = NONE;
    public int hashCount;
    public int saltOff;
    public int saltLength;
    public int[] ciphers = NONE;
    public int cipherCount;
    /** SET_INFO disposition: DeletePending / FILE_DISPOSITION_DELETE. */
    public boolean deletePending;
    /** True when the last body method failed because a count exceeded a limit. */
    public boolean overLimit;

    public Smb2Parser(Smb2Limits limits) {
        this.limits = limits;
    }

    /** True when {@code b[off..off+4)} is {@code <proto> 'S' 'M' 'B'}. */
    public static boolean isSmb(byte[] b, int off, int len, int proto) {
        return len >= 4 && (b[off] & 0xFF) == proto && b[off + 1] == 'S' && b[off + 2] == 'M' && b[off + 3] == 'B';
    }

    /**
     * Reads the SMB2 header at {@code b[off]} with {@code avail} bytes of this command available.
     * ERROR when it is not an SMB2 header; the cursor is then left at the body (offset 64).
     */
    public ParseStatus header(byte[] b, int off, int avail) {
        if (avail < HEADER || !isSmb(b, off, avail, 0xFE)) {
            return ParseStatus.ERROR;
        }
        c.wrap(b, off, avail);
        // The 64 bytes are there (checked above): the fields are read at their offsets (2.2.1.1,
        // 2.2.1.2), every PDU's header, without the cursor's per-field bounds checks.
        if (Bytes.u16le(b, off + 4) != HEADER) {
            c.seek(6);
            return ParseStatus.ERROR;
        }
        status = Bytes.u32le(b, off + 8);
        command = Bytes.u16le(b, off + 12);
        flags = Bytes.i32le(b, off + 16);
        nextCommand = Bytes.i32le(b, off + 20);
        messageId = Bytes.i64le(b, off + 24);
        if ((flags & FLAG_ASYNC) != 0) {
            asyncId = Bytes.i64le(b, off + 32);
            treeId = 0;
        } else {
            treeId = Bytes.i32le(b, off + 36);
            asyncId = 0;
        }
        sessionId = Bytes.i64le(b, off + 40);
        c.seek(HEADER);
        return ParseStatus.OK;
    }

    /** Bounds the window to the logical command length (for a compound member). */
    public void limitTo(int cmdLen) {
        if (cmdLen < c.length()) {
            c.wrap(c.array(), c.arrayStart(), cmdLen);
            c.seek(HEADER);
        }
    }

    public boolean isResponse() {
        return (flags & FLAG_RESPONSE) != 0;
    }

    /** A response carrying the error body (MS-SMB2 2.2.2) rather than the command's own. */
    public boolean isErrorResponse() {
        // Severity "error" (MS-ERREF 2.3); MORE_PROCESSING_REQUIRED carries a SESSION_SETUP body.
        return (status & 0xC000_0000L) == 0xC000_0000L && status != 0xC000_0016L;
    }

    private boolean body(int size) {
        c.seek(HEADER);
        structureSize = c.u16le();
        // StructureSize counts one byte of variable buffer (the odd sizes), so the fixed part is size & ~1.
        return c.ok() && c.has((size & ~1) - 2);
    }

    /** A variable buffer (offset from the header, length) that must lie inside the command. */
    private boolean buffer(long off, long len, boolean second) {
        if (len == 0) {
            if (second) {
                buf2Off = -1;
                buf2Len = 0;
            } else {
                bufOff = -1;
                bufLen = 0;
            }
            return true;
        }
        if (!c.inBounds(off, len)) {
            return false;
        }
        if (second) {
            buf2Off = c.arrayStart() + (int) off;
            buf2Len = (int) len;
        } else {
            bufOff = c.arrayStart() + (int) off;
            bufLen = (int) len;
        }
        return true;
    }

    /** 2.2.3 NEGOTIATE request: dialects, security mode, capabilities, ClientGuid, 3.1.1 contexts. */
    public boolean negotiateRequest() {
        overLimit = false;
        if (!body(36)) {
            return false;
        }
        int count = c.u16le();
        securityMode = c.u16le();
        c.skip(2);
        capabilities = c.i32le();
        guidOff = c.arrayPosition();
        c.skip(16);
        long ctxOffset = c.u32le();
        int ctxCount = c.u16le();
        c.skip(2);
        if (count > limits.maxDialects()) {
            overLimit = true;
            return false;
        }
        dialects = room(dialects, count, limits.maxDialects());
        dialectCount = 0;
        for (int i = 0; i < count; i++) {
            dialects[dialectCount++] = c.u16le();
        }
        contextCount = 0;
        hashCount = 0;
        cipherCount = 0;
        saltLength = -1;
        saltOff = -1;
        if (!c.ok()) {
            return false;
        }
        boolean has311 = false;
        for (int i = 0; i < dialectCount; i++) {
            has311 |= dialects[i] == 0x0311;
        }
        // The context fields exist only when 3.1.1 is offered; otherwise they are ClientStartTime.
        return !has311 || ctxCount == 0 || negotiateContexts(ctxOffset, ctxCount);
    }

    /** 2.2.3.1 NEGOTIATE_CONTEXT list: 8-byte aligned {ContextType, DataLength, Reserved, Data}. */
    private boolean negotiateContexts(long off, int count) {
        if (count > limits.maxNegotiateContexts()) {
            overLimit = true;
            return false;
        }
        contextCount = count;
        long pos = off;
        for (int i = 0; i < count; i++) {
            pos = (pos + 7) & ~7L;
            if (!c.inBounds(pos, 8)) {
                return false;
            }
            c.seek((int) pos);
            int type = c.u16le();
            int dataLen = c.u16le();
            c.skip(4);
            if (!c.has(dataLen)) {
                return false;
            }
            int dataStart = c.position();
            if (type == 1 && dataLen >= 4) {
                int n = c.u16le();
                saltLength = c.u16le();
                if (n > limits.maxNegotiateContexts()) {
                    overLimit = true;
                    return false;
                }
                hashes = room(hashes, hashCount + n, limits.maxNegotiateContexts());
                for (int k = 0; k < n && c.position() + 2 <= dataStart + dataLen; k++) {
                    hashes[hashCount++] = c.u16le();
                }
                if (c.position() + saltLength <= dataStart + dataLen) {
                    saltOff = c.arrayPosition();
                }
            } else if (type == 2 && dataLen >= 2) {
                int n = c.u16le();
                if (n > limits.maxNegotiateContexts()) {
                    overLimit = true;
                    return false;
                }
                ciphers = room(ciphers, cipherCount + n, limits.maxNegotiateContexts());
                for (int k = 0; k < n && c.position() + 2 <= dataStart + dataLen; k++) {
                    ciphers[cipherCount++] = c.u16le();
                }
            }
            pos = dataStart + dataLen;
        }
        return c.ok();
    }

    /** 2.2.4 NEGOTIATE response: security mode, dialect, ServerGuid, capabilities, security buffer. */
    public boolean negotiateResponse() {
        if (!body(65)) {
            return false;
        }
        securityMode = c.u16le();
        dialect = c.u16le();
        c.skip(2);
        guidOff = c.arrayPosition();
        c.skip(16);
        capabilities = c.i32le();
        c.skip(12 + 16);
        int bo = c.u16le();
        int bl = c.u16le();
        return c.ok() && buffer(bo, bl, false);
    }

    /** 2.2.5 SESSION_SETUP request: flags, security mode, the security buffer. */
    public boolean sessionSetupRequest() {
        if (!body(25)) {
            return false;
        }
        bodyFlags = c.u8();
        securityMode = c.u8();
        capabilities = c.i32le();
        c.skip(4);
        int bo = c.u16le();
        int bl = c.u16le();
        return c.ok() && buffer(bo, bl, false);
    }

    /** 2.2.6 SESSION_SETUP response: SessionFlags (securityMode holds them), the security buffer. */
    public boolean sessionSetupResponse() {
        if (!body(9)) {
            return false;
        }
        securityMode = c.u16le();
        int bo = c.u16le();
        int bl = c.u16le();
        return c.ok() && buffer(bo, bl, false);
    }

    /** 2.2.9 TREE_CONNECT request: the share path buffer. */
    public boolean treeConnectRequest() {
        if (!body(9)) {
            return false;
        }
        c.skip(2);
        int po = c.u16le();
        int pl = c.u16le();
        return c.ok() && buffer(po, pl, false);
    }

    /** 2.2.10 TREE_CONNECT response: ShareType. */
    public boolean treeConnectResponse() {
        if (!body(16)) {
            return false;
        }
        shareType = c.u8();
        return c.ok();
    }

    /** 2.2.13 CREATE request: access, attributes, disposition, options, the name buffer. */
    public boolean createRequest() {
        if (!body(57)) {
            return false;
        }
        c.skip(22);
        desiredAccess = c.i32le();
        fileAttributes = c.i32le();
        c.skip(4);
        disposition = c.i32le();
        createOptions = c.i32le();
        int no = c.u16le();
        int nl = c.u16le();
        return c.ok() && buffer(no, nl, false);
    }

    /** 2.2.14 CREATE response: CreateAction, EndofFile, FileId. */
    public boolean createResponse() {
        if (!body(89)) {
            return false;
        }
        c.skip(2);
        createAction = c.i32le();
        c.skip(40);
        endOfFile = c.i64le();
        c.skip(8);
        fidPersistent = c.i64le();
        fidVolatile = c.i64le();
        return c.ok();
    }

    /** A FileId at a body offset (CLOSE 8, READ 16, WRITE 16, IOCTL 8, QUERY_DIRECTORY 8, SET_INFO 16). */
    public boolean fileIdAt(int size, int bodyOffset) {
        if (!body(size)) {
            return false;
        }
        c.seek(HEADER + bodyOffset);
        fidPersistent = c.i64le();
        fidVolatile = c.i64le();
        return c.ok();
    }

    /** 2.2.19 READ request: Length, Offset, FileId. */
    public boolean readRequest() {
        if (!fileIdAt(49, 16)) {
            return false;
        }
        c.seek(HEADER + 4);
        length = c.i32le();
        offset = c.i64le();
        return c.ok();
    }

    /**
     * 2.2.20 READ response: DataOffset (u8) and DataLength. {@code bufOff} is the data's offset
     * from the header (it may lie past the bytes buffered: the data is streamed), {@code length} its length.
     */
    public boolean readResponse() {
        if (!body(17)) {
            return false;
        }
        bufOff = c.u8();
        c.skip(1);
        length = c.i32le();
        return c.ok() && length >= 0;
    }

    /** 2.2.21 WRITE request: DataOffset (u16, in {@code bufOff}, from the header), Length, Offset, FileId. */
    public boolean writeRequest() {
        if (!fileIdAt(49, 16)) {
            return false;
        }
        c.seek(HEADER + 2);
        bufOff = c.u16le();
        length = c.i32le();
        offset = c.i64le();
        return c.ok() && length >= 0;
    }

    /** 2.2.31 IOCTL request: CtlCode, FileId, the input buffer ({@code length} = InputCount). */
    public boolean ioctlRequest() {
        if (!fileIdAt(57, 8)) {
            return false;
        }
        c.seek(HEADER + 4);
        ctlCode = c.i32le();
        c.seek(HEADER + 24);
        long io = c.u32le();
        long il = c.u32le();
        length = (int) Math.min(il, Integer.MAX_VALUE);
        return c.ok() && buffer(io, il, false);
    }

    /** 2.2.32 IOCTL response: CtlCode, FileId, the output buffer (buf2). */
    public boolean ioctlResponse() {
        if (!fileIdAt(49, 8)) {
            return false;
        }
        c.seek(HEADER + 4);
        ctlCode = c.i32le();
        c.seek(HEADER + 32);
        long oo = c.u32le();
        long ol = c.u32le();
        return c.ok() && buffer(oo, ol, true);
    }

    /** 2.2.33 QUERY_DIRECTORY request: FileInformationClass, FileId, the pattern buffer. */
    public boolean queryDirectoryRequest() {
        if (!fileIdAt(33, 8)) {
            return false;
        }
        c.seek(HEADER + 2);
        infoClass = c.u8();
        c.seek(HEADER + 24);
        int no = c.u16le();
        int nl = c.u16le();
        return c.ok() && buffer(no, nl, false);
    }

    /**
     * 2.2.39 SET_INFO request: InfoType, FileInfoClass, FileId, and for the classes that matter the
     * rename target (MS-FSCC 2.4.42 FILE_RENAME_INFORMATION: name at 20, length at 16 — buf2) or
     * the disposition (2.4.11 DeletePending u8; 2.4.12 FILE_DISPOSITION_INFORMATION_EX Flags bit 1).
     */
    public boolean setInfoRequest() {
        if (!fileIdAt(33, 16)) {
            return false;
        }
        c.seek(HEADER + 2);
        infoType = c.u8();
        infoClass = c.u8();
        long bl = c.u32le();
        int bo = c.u16le();
        deletePending = false;
        buf2Off = -1;
        buf2Len = 0;
        if (!c.ok() || !buffer(bo, bl, false)) {
            return false;
        }
        if (infoType != 1 || bufLen == 0) {
            return true;
        }
        c.seek(bo);
        if (infoClass == 10 && bufLen >= 20) {
            c.skip(16);
            long nl = c.u32le();
            return nl <= bufLen - 20 && buffer(bo + 20L, nl, true);
        }
        if (infoClass == 13) {
            deletePending = c.u8() != 0;
        } else if (infoClass == 64 && bufLen >= 4) {
            deletePending = (c.i32le() & 1) != 0;
        }
        return c.ok();
    }

    private static final int[] NONE = {};

    /** {@code a}, or a larger array (at most {@code cap}) when it holds fewer than {@code n} values. */
    private static int[] room(int[] a, int n, int cap) {
        return n <= a.length ? a : Arrays.copyOf(a, Math.min(cap, n));
    }

    /** The first {@code n} values of {@code a} as an immutable list (event fields; built once per event). */
    static List<Integer> boxed(int[] a, int n) {
        Integer[] out = new Integer[n];
        for (int i = 0; i < n; i++) {
            out[i] = a[i];
        }
        return List.of(out);
    }

    /** {@link #boxed} kinds: each keeps the last list made ({@link #boxed(int[], int, int)}). */
    static final int DIALECTS = 0;
    static final int HASHES = 1;
    static final int CIPHERS = 2;
    /** The last list of each kind, shared by the workers (immutable lists). */
    private static final AtomicReferenceArray<List<Integer>> LAST_BOXED = new AtomicReferenceArray<>(3);

    /**
     * {@link #boxed(int[], int)}, the last list of this kind when it holds the same values: a client
     * offers the same dialects, hashes and ciphers on every connection.
     */
    static List<Integer> boxed(int[] a, int n, int kind) {
        List<Integer> last = LAST_BOXED.get(kind);
        if (last != null && last.size() == n) {
            int i = 0;
            while (i < n && last.get(i) == a[i]) {
                i++;
            }
            if (i == n) {
                return last;
            }
        }
        List<Integer> l = boxed(a, n);
        LAST_BOXED.set(kind, l);
        return l;
    }
}
