package io.impacketsensor.decoders.smb2;

import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.flow.FlowContext;

import java.nio.charset.StandardCharsets;

/**
 * Looks for a Group Policy Preferences password in the data of SMB2 READ answers on files (not
 * pipes). A GPP file (MS-GPPREF 2.2.1: Groups.xml, Services.xml, ScheduledTasks.xml, DataSources.xml,
 * Drives.xml, Printers.xml) is an XML document whose elements may carry {@code cpassword="..."}, the
 * password AES-encrypted with the key Microsoft published (MS-GPPREF 2.2.1.1.4), which anyone who
 * reads the file decrypts. Only an answer whose data starts like an XML document ({@code <?xml},
 * after a UTF-8 byte order mark or none) is read, and only its first {@link #SCAN_BYTES} bytes, as
 * the framer streams them past ({@code NbssStream#stream}): any other file transfer is given up after
 * its first bytes. One byte at a time, no copy; the event is made only when a non-empty value is seen.
 * UTF-16 documents are not read (the GPP editor writes UTF-8).
 */
final class Smb2GppScan {
    /** Data bytes of one READ answer read at most: a GPP file's first element carries its passwords. */
    static final int SCAN_BYTES = 4096;
    /** Data bytes an answer must have to be looked at ({@code <?xml} and a little). */
    static final int MIN_BYTES = 8;

    private static final byte[] XML = {'<', '?', 'x', 'm', 'l'};
    private static final byte[] XML_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '<', '?', 'x', 'm', 'l'};
    private static final byte[] CPASSWORD = "cpassword=".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_ROOT = 32;

    private final FlowContext ctx;
    /** A window of a READ answer is being streamed to this scan. */
    private boolean streaming;
    private long remaining;
    /** Bytes of the window seen. */
    private int seen;
    /** 0 deciding, 1 an XML document, -1 not one (the rest of the window is passed over). */
    private int xml;
    private byte[] signature;
    private int match;
    /** 0 before the value; the quote character inside it. */
    private int quote;
    private boolean afterEquals;
    private int valueChars;
    private boolean reported;
    private int rootState;
    private final byte[] root = new byte[MAX_ROOT];
    private int rootLen;

    private long sessionId;
    private int treeId;
    private String share;
    private String fileName;
    private long offset;

    Smb2GppScan(FlowContext ctx) {
        this.ctx = ctx;
    }

    /** True while a window's bytes are expected. */
    boolean streaming() {
        return streaming;
    }

    /** The READ answer's data window of {@code length} bytes follows, for the open named by these. */
    void start(long length, long sessionId, int treeId, String share, String fileName, long offset) {
        streaming = true;
        remaining = length;
        seen = 0;
        xml = 0;
        signature = null;
        match = 0;
        quote = 0;
        afterEquals = false;
        valueChars = 0;
        reported = false;
        rootState = 0;
        rootLen = 0;
        this.sessionId = sessionId;
        this.treeId = treeId;
        this.share = share;
        this.fileName = fileName;
        this.offset = offset;
    }

    /** Any window still open is over (the framer is past its message). */
    void end() {
        if (streaming) {
            finish();
        }
    }

    void onStream(byte[] b, int off, int len) {
        int n = (int) Math.min(len, remaining);
        if (xml >= 0) {
            for (int i = 0; i < n && xml >= 0 && !reported; i++) {
                step(b[off + i]);
            }
        }
        remaining -= n;
        if (remaining <= 0) {
            finish();
        }
    }

    void onGap(long len) {
        // the value, if one was being read, ends where the bytes were lost
        finish();
    }

    private void finish() {
        streaming = false;
        if (xml > 0 && quote != 0 && valueChars > 0 && !reported) {
            // the value runs past the scanned prefix: a password all the same
            report();
        }
        share = null;
        fileName = null;
    }

    private void step(byte c) {
        if (xml == 0) {
            if (seen == 0) {
                signature = c == XML_BOM[0] ? XML_BOM : XML;
            }
            if (c != signature[seen]) {
                xml = -1;
                return;
            }
            seen++;
            if (seen == signature.length) {
                xml = 1;
                // the prolog's '<' was consumed by the signature: it is no element
            }
            return;
        }
        rootElement(c);
        cpassword(c);
    }

    /** The first element's name: the first '<' not followed by '?' or '!' (a declaration or comment). */
    private void rootElement(byte c) {
        switch (rootState) {
            case 0 -> rootState = c == '<' ? 1 : 0;
            case 1 -> {
                if (nameChar(c) && c != '-' && c != '.' && (c < '0' || c > '9')) {
                    root[0] = c;
                    rootLen = 1;
                    rootState = 2;
                } else {
                    rootState = 0;
                }
            }
            case 2 -> {
                if (nameChar(c) && rootLen < MAX_ROOT) {
                    root[rootLen++] = c;
                } else {
                    rootState = 3;
                }
            }
            default -> {
            }
        }
    }

    private static boolean nameChar(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':'
                || c == '-' || c == '.';
    }

    /** {@code cpassword="value"} (or single quotes, XML 1.0 2.3 AttValue): a non-empty value is reported. */
    private void cpassword(byte c) {
        if (quote != 0) {
            if (c == quote) {
                if (valueChars > 0) {
                    report();
                }
                quote = 0;
                valueChars = 0;
            } else {
                valueChars++;
            }
            return;
        }
        if (afterEquals) {
            afterEquals = false;
            if (c == '"' || c == '\'') {
                quote = c;
                return;
            }
        }
        if (c == CPASSWORD[match]) {
            match++;
            if (match == CPASSWORD.length) {
                match = 0;
                afterEquals = true;
            }
        } else {
            match = c == CPASSWORD[0] ? 1 : 0;
        }
    }

    private void report() {
        reported = true;
        String r = rootState >= 2 ? new String(root, 0, rootLen, StandardCharsets.US_ASCII) : "";
        ctx.emit(new SmbEvent.SmbGppCpassword(ctx.header(), sessionId, treeId, share == null ? "" : share,
                fileName == null ? "" : fileName, r, valueChars, offset));
    }
}
