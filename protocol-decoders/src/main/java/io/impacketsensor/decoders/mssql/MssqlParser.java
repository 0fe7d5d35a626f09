package io.impacketsensor.decoders.mssql;

import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.ParseStatus;

/**
 * The grammar of the TDS messages the analyzer reads (MS-TDS 2.2): the packet header (2.2.3.1),
 * PRELOGIN (2.2.6.5), LOGIN7 (2.2.6.4), the SQL batch's ALL_HEADERS and text (2.2.6.7, 2.2.5.3)
 * and the tokens of a login response (2.2.7: LOGINACK, ERROR, INFO, ENVCHANGE, SSPI, FEATUREEXTACK,
 * DONE). Everything is kept as offsets and lengths into the array given; nothing is allocated.
 */
final class MssqlParser {
    static final int HEADER = 8;

    /** Packet types (MS-TDS 2.2.3.1.1). */
    static final int SQL_BATCH = 0x01;
    static final int PRE_TDS7_LOGIN = 0x02;
    static final int RPC = 0x03;
    static final int TABULAR_RESULT = 0x04;
    static final int ATTENTION = 0x06;
    static final int BULK_LOAD = 0x07;
    static final int FEDAUTH_TOKEN = 0x08;
    static final int TRANSACTION_MANAGER = 0x0E;
    static final int LOGIN7 = 0x10;
    static final int SSPI = 0x11;
    static final int PRELOGIN = 0x12;

    /** Status bit: the last packet of the message (2.2.3.1.2). */
    static final int EOM = 0x01;

    /** PRELOGIN ENCRYPTION values (2.2.6.5). */
    static final int ENCRYPT_OFF = 0;
    static final int ENCRYPT_ON = 1;
    static final int ENCRYPT_NOT_SUP = 2;
    static final int ENCRYPT_REQ = 3;

    /** The reason of the last ERROR. */
    MssqlAnomaly anomaly;

    // Packet header.
    int type;
    int status;
    int length;

    // PRELOGIN.
    boolean hasVersion;
    int versionMajor;
    int versionMinor;
    int versionBuild;
    int versionSubbuild;
    int encryption;
    int instanceOff;
    int instanceLen;
    /** An option lay outside the message: it was passed over, the others read. */
    boolean optionOutside;

    // LOGIN7: character fields as byte offset and byte length of their UTF-16LE text.
    long tdsVersion;
    int optionFlags2;
    int hostOff;
    int hostLen;
    int userOff;
    int userLen;
    int appOff;
    int appLen;
    int serverOff;
    int serverLen;
    int libraryOff;
    int libraryLen;
    int databaseOff;
    int databaseLen;
    int sspiOff;
    int sspiLen;

    // Login response tokens.
    boolean loginAck;
    int progOff;
    int progLen;
    long errorNumber;
    int errorOff;
    int errorLen;

    // SQL batch.
    int textOff;
    int textLen;

    /**
     * Reads the 8-byte packet header at {@code b[off, off+8)}: OK for a known type and a length of
     * at least 8, else ERROR.
     */
    ParseStatus header(byte[] b, int off) {
        type = b[off] & 0xFF;
        status = b[off + 1] & 0xFF;
        length = Bytes.u16be(b, off + 2);
        if (length < HEADER || !knownType(type)) {
            anomaly = MssqlAnomaly.BAD_PACKET;
            return ParseStatus.ERROR;
        }
        return ParseStatus.OK;
    }

    static boolean knownType(int t) {
        return switch (t) {
            case SQL_BATCH, PRE_TDS7_LOGIN, RPC, TABULAR_RESULT, ATTENTION, BULK_LOAD, FEDAUTH_TOKEN,
                    TRANSACTION_MANAGER, LOGIN7, SSPI, PRELOGIN -> true;
            default -> false;
        };
    }

