package io.impacketsensor.decoders.rdp;

import io.impacketsensor.core.wire.BerTlv;
import io.impacketsensor.core.wire.ByteCursor;
import io.impacketsensor.core.wire.ParseStatus;

/**
 * The wire grammar of an RDP connection's start: TPKT (RFC 1006 6), the X.224 Connection Request
 * and Confirm (ISO 8073 13.3, 13.4) with the structures [MS-RDPBCGR] 2.2.1.1 and 2.2.1.2 put in
 * them, and the cleartext handshake messages of the TLS that follows (RFC 5246 7.4, RFC 8446 4).
 * Reads into its own fields (offsets into the caller's bytes, valid during the call) and returns a
 * {@link ParseStatus}; the reason of an {@code ERROR} is {@link #anomaly()}.
 *
 * <pre>
 *   TPKT      | 03 | 00 | length (u16 BE, whole packet) | TPDU ...
 *   X.224 CR  | LI | E0 | DST-REF (2) | SRC-REF (2) | class | [routingToken or cookie CRLF] [RDP_NEG_REQ] [CORRELATION_INFO]
 *   X.224 CC  | LI | D0 | DST-REF (2) | SRC-REF (2) | class | [RDP_NEG_RSP or RDP_NEG_FAILURE]
 *   RDP_NEG_* | type | flags | length (u16 LE, 8) | u32 LE
 *   TLS       | content type | version (2) | length (u16 BE) | fragment: handshake type | length (u24) | body ...
 * </pre>
 */
public final class RdpParser {
    /** TPKT version (RFC 1006 6). */
    static final int TPKT_VERSION = 3;
    /** TPKT header: version, reserved, length. */
    static final int TPKT_HEADER = 4;
    /** TLS record header (RFC 5246 6.2.1): type, version, length. */
    static final int TLS_HEADER = 5;
    /** X.224 TPDU codes (ISO 8073 13.1, the high nibble; class 0 leaves the low one 0). */
    static final int X224_CR = 0xE0;
    static final int X224_CC = 0xD0;
    static final int X224_DT = 0xF0;
    static final int X224_DR = 0x80;
    /** TLS content types (RFC 5246 6.2.1, RFC 8446 5.1). */
    static final int TLS_CHANGE_CIPHER_SPEC = 20;
    static final int TLS_ALERT = 21;
    static final int TLS_HANDSHAKE = 22;
    static final int TLS_APPLICATION_DATA = 23;
    /** TLS handshake types (RFC 5246 7.4, RFC 8446 4). */
    static final int HS_CLIENT_HELLO = 1;
    static final int HS_SERVER_HELLO = 2;
    static final int HS_CERTIFICATE = 11;
    static final int HS_SERVER_HELLO_DONE = 14;
    /** [MS-RDPBCGR] 2.2.1.1.1 / 2.2.1.2.1 / 2.2.1.2.2 / 2.2.1.1.2 structure types. */
    static final int TYPE_RDP_NEG_REQ = 1;
    static final int TYPE_RDP_NEG_RSP = 2;
    static final int TYPE_RDP_NEG_FAILURE = 3;
    static final int TYPE_RDP_CORRELATION_INFO = 6;
    /** RDP_NEG_REQ flag CORRELATION_INFO_PRESENT. */
    static final int CORRELATION_INFO_PRESENT = 0x08;
    /** "Cookie: mstshash=" ([MS-RDPBCGR] 2.2.1.1 cookie). */
    private static final byte[] MSTSHASH = "Cookie: mstshash=".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** TLS extension types (RFC 6066 3, RFC 8422 5.1, RFC 8446 4.2). */
    static final int EXT_SERVER_NAME = 0;
    static final int EXT_SUPPORTED_GROUPS = 10;
    static final int EXT_EC_POINT_FORMATS = 11;
    static final int EXT_SUPPORTED_VERSIONS = 43;

    private final RdpLimits limits;
    private final ByteCursor c = new ByteCursor();
    private final ByteCursor m = new ByteCursor();
    private final ByteCursor e = new ByteCursor();
    private final ByteCursor x = new ByteCursor();
    private final BerTlv tlv = new BerTlv();
    private RdpAnomaly anomaly;

    // X.224 TPDU
    /** TPDU code of the last TPKT (high nibble of the second TPDU octet). */
    public int tpduCode;
    /** Routing token or cookie line: offset and length without its CRLF; -1 when absent. */
    public int lineOff = -1;
    public int lineLen;
    /** The line is {@code Cookie: mstshash=...}; {@link #lineOff} then points past the prefix. */
    public boolean mstshash;
    /** Type of the negotiation structure (1 request, 2 response, 3 failure), 0 when absent. */
    public int negType;
    public int negFlags;
    /** requestedProtocols, selectedProtocol or failureCode. */
    public long negValue;
    public boolean correlationInfo;
    /** TPDU bytes after what was read. */
    public int trailing;

