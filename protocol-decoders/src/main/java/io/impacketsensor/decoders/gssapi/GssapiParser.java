package io.impacketsensor.decoders.gssapi;

import io.impacketsensor.core.wire.BerTlv;
import io.impacketsensor.core.wire.ByteCursor;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.decoders.ntlmssp.NtlmsspParser;

/**
 * Pure grammar of one security token, parsed one level deep into this reused flyweight.
 *
 * <pre>
 *   GSS InitialContextToken (RFC 2743 3.1):  [APPLICATION 0] { thisMech OID, innerToken }
 *     thisMech 1.3.6.1.5.5.2 (SPNEGO)      innerToken = NegotiationToken
 *     thisMech 1.2.840.113554.1.2.2 (KRB5) innerToken = TOK_ID(2) + Kerberos DER (RFC 4121 4.1)
 *   NegotiationToken (RFC 4178 4.2): [0] NegTokenInit | [1] NegTokenResp
 *     NegTokenInit  SEQUENCE { [0] mechTypes SEQUENCE OF OID, [1] reqFlags, [2] mechToken OCTET STRING,
 *                              [3] mechListMIC (or MS-SPNG negHints), [4] mechListMIC }
 *     NegTokenResp  SEQUENCE { [0] negState ENUMERATED, [1] supportedMech OID,
 *                              [2] responseToken OCTET STRING, [3] mechListMIC }
 *   raw "NTLMSSP\0" ... ; raw Kerberos [APPLICATION 14|15|30]
 * </pre>
 */
public final class GssapiParser {
    /** Token kinds. */
    public static final int UNKNOWN = 0;
    public static final int NTLMSSP = 1;
    public static final int KRB5 = 2;
    public static final int NEG_INIT = 3;
    public static final int NEG_RESP = 4;

    /** Mechanism codes for OIDs. */
    public static final int MECH_NONE = 0;
    public static final int MECH_OTHER = 1;
    public static final int MECH_SPNEGO = 2;
    public static final int MECH_KRB5 = 3;
    public static final int MECH_MS_KRB5 = 4;
    public static final int MECH_NTLMSSP = 5;
    public static final int MECH_NEGOEX = 6;