    /**
     * The option table of a PRELOGIN message or of the server's answer to it (2.2.6.5): option
     * token, big-endian offset and length, ending with 0xFF; offsets count from the message start.
     */
    ParseStatus prelogin(byte[] b, int off, int len) {
        hasVersion = false;
        encryption = -1;
        instanceLen = 0;
        optionOutside = false;
        int p = 0;
        while (true) {
            if (p >= len) {
                return fail(MssqlAnomaly.MALFORMED_PRELOGIN);
            }
            int token = b[off + p] & 0xFF;
            if (token == 0xFF) {
                return ParseStatus.OK;
            }
            if (p + 5 > len) {
                return fail(MssqlAnomaly.MALFORMED_PRELOGIN);
            }
            int o = Bytes.u16be(b, off + p + 1);
            int l = Bytes.u16be(b, off + p + 3);
            if (o + l > len) {
                // Read what lies inside, as tshark does: a responder that cuts its last option short
                // still says what it chose for the options before it.
                optionOutside = true;
                p += 5;
                continue;
            }
            int at = off + o;
            switch (token) {
                case 0x00 -> {
                    if (l >= 6) {
                        hasVersion = true;
                        versionMajor = b[at] & 0xFF;
                        versionMinor = b[at + 1] & 0xFF;
                        versionBuild = Bytes.u16be(b, at + 2);
                        versionSubbuild = Bytes.u16be(b, at + 4);
                    }
                }
                case 0x01 -> {
                    if (l >= 1) {
                        encryption = b[at] & 0xFF;
                    }
                }
                case 0x02 -> {
                    // B_INSTVALIDITY: the instance name, ending with 0x00.
                    int n = 0;
                    while (n < l && b[at + n] != 0) {
                        n++;
                    }
                    instanceOff = at;
                    instanceLen = n;
                }
                default -> {
                }
            }
            p += 5;
        }
    }

    /**
     * LOGIN7 (2.2.6.4): the fixed part (Length, TDSVersion ... ClientLCID, 36 bytes), then the
     * OffsetLength table whose offsets count from the start of LOGIN7 and whose lengths count
     * UTF-16 characters (the SSPI data bytes; cbSSPILong when cbSSPI is 0xFFFF, TDS 7.2+).
     */
    ParseStatus login7(byte[] b, int off, int len) {
        hostLen = userLen = appLen = serverLen = libraryLen = databaseLen = sspiLen = 0;
        if (len < 86) {
            return fail(MssqlAnomaly.MALFORMED_LOGIN7);
        }
        long total = Bytes.u32le(b, off);
        if (total > len || total < 86) {
            return fail(MssqlAnomaly.MALFORMED_LOGIN7);
        }
        int end = (int) total;
        tdsVersion = Bytes.u32le(b, off + 4);
        optionFlags2 = b[off + 25] & 0xFF;
        if (!chars(b, off, end, 36)) {
            return fail(MssqlAnomaly.MALFORMED_LOGIN7);
        }
        hostOff = fieldOff;
        hostLen = fieldLen;
        if (!chars(b, off, end, 40)) {
            return fail(MssqlAnomaly.MALFORMED_LOGIN7);
        }
        userOff = fieldOff;
        userLen = fieldLen;
        if (!chars(b, off, end, 48)) {
            return fail(MssqlAnomaly.MALFORMED_LOGIN7);
        }
        appOff = fieldOff;
        appLen = fieldLen;
        if (!chars(b, off, end, 52)) {
            return fail(MssqlAnomaly.MALFORMED_LOGIN7);
        }
        serverOff = fieldOff;
        serverLen = fieldLen;
        if (!chars(b, off, end, 60)) {
            return fail(MssqlAnomaly.MALFORMED_LOGIN7);
        }
        libraryOff = fieldOff;
        libraryLen = fieldLen;
        if (!chars(b, off, end, 68)) {
            return fail(MssqlAnomaly.MALFORMED_LOGIN7);
        }
        databaseOff = fieldOff;
        databaseLen = fieldLen;
        int ib = Bytes.u16le(b, off + 78);
        long cb = Bytes.u16le(b, off + 80);
        if (cb == 0xFFFF && end >= 94) {
            cb = Bytes.u32le(b, off + 90);
        }
        if (cb > 0) {
            if (ib + cb > end) {
                return fail(MssqlAnomaly.MALFORMED_LOGIN7);
            }
            sspiOff = off + ib;
            sspiLen = (int) cb;
        }
        return ParseStatus.OK;
    }

    private int fieldOff;
    private int fieldLen;