    // TLS handshake messages of one record
    public boolean clientHello;
    public boolean serverHello;
    public boolean certificate;
    public boolean serverHelloDone;
    /** ClientHello: legacy_version, and offsets/counts of its lists (u16 items unless said). */
    public int helloVersion;
    public int suitesOff;
    public int suitesCount;
    public int extOff;
    public int extLen;
    public int groupsOff = -1;
    public int groupsCount;
    /** ec_point_formats: u8 items. */
    public int formatsOff = -1;
    public int formatsCount;
    /** supported_versions of a ClientHello (u16 items) or the selected one of a ServerHello. */
    public int versionsOff = -1;
    public int versionsCount;
    public int sniOff = -1;
    public int sniLen;
    /** ServerHello: the chosen cipher suite and version. */
    public int serverCipher;
    public int serverVersion;
    /** Certificate: offsets and lengths of the serial numbers' contents, at most {@link RdpLimits#maxCertificates()}. */
    public final int[] serialOff;
    public final int[] serialLen;
    public int serials;

    public RdpParser(RdpLimits limits) {
        this.limits = limits;
        this.serialOff = new int[limits.maxCertificates()];
        this.serialLen = new int[limits.maxCertificates()];
    }

    /** Why the last parse answered {@code ERROR}. */
    public RdpAnomaly anomaly() {
        return anomaly;
    }

    private ParseStatus error(RdpAnomaly a) {
        anomaly = a;
        return ParseStatus.ERROR;
    }

    /**
     * A whole TPKT at {@code b[off, off+len)} (its length field says {@code len}): the X.224 TPDU
     * and, for a Connection Request or Confirm, the RDP structures in it.
     */
    public ParseStatus parse(byte[] b, int off, int len) {
        tpduCode = -1;
        lineOff = -1;
        lineLen = 0;
        mstshash = false;
        negType = 0;
        negFlags = 0;
        negValue = -1;
        correlationInfo = false;
        trailing = 0;
        c.wrap(b, off, len);
        if (c.u8() != TPKT_VERSION || len < TPKT_HEADER + 2) {
            return error(RdpAnomaly.BAD_TPKT);
        }
        c.skip(3);
        // ISO 8073 13.2.1: LI is the header's length without the LI octet itself; the user data
        // (none for CR and CC in RDP) follows it within the TPKT.
        int li = c.u8();
        int code = c.u8();
        tpduCode = code & 0xF0;
        if (li < 1 || li + 1 > len - TPKT_HEADER) {
            return error(RdpAnomaly.MALFORMED_X224);
        }
        if (tpduCode != X224_CR && tpduCode != X224_CC) {
            return ParseStatus.OK;
        }
        // DST-REF, SRC-REF, class option (13.3.1): 5 octets of the fixed part after the code.
        if (li < 6) {
            return error(RdpAnomaly.MALFORMED_X224);
        }
        c.skip(5);
        int end = TPKT_HEADER + 1 + li;
        if (tpduCode == X224_CR) {
            line(b, off, end);
        }
        if (c.position() + 8 <= end) {
            negType = c.u8();
            negFlags = c.u8();
            int length = c.u16le();
            negValue = c.u32le();
            boolean expected = tpduCode == X224_CR ? negType == TYPE_RDP_NEG_REQ
                    : negType == TYPE_RDP_NEG_RSP || negType == TYPE_RDP_NEG_FAILURE;
            // [MS-RDPBCGR] 2.2.1.1.1, 2.2.1.2.1, 2.2.1.2.2: the length field MUST be 8.
            if (!expected || length != 8) {
                return error(RdpAnomaly.MALFORMED_NEGOTIATION);
            }
            if (tpduCode == X224_CR && (negFlags & CORRELATION_INFO_PRESENT) != 0 && c.position() + 36 <= end) {
                // 2.2.1.1.2: type 6, flags, length 36, correlationId (16), reserved (16).
                int type = c.u8();
                c.u8();
                int clen = c.u16le();
                if (type != TYPE_RDP_CORRELATION_INFO || clen != 36) {
                    return error(RdpAnomaly.MALFORMED_NEGOTIATION);
                }
                c.skip(32);
                correlationInfo = true;
            }
        }
        trailing = end - c.position();
        return c.ok() ? ParseStatus.OK : error(RdpAnomaly.MALFORMED_X224);
    }