    private static final byte[] OID_SPNEGO = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
    private static final byte[] OID_KRB5 = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x12, 0x01, 0x02, 0x02};
    private static final byte[] OID_MS_KRB5 = {0x2a, (byte) 0x86, 0x48, (byte) 0x82, (byte) 0xf7, 0x12, 0x01, 0x02, 0x02};
    private static final byte[] OID_NTLMSSP = {0x2b, 0x06, 0x01, 0x04, 0x01, (byte) 0x82, 0x37, 0x02, 0x02, 0x0a};
    private static final byte[] OID_NEGOEX = {0x2b, 0x06, 0x01, 0x04, 0x01, (byte) 0x82, 0x37, 0x02, 0x02, 0x1e};

    private final GssapiLimits limits;
    private final BerTlv tlv = new BerTlv();
    private final ByteCursor c = new ByteCursor();
    private final ByteCursor seq = new ByteCursor();
    private final ByteCursor elem = new ByteCursor();
    private final ByteCursor list = new ByteCursor();

    /** Why the last parse failed, or null. */
    public GssapiAnomaly error;
    /** One of UNKNOWN, NTLMSSP, KRB5, NEG_INIT, NEG_RESP. */
    public int kind;
    /** The inner token (mechToken, responseToken, the Kerberos message of a KRB5 token, or the whole raw token). */
    public int innerOff;
    public int innerLen;
    /** KRB5 TOK_ID (0x0100 AP-REQ, 0x0200 AP-REP, 0x0300 KRB-ERROR), or -1. */
    public int tokId;
    /** NegTokenInit mechTypes: how many, and the first (the optimistic mechanism). */
    public int mechCount;
    public int firstMech;
    /** NegTokenResp supportedMech, or MECH_NONE. */
    public int supportedMech;
    /** NegTokenResp negState (0 accept-completed, 1 accept-incomplete, 2 reject, 3 request-mic), or -1. */
    public int negState;

    public GssapiParser(GssapiLimits limits) {
        this.limits = limits;
    }

    /** Parses the outer layer of one whole token in {@code buf[off, off+len)}. */
    public ParseStatus parse(byte[] buf, int off, int len) {
        error = null;
        kind = UNKNOWN;
        innerOff = -1;
        innerLen = 0;
        tokId = -1;
        mechCount = 0;
        firstMech = MECH_NONE;
        supportedMech = MECH_NONE;
        negState = -1;
        if (len > limits.maxTokenSize()) {
            error = GssapiAnomaly.TOKEN_TOO_LARGE;
            return ParseStatus.ERROR;
        }
        if (NtlmsspParser.isNtlmssp(buf, off, len)) {
            kind = NTLMSSP;
            innerOff = off;
            innerLen = len;
            return ParseStatus.OK;
        }
        if (len < 2) {
            return fail();
        }
        c.wrap(buf, off, len);
        int first = buf[off] & 0xFF;
        if (first == 0x60) {
            return parseInitialContextToken();
        }
        if (first == 0xA0 || first == 0xA1) {
            return parseNegotiationToken(c);
        }
        if (first == 0x6E || first == 0x6F || first == 0x7E) {
            // A bare Kerberos AP-REQ/AP-REP/KRB-ERROR (some SPNEGO responseTokens omit the framing).
            kind = KRB5;
            innerOff = off;
            innerLen = len;
            return ParseStatus.OK;
        }
        return ParseStatus.OK;
    }

    private ParseStatus parseInitialContextToken() {
        if (!enter(c, seq, BerTlv.CLASS_APPLICATION, 0)) {
            return fail();
        }
        if (tlv.read(seq, false, seq.remaining()) != ParseStatus.OK || !tlv.is(BerTlv.CLASS_UNIVERSAL, 6)
                || !seq.has(tlv.length)) {
            return fail();
        }
        int mech = mechOf(seq.array(), seq.arrayPosition(), tlv.length);
        seq.skip(tlv.length);
        if (mech == MECH_SPNEGO) {
            return parseNegotiationToken(seq);
        }
        if (mech == MECH_KRB5 || mech == MECH_MS_KRB5) {
            if (seq.remaining() < 2) {
                return fail();
            }
            kind = KRB5;
            tokId = seq.u16be();
            innerOff = seq.arrayPosition();
            innerLen = seq.remaining();
            return ParseStatus.OK;
        }
        kind = UNKNOWN;
        return ParseStatus.OK;
    }

    private ParseStatus parseNegotiationToken(ByteCursor from) {
        int first = from.peekU8(from.position());
        boolean init = first == 0xA0;
        if (!enter(from, elem, BerTlv.CLASS_CONTEXT, init ? 0 : 1) || !enter(elem, seq, BerTlv.CLASS_UNIVERSAL, 16)) {
            return fail();
        }
        kind = init ? NEG_INIT : NEG_RESP;
        while (seq.hasRemaining()) {
            if (tlv.read(seq, false, seq.remaining()) != ParseStatus.OK || tlv.tagClass != BerTlv.CLASS_CONTEXT
                    || !seq.has(tlv.length)) {
                return fail();
            }
            int tag = tlv.tagNumber;
            seq.slice(tlv.length, elem);
            if (init && tag == 0) {
                if (!mechTypes()) {
                    return error == null ? fail() : ParseStatus.ERROR;
                }
            } else if (tag == 2) {
                if (!enter(elem, list, BerTlv.CLASS_UNIVERSAL, 4)) {
                    return fail();
                }
                innerOff = list.arrayPosition();
                innerLen = list.remaining();
            } else if (!init && tag == 0) {
                if (tlv.read(elem, false, 4) != ParseStatus.OK || tlv.length != 1 || !elem.has(1)) {
                    return fail();
                }
                negState = elem.u8();
            } else if (!init && tag == 1) {
                if (tlv.read(elem, false, elem.remaining()) != ParseStatus.OK || !elem.has(tlv.length)) {
                    return fail();
                }
                supportedMech = mechOf(elem.array(), elem.arrayPosition(), tlv.length);
            }
        }
        return ParseStatus.OK;
    }

    private boolean mechTypes() {
        if (!enter(elem, list, BerTlv.CLASS_UNIVERSAL, 16)) {
            return false;
        }
        while (list.hasRemaining()) {
            if (tlv.read(list, false, list.remaining()) != ParseStatus.OK || !list.has(tlv.length)) {
                return false;
            }
            if (++mechCount > limits.maxMechTypes()) {
                error = GssapiAnomaly.TOO_MANY_MECHS;
                return false;
            }
            if (mechCount == 1) {
                firstMech = mechOf(list.array(), list.arrayPosition(), tlv.length);
            }
            list.skip(tlv.length);
        }
        return true;
    }

    /** Reads a header of the given class/number from {@code from} and points {@code into} at its content. */
    private boolean enter(ByteCursor from, ByteCursor into, int cls, int number) {
        if (tlv.read(from, false, from.remaining()) != ParseStatus.OK || !tlv.is(cls, number) || !from.has(tlv.length)) {
            return false;
        }
        from.slice(tlv.length, into);
        return true;
    }

    private ParseStatus fail() {
        if (error == null) {
            error = GssapiAnomaly.MALFORMED_TOKEN;
        }
        return ParseStatus.ERROR;
    }

    /** Mechanism code of the OID content bytes. */
    public static int mechOf(byte[] b, int off, int len) {
        if (eq(b, off, len, OID_NTLMSSP)) {
            return MECH_NTLMSSP;
        }
        if (eq(b, off, len, OID_KRB5)) {
            return MECH_KRB5;
        }
        if (eq(b, off, len, OID_MS_KRB5)) {
            return MECH_MS_KRB5;
        }
        if (eq(b, off, len, OID_SPNEGO)) {
            return MECH_SPNEGO;
        }
        if (eq(b, off, len, OID_NEGOEX)) {
            return MECH_NEGOEX;
        }
        return MECH_OTHER;
    }

    private static boolean eq(byte[] b, int off, int len, byte[] oid) {
        if (len != oid.length || off < 0 || off > b.length - len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (b[off + i] != oid[i]) {
                return false;
            }
        }
        return true;
    }
}