    /** The offset/length pair at {@code table} of a LOGIN7: false when the text lies outside it. */
    private boolean chars(byte[] b, int off, int end, int table) {
        int ib = Bytes.u16le(b, off + table);
        int cch = Bytes.u16le(b, off + table + 2);
        if (cch == 0) {
            fieldOff = off;
            fieldLen = 0;
            return true;
        }
        if (ib + 2L * cch > end) {
            return false;
        }
        fieldOff = off + ib;
        fieldLen = 2 * cch;
        return true;
    }

    /**
     * The tokens of the server's answer to a login (2.2.7): the SSPI token (2.2.7.22) carries the
     * server's security token, LOGINACK (2.2.7.14) accepts the login, the first ERROR (2.2.7.10)
     * refuses it. Reading stops at a token a login answer does not carry.
     *
     * @param tds72 the login asked for TDS 7.2 or later (DONE carries an 8-byte row count)
     */
    ParseStatus loginResponse(byte[] b, int off, int len, boolean tds72) {
        loginAck = false;
        progLen = 0;
        errorNumber = 0;
        errorLen = 0;
        sspiLen = 0;
        int p = off;
        int end = off + len;
        while (p < end) {
            int token = b[p++] & 0xFF;
            switch (token) {
                case 0xAD, 0xAA, 0xAB, 0xE3, 0xED -> {
                    if (p + 2 > end) {
                        return fail(MssqlAnomaly.MALFORMED_TOKEN);
                    }
                    int l = Bytes.u16le(b, p);
                    p += 2;
                    if (p + l > end) {
                        return fail(MssqlAnomaly.MALFORMED_TOKEN);
                    }
                    if (token == 0xAD) {
                        loginAck(b, p, l);
                    } else if (token == 0xAA && errorNumber == 0) {
                        error(b, p, l);
                    } else if (token == 0xED && sspiLen == 0) {
                        sspiOff = p;
                        sspiLen = l;
                    }
                    p += l;
                }
                case 0xAE -> {
                    // FEATUREEXTACK (2.2.7.11): FeatureId, DWORD length, data ... until 0xFF.
                    while (true) {
                        if (p >= end) {
                            return fail(MssqlAnomaly.MALFORMED_TOKEN);
                        }
                        if ((b[p++] & 0xFF) == 0xFF) {
                            break;
                        }
                        if (p + 4 > end) {
                            return fail(MssqlAnomaly.MALFORMED_TOKEN);
                        }
                        long l = Bytes.u32le(b, p);
                        if (l > end - p - 4) {
                            return fail(MssqlAnomaly.MALFORMED_TOKEN);
                        }
                        p += 4 + (int) l;
                    }
                }
                case 0xFD, 0xFE, 0xFF -> p += tds72 ? 12 : 8;
                default -> {
                    return ParseStatus.OK;
                }
            }
        }
        return ParseStatus.OK;
    }

    /** LOGINACK: Interface, TDSVersion, ProgName (B_VARCHAR), version. */
    private void loginAck(byte[] b, int p, int l) {
        loginAck = true;
        if (l >= 6) {
            int chars = b[p + 5] & 0xFF;
            if (6 + 2 * chars <= l) {
                progOff = p + 6;
                progLen = 2 * chars;
            }
        }
    }

    /** ERROR: Number, State, Class, MsgText (US_VARCHAR) ... */
    private void error(byte[] b, int p, int l) {
        if (l < 8) {
            return;
        }
        errorNumber = Bytes.u32le(b, p);
        int chars = Bytes.u16le(b, p + 6);
        if (8 + 2 * chars <= l) {
            errorOff = p + 8;
            errorLen = 2 * chars;
        }
    }

    /**
     * A SQL batch's first packet (2.2.6.7): ALL_HEADERS (TDS 7.2+, 2.2.5.3: TotalLength, then
     * headers each with its own length) when present, then the UTF-16LE text.
     */
    ParseStatus batch(byte[] b, int off, int len) {
        int p = 0;
        if (len >= 4) {
            long total = Bytes.u32le(b, off);
            if (total >= 4 && total <= len && (total == 4 || total >= 10 && Bytes.u32le(b, off + 4) <= total - 4)) {
                p = (int) total;
            }
        }
        textOff = off + p;
        textLen = (len - p) & ~1;
        return ParseStatus.OK;
    }

    private ParseStatus fail(MssqlAnomaly a) {
        anomaly = a;
        return ParseStatus.ERROR;
    }
}