    /**
     * [MS-RDPBCGR] 2.2.1.1: a routingToken or cookie is an ASCII line ended by CR LF right after the
     * fixed part; an RDP_NEG_REQ starts with type 1, which no such line does ("Cookie: " or a
     * load balancer's token).
     */
    private void line(byte[] b, int off, int end) {
        int start = c.position();
        if (start >= end || b[off + start] == TYPE_RDP_NEG_REQ) {
            return;
        }
        for (int i = start; i + 1 < end; i++) {
            if (b[off + i] == '\r' && b[off + i + 1] == '\n') {
                int n = i - start;
                if (n >= MSTSHASH.length && regionMatches(b, off + start, MSTSHASH)) {
                    mstshash = true;
                    lineOff = off + start + MSTSHASH.length;
                    lineLen = n - MSTSHASH.length;
                } else {
                    lineOff = off + start;
                    lineLen = n;
                }
                c.seek(i + 2);
                return;
            }
        }
        // No CR LF inside the TPDU: the rest is not a line; left as trailing bytes.
        c.seek(end);
    }

    private static boolean regionMatches(byte[] b, int off, byte[] ascii) {
        for (int i = 0; i < ascii.length; i++) {
            if (b[off + i] != ascii[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The fragment of one TLS handshake record at {@code b[off, off+len)}: every handshake message
     * it holds whole. A message that goes on in the next record (a long certificate chain) is not
     * gathered; the messages before it are still read.
     */
    public ParseStatus handshake(byte[] b, int off, int len) {
        clientHello = false;
        serverHello = false;
        certificate = false;
        serverHelloDone = false;
        c.wrap(b, off, len);
        while (c.remaining() >= 4) {
            int type = c.u8();
            int n = c.u8() << 16 | c.u16be();
            if (!c.has(n)) {
                return ParseStatus.OK;
            }
            c.slice(n, m);
            ParseStatus st = switch (type) {
                case HS_CLIENT_HELLO -> clientHello(m);
                case HS_SERVER_HELLO -> serverHello(m);
                case HS_CERTIFICATE -> certificate(m);
                case HS_SERVER_HELLO_DONE -> {
                    serverHelloDone = true;
                    yield ParseStatus.OK;
                }
                default -> ParseStatus.OK;
            };
            if (st != ParseStatus.OK) {
                return st;
            }
        }
        return ParseStatus.OK;
    }

    /** RFC 5246 7.4.1.2 / RFC 8446 4.1.2. */
    private ParseStatus clientHello(ByteCursor h) {
        groupsOff = -1;
        groupsCount = 0;
        formatsOff = -1;
        formatsCount = 0;
        versionsOff = -1;
        versionsCount = 0;
        sniOff = -1;
        sniLen = 0;
        extOff = 0;
        extLen = 0;
        helloVersion = h.u16be();
        h.skip(32);
        h.skip(h.u8());
        int suites = h.u16be();
        if ((suites & 1) != 0 || !h.has(suites)) {
            return error(RdpAnomaly.MALFORMED_TLS_HANDSHAKE);
        }
        suitesOff = h.arrayPosition();
        suitesCount = suites / 2;
        h.skip(suites);
        h.skip(h.u8());
        if (!h.ok()) {
            return error(RdpAnomaly.MALFORMED_TLS_HANDSHAKE);
        }
        if (h.hasRemaining()) {
            int n = h.u16be();
            if (!h.has(n)) {
                return error(RdpAnomaly.MALFORMED_TLS_HANDSHAKE);
            }
            extOff = h.arrayPosition();
            extLen = n;
            h.slice(n, e);
            while (e.remaining() >= 4) {
                int type = e.u16be();
                int l = e.u16be();
                if (!e.has(l)) {
                    return error(RdpAnomaly.MALFORMED_TLS_HANDSHAKE);
                }
                int at = e.arrayPosition();
                e.skip(l);
                if (!extension(h.array(), type, at, l)) {
                    return error(RdpAnomaly.MALFORMED_TLS_HANDSHAKE);
                }
            }
            if (e.hasRemaining()) {
                return error(RdpAnomaly.MALFORMED_TLS_HANDSHAKE);
            }
        }
        clientHello = true;
        return ParseStatus.OK;
    }

    /** One ClientHello extension at {@code b[at, at+l)}; false when its inner lengths overrun it. */
    private boolean extension(byte[] b, int type, int at, int l) {
        switch (type) {
            case EXT_SERVER_NAME -> {
                // RFC 6066 3: ServerNameList, entries of name_type (0 host_name) and a 16-bit length.
                x.wrap(b, at, l);
                int list = x.u16be();
                if (!x.has(list)) {
                    return false;
                }
                while (x.remaining() >= 3) {
                    int nameType = x.u8();
                    int n = x.u16be();
                    if (!x.has(n)) {
                        return false;
                    }
                    if (nameType == 0 && sniOff < 0) {
                        sniOff = x.arrayPosition();
                        sniLen = n;
                    }
                    x.skip(n);
                }
                return x.ok();
            }
            case EXT_SUPPORTED_GROUPS -> {
                x.wrap(b, at, l);
                int n = x.u16be();
                if ((n & 1) != 0 || !x.has(n)) {
                    return false;
                }
                groupsOff = x.arrayPosition();
                groupsCount = n / 2;
                return x.ok();
            }
            case EXT_EC_POINT_FORMATS -> {
                x.wrap(b, at, l);
                int n = x.u8();
                if (!x.has(n)) {
                    return false;
                }
                formatsOff = x.arrayPosition();
                formatsCount = n;
                return x.ok();
            }
            case EXT_SUPPORTED_VERSIONS -> {
                x.wrap(b, at, l);
                int n = x.u8();
                if ((n & 1) != 0 || !x.has(n)) {
                    return false;
                }
                versionsOff = x.arrayPosition();
                versionsCount = n / 2;
                return x.ok();
            }
            default -> {
                return true;
            }
        }
    }

    /** RFC 5246 7.4.1.3 / RFC 8446 4.1.3: version, random, session id, cipher suite, compression, extensions. */
    private ParseStatus serverHello(ByteCursor h) {
        serverVersion = h.u16be();
        h.skip(32);
        h.skip(h.u8());
        serverCipher = h.u16be();
        h.u8();
        if (!h.ok()) {
            return error(RdpAnomaly.MALFORMED_TLS_HANDSHAKE);
        }
        if (h.remaining() >= 2) {
            int n = h.u16be();
            if (!h.has(n)) {
                return error(RdpAnomaly.MALFORMED_TLS_HANDSHAKE);
            }
            h.slice(n, e);
            while (e.remaining() >= 4) {
                int type = e.u16be();
                int l = e.u16be();
                if (!e.has(l)) {
                    return error(RdpAnomaly.MALFORMED_TLS_HANDSHAKE);
                }
                // RFC 8446 4.2.1: in a ServerHello, supported_versions holds the one selected version.
                if (type == EXT_SUPPORTED_VERSIONS && l == 2) {
                    serverVersion = e.u16be();
                } else {
                    e.skip(l);
                }
            }
        }
        serverHello = true;
        return ParseStatus.OK;
    }

    /**
     * RFC 5246 7.4.2: certificate_list (u24 length) of ASN.1Cert (u24 length, DER). Of each the
     * serialNumber (RFC 5280 4.1: Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version
     * OPTIONAL, serialNumber INTEGER, ...}}).
     */
    private ParseStatus certificate(ByteCursor h) {
        serials = 0;
        int list = h.u8() << 16 | h.u16be();
        if (!h.ok() || !h.has(list)) {
            return error(RdpAnomaly.MALFORMED_TLS_HANDSHAKE);
        }
        while (h.remaining() >= 3) {
            int n = h.u8() << 16 | h.u16be();
            if (!h.has(n)) {
                return error(RdpAnomaly.MALFORMED_TLS_HANDSHAKE);
            }
            h.slice(n, e);
            if (serials < serialOff.length && serial(e)) {
                serials++;
            }
        }
        certificate = true;
        return ParseStatus.OK;
    }

    private boolean serial(ByteCursor d) {
        int max = d.remaining();
        if (tlv.read(d, false, max) != ParseStatus.OK || !tlv.is(BerTlv.CLASS_UNIVERSAL, 16)
                || tlv.read(d, false, max) != ParseStatus.OK || !tlv.is(BerTlv.CLASS_UNIVERSAL, 16)
                || tlv.read(d, false, max) != ParseStatus.OK) {
            return false;
        }
        if (tlv.is(BerTlv.CLASS_CONTEXT, 0)) {
            d.skip(tlv.length);
            if (tlv.read(d, false, max) != ParseStatus.OK) {
                return false;
            }
        }
        if (!tlv.is(BerTlv.CLASS_UNIVERSAL, 2) || tlv.length < 1 || !d.has(tlv.length)) {
            return false;
        }
        serialOff[serials] = d.arrayPosition();
        serialLen[serials] = tlv.length;
        return true;
    }
}
