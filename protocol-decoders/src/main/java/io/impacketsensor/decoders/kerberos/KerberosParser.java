package io.impacketsensor.decoders.kerberos;

import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.KerberosEvent.PrincipalName;
import io.impacketsensor.core.event.KerberosEvent.TicketInfo;
import io.impacketsensor.core.wire.BerTlv;
import io.impacketsensor.core.wire.ByteCursor;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.decoders.text.RecentBytes;
import io.impacketsensor.decoders.text.RecentLists;
import io.impacketsensor.decoders.text.RecentStrings;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one whole DER-encoded Kerberos message (RFC 4120 5, MS-KILE, MS-SFU 2.2, RFC 6113) into
 * its fields; never emits events. The whole message is first {@link BerTlv#measure measured}
 * (depth, lengths, nesting), then its cleartext fields are read; encrypted parts stay opaque.
 *
 * <pre>
 *   AS-REQ  [APPLICATION 10] / TGS-REQ [12]  SEQUENCE { [1] pvno, [2] msg-type, [3] padata, [4] req-body }
 *   AS-REP  [APPLICATION 11] / TGS-REP [13]  SEQUENCE { [0] pvno, [1] msg-type, [2] padata, [3] crealm,
 *                                                      [4] cname, [5] ticket, [6] enc-part }
 *   AP-REQ  [APPLICATION 14]  SEQUENCE { [0] pvno, [1] msg-type, [2] ap-options, [3] ticket, [4] authenticator }
 *   AP-REP  [APPLICATION 15]  SEQUENCE { [0] pvno, [1] msg-type, [2] enc-part }
 *   KRB-ERROR [APPLICATION 30] SEQUENCE { ..., [6] error-code, [7] crealm, [8] cname, [9] realm,
 *                                         [10] sname, [11] e-text, [12] e-data }
 * </pre>
 *
 * The decoded fields are materialised (strings, lists) only after the structure was checked: each
 * message that parses becomes an event ({@link KerberosEvents} builds it from these fields).
 */
public final class KerberosParser {
    /** PA-DATA types decoded (RFC 4120 7.5.2, MS-KILE 2.2, MS-SFU 2.2, RFC 6113 7.4). */
    static final int PA_TGS_REQ = 1;
    static final int PA_ENC_TIMESTAMP = 2;
    static final int PA_PAC_REQUEST = 128;
    static final int PA_FOR_USER = 129;
    static final int PA_S4U_X509_USER = 130;
    static final int PA_FX_FAST = 136;
    static final int PA_PAC_OPTIONS = 167;

    private static final int U = BerTlv.CLASS_UNIVERSAL;
    private static final int CTX = BerTlv.CLASS_CONTEXT;
    private static final int SEQ = 16;

    private final KerberosLimits limits;
    private final BerTlv t = new BerTlv();
    private final ByteCursor c = new ByteCursor();
    private final ByteCursor sub = new ByteCursor();

    private KerberosAnomaly anomaly;
    private boolean tooMany;

    // ---- decoded fields of the last message (valid after parse() returned OK) ----
    /** Message type from the application tag (10 AS-REQ ... 30 KRB-ERROR). */
    public int msgType;
    /** Made once per parser and cleared per message: the events copy them ({@link KerberosEvents}). */
    final List<Integer> padataTypes = new ArrayList<>(4);
    int encTimestampEtype;
    int pacRequest;
    String forUserName;
    String forUserRealm;
    int forUserChecksumType;
    boolean s4uX509User;
    int pacOptions;
    boolean fast;
    TicketInfo tgsTicket;
    int kdcOptions;
    PrincipalName cname;
    String realm;
    PrincipalName sname;
    long from;
    long till;
    long rtime;
    long nonce;
    final List<Integer> etypes = new ArrayList<>(4);
    boolean addressesPresent;
    final List<TicketInfo> additionalTickets = new ArrayList<>(1);
    /** A name's components while {@link #principal} reads them (names do not nest). */
    private final List<String> nameScratch = new ArrayList<>(4);
    /**
     * The recent names' component lists and names, given back when a message names the same
     * principal again (a replay names a few principals in every message); events share them.
     */
    private final RecentLists<String> nameLists = new RecentLists<>(RECENT_NAMES);
    private final PrincipalName[] recentNames = new PrincipalName[RECENT_NAMES];
    private int nextName;
    private static final int RECENT_NAMES = 8;
    /** The recent padata-type, etype and ticket lists of events ({@link KerberosEvents}). */
    final RecentLists<Integer> intLists = new RecentLists<>(8);
    final RecentLists<TicketInfo> ticketLists = new RecentLists<>(2);
    TicketInfo ticket;
    int encPartEtype;
    int errorCode;
    String eText;
    int apOptions;
    /** The kvno of the last {@link #encryptedData} read, or -1. */
    private int lastKvno;
    /** The cipher digest of the last {@link #encryptedData} read, or {@link KerberosEvent#NO_DIGEST}. */
    private long lastCipherDigest;

    public KerberosParser(KerberosLimits limits) {
        this.limits = limits;
    }

    /** Why the last parse() answered ERROR or NEED_MORE. */
    public KerberosAnomaly anomaly() {
        return anomaly;
    }

    /** True when the application tag byte starts a message this parser decodes. */
    public static boolean isMessageTag(int firstByte) {
        switch (firstByte) {
            case 0x6a: case 0x6b: case 0x6c: case 0x6d: case 0x6e: case 0x6f: case 0x7e:
                return true;
            default:
                return false;
        }
    }

    /**
     * Parses one message occupying {@code buf[off, off+len)} (trailing bytes are ignored).
     *
     * @return OK; NEED_MORE when the DER length runs past {@code len} (anomaly TRUNCATED); ERROR with
     *         {@link #anomaly()} set
     */
    public ParseStatus parse(byte[] buf, int off, int len) {
        anomaly = null;
        tooMany = false;
        c.wrap(buf, off, len);
        ParseStatus st = t.measure(c, false, limits.maxMessageLength(), limits.maxDepth());
        if (st == ParseStatus.NEED_MORE) {
            anomaly = KerberosAnomaly.TRUNCATED;
            return st;
        }
        if (st == ParseStatus.ERROR) {
            anomaly = KerberosAnomaly.ofBerError(t.error);
            return st;
        }
        if (t.tagClass != BerTlv.CLASS_APPLICATION || !t.constructed || !isMessageTag(buf[off] & 0xFF)) {
            anomaly = KerberosAnomaly.UNKNOWN_MESSAGE;
            return ParseStatus.ERROR;
        }
        reset();
        msgType = t.tagNumber;
        t.read(c, false, limits.maxMessageLength());
        int end = c.position() + t.length;
        switch (msgType) {
            case 10:
            case 12:
                kdcReq(c, end);
                break;
            case 11:
            case 13:
                kdcRep(c, end);
                break;
            case 14:
                apReq(c, end);
                break;
            case 15:
                apRep(c, end);
                break;
            default:
                krbError(c, end);
                break;
        }
        if (tooMany) {
            anomaly = KerberosAnomaly.TOO_MANY_ITEMS;
            return ParseStatus.ERROR;
        }
        if (!c.ok()) {
            anomaly = KerberosAnomaly.MALFORMED_DATA;
            return ParseStatus.ERROR;
        }
        return ParseStatus.OK;
    }

    private void reset() {
        padataTypes.clear();
        encTimestampEtype = -1;
        pacRequest = -1;
        forUserName = null;
        forUserRealm = null;
        forUserChecksumType = 0;
        s4uX509User = false;
        pacOptions = -1;
        fast = false;
        tgsTicket = null;
        kdcOptions = 0;
        cname = null;
        realm = null;
        sname = null;
        from = KerberosEvent.NO_TIME;
        till = KerberosEvent.NO_TIME;
        rtime = KerberosEvent.NO_TIME;
        nonce = 0;
        etypes.clear();
        addressesPresent = false;
        additionalTickets.clear();
        ticket = null;
        encPartEtype = -1;
        errorCode = -1;
        eText = null;
        apOptions = 0;
    }

    // ---- grammar ----

    /** Reads the next context-tagged field header of a SEQUENCE; false at its end or on error. */
    private boolean nextField(ByteCursor cur, int end) {
        if (!cur.ok() || cur.position() >= end) {
            return false;
        }
        if (t.read(cur, false, limits.maxMessageLength()) != ParseStatus.OK || t.length == BerTlv.INDEFINITE
                || !cur.has(t.length) || cur.position() + t.length > end) {
            cur.fail();
            return false;
        }
        return true;
    }

    /** Enters a SEQUENCE header and returns its end. */
    private int sequence(ByteCursor cur) {
        if (!t.expect(cur, U, SEQ, limits.maxMessageLength())) {
            return cur.position();
        }
        return cur.position() + t.length;
    }

    private long integer(ByteCursor cur) {
        if (!t.expect(cur, U, 2, limits.maxMessageLength())) {
            return 0;
        }
        return BerTlv.readInteger(cur, t.length);
    }

    /** KerberosString / Realm: GeneralString (27) in RFC 4120; other string types tolerated. */
    private String string(ByteCursor cur) {
        if (t.read(cur, false, limits.maxMessageLength()) != ParseStatus.OK || t.constructed
                || t.length == BerTlv.INDEFINITE) {
            cur.fail();
            return "";
        }
        int n = t.length;
        if (!cur.has(n)) {
            return BerTlv.readString(cur, n);
        }
        String s = recent(cur.array(), cur.arrayPosition(), n);
        cur.skip(n);
        return s;
    }

    /** The UTF-8 string of {@code b[off, off+n)} (as {@link BerTlv#readString}), a recent one when the bytes are the same. */
    private static String recent(byte[] b, int off, int n) {
        return STRINGS.get().get(b, off, n);
    }

    /** The strings this decode thread read lately: realms, krbtgt and service names repeat message after message. */
    private static final ThreadLocal<RecentStrings> STRINGS = ThreadLocal.withInitial(() -> new RecentStrings(8, 64));

    private long time(ByteCursor cur) {
        if (!t.expect(cur, U, 24, limits.maxMessageLength())) {
            return KerberosEvent.NO_TIME;
        }
        return BerTlv.readGeneralizedTime(cur, t.length);
    }

    private int bitString(ByteCursor cur) {
        if (!t.expect(cur, U, 3, limits.maxMessageLength())) {
            return 0;
        }
        return BerTlv.readBitString32(cur, t.length);
    }

    /** PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString } (5.2.2). */
    private PrincipalName principal(ByteCursor cur) {
        int end = sequence(cur);
        int nameType = 0;
        List<String> comps = nameScratch;
        comps.clear();
        while (nextField(cur, end)) {
            int fieldEnd = cur.position() + t.length;
            if (t.is(CTX, 0)) {
                nameType = (int) integer(cur);
            } else if (t.is(CTX, 1)) {
                int listEnd = sequence(cur);
                while (cur.ok() && cur.position() < listEnd) {
                    if (comps.size() >= limits.maxListItems()) {
                        tooMany = true;
                        break;
                    }
                    comps.add(string(cur));
                }
            }
            cur.seek(fieldEnd);
        }
        List<String> components = nameLists.of(comps);
        for (PrincipalName n : recentNames) {
            if (n != null && n.nameType() == nameType && n.components() == components) {
                return n;
            }
        }
        PrincipalName n = new PrincipalName(nameType, components);
        recentNames[nextName] = n;
        nextName = (nextName + 1) % RECENT_NAMES;
        return n;
    }

    /**
     * EncryptedData ::= SEQUENCE { etype [0], kvno [1] OPTIONAL, cipher [2] } (5.2.9): returns the
     * etype and leaves the kvno (or -1) in {@link #lastKvno} and the cipher's digest in
     * {@link #lastCipherDigest}; the cipher itself stays opaque.
     */
    private int encryptedData(ByteCursor cur) {
        return encryptedData(cur, false);
    }

    /**
     * {@link #encryptedData(ByteCursor)}, the cipher digested only when {@code digest}: only a
     * ticket's digest is reported, and hashing every authenticator and reply part byte by byte
     * would cost as much as the rest of the parse.
     */
    private int encryptedData(ByteCursor cur, boolean digest) {
        int end = sequence(cur);
        int etype = -1;
        lastKvno = -1;
        lastCipherDigest = KerberosEvent.NO_DIGEST;
        while (nextField(cur, end)) {
            int fieldEnd = cur.position() + t.length;
            if (t.is(CTX, 0)) {
                etype = (int) integer(cur);
            } else if (t.is(CTX, 1)) {
                lastKvno = (int) integer(cur);
            } else if (t.is(CTX, 2) && t.read(cur, false, limits.maxMessageLength()) == ParseStatus.OK
                    && t.is(U, 4) && cur.has(t.length) && digest) {
                lastCipherDigest = TicketDigests.MEMO.get().digest(cur.array(), cur.arrayPosition(), t.length);
            }
            cur.seek(fieldEnd);
        }
        cur.seek(end);
        return etype;
    }

    /**
     * FNV-1a over the cipher octets, never {@link KerberosEvent#NO_DIGEST}. Not cryptographic, and it
     * need not be: a forger who wants his ticket to match an issued one must find ciphertext that
     * still decrypts and verifies under the key, so he can only try at random (2^64 tries).
     */
    static long cipherDigest(byte[] b, int off, int len) {
        long h = 0xcbf29ce484222325L;
        for (int i = off, n = off + len; i < n; i++) {
            h = (h ^ (b[i] & 0xff)) * 0x100000001b3L;
        }
        return h == KerberosEvent.NO_DIGEST ? 1 : h;
    }

    /**
     * The digests of the tickets one decode thread read lately, with their cipher bytes, replaced in
     * turn: a ticket is presented again and again (a TGT in each TGS-REQ, a service ticket in the
     * AP-REQ of each connection), and comparing its bytes costs far less than hashing them one by
     * one. Equal bytes have the equal digest.
     */
    private static final class TicketDigests {
        static final ThreadLocal<TicketDigests> MEMO = ThreadLocal.withInitial(TicketDigests::new);
        private static final int SLOTS = 4;
        /** Longer ciphers are digested every time. */
        private static final int MAX_BYTES = 8192;
        private final RecentBytes seen = new RecentBytes(SLOTS, MAX_BYTES, 2048);
        private final long[] digest = new long[SLOTS];

        long digest(byte[] b, int off, int n) {
            int i = seen.find(b, off, n);
            if (i >= 0) {
                return digest[i];
            }
            long d = cipherDigest(b, off, n);
            i = seen.keep(b, off, n);
            if (i >= 0) {
                digest[i] = d;
            }
            return d;
        }
    }

    /** Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno [0], realm [1], sname [2], enc-part [3] } (5.3). */
    private TicketInfo ticketInfo(ByteCursor cur) {
        if (!t.expect(cur, BerTlv.CLASS_APPLICATION, 1, limits.maxMessageLength())) {
            return null;
        }
        int end = sequence(cur);
        String tRealm = "";
        PrincipalName tSname = null;
        int etype = -1;
        int kvno = -1;
        long digest = KerberosEvent.NO_DIGEST;
        while (nextField(cur, end)) {
            int fieldEnd = cur.position() + t.length;
            switch (t.tagClass == CTX ? t.tagNumber : -1) {
                case 1:
                    tRealm = string(cur);
                    break;
                case 2:
                    tSname = principal(cur);
                    break;
                case 3:
                    etype = encryptedData(cur, true);
                    kvno = lastKvno;
                    digest = lastCipherDigest;
                    break;
                default:
                    break;
            }
            cur.seek(fieldEnd);
        }
        cur.seek(end);
        return new TicketInfo(tRealm, tSname, etype, kvno, digest);
    }

    private void kdcReq(ByteCursor cur, int appEnd) {
        int end = sequence(cur);
        while (nextField(cur, end)) {
            int fieldEnd = cur.position() + t.length;
            if (t.is(CTX, 3)) {
                padataList(cur);
            } else if (t.is(CTX, 4)) {
                reqBody(cur);
            }
            cur.seek(fieldEnd);
        }
        cur.seek(appEnd);
    }

    /** PA-DATA ::= SEQUENCE { padata-type [1] Int32, padata-value [2] OCTET STRING } (5.2.7). */
    private void padataList(ByteCursor cur) {
        int listEnd = sequence(cur);
        while (cur.ok() && cur.position() < listEnd) {
            if (padataTypes.size() >= limits.maxListItems()) {
                tooMany = true;
                cur.seek(listEnd);
                return;
            }
            int end = sequence(cur);
            int type = Integer.MIN_VALUE;
            while (nextField(cur, end)) {
                int fieldEnd = cur.position() + t.length;
                if (t.is(CTX, 1)) {
                    type = (int) integer(cur);
                    padataTypes.add(type);
                } else if (t.is(CTX, 2) && t.expect(cur, U, 4, limits.maxMessageLength())) {
                    cur.slice(t.length, sub);
                    padataValue(type, sub);
                }
                cur.seek(fieldEnd);
            }
            cur.seek(end);
        }
    }

    /** Decodes the padata values that matter; a malformed value is ignored (the type is still listed). */
    private void padataValue(int type, ByteCursor v) {
        switch (type) {
            case PA_TGS_REQ: {
                // RFC 4120 5.5.1: the AP-REQ whose ticket is the TGT (or, forged, a golden ticket).
                if (!t.expect(v, BerTlv.CLASS_APPLICATION, 14, limits.maxMessageLength())) {
                    return;
                }
                int end = sequence(v);
                while (nextField(v, end)) {
                    int fieldEnd = v.position() + t.length;
                    if (t.is(CTX, 3)) {
                        TicketInfo ti = ticketInfo(v);
                        if (v.ok()) {
                            tgsTicket = ti;
                        }
                    }
                    v.seek(fieldEnd);
                }
                return;
            }
            case PA_ENC_TIMESTAMP: {
                int etype = encryptedData(v);
                if (v.ok()) {
                    encTimestampEtype = etype;
                }
                return;
            }
            case PA_PAC_REQUEST: {
                // MS-KILE 2.2.3: KERB-PA-PAC-REQUEST ::= SEQUENCE { include-pac [0] BOOLEAN }
                int end = sequence(v);
                while (nextField(v, end)) {
                    int fieldEnd = v.position() + t.length;
                    if (t.is(CTX, 0) && t.expect(v, U, 1, limits.maxMessageLength()) && t.length == 1) {
                        pacRequest = v.u8() != 0 ? 1 : 0;
                    }
                    v.seek(fieldEnd);
                }
                return;
            }
            case PA_FOR_USER: {
                // MS-SFU 2.2.1: PA-FOR-USER ::= SEQUENCE { userName [0] PrincipalName, userRealm [1] Realm,
                // cksum [2] Checksum, auth-package [3] KerberosString }
                int end = sequence(v);
                String name = null;
                String uRealm = null;
                int cksumType = 0;
                while (nextField(v, end)) {
                    int fieldEnd = v.position() + t.length;
                    if (t.is(CTX, 0)) {
                        name = principal(v).toString();
                    } else if (t.is(CTX, 1)) {
                        uRealm = string(v);
                    } else if (t.is(CTX, 2)) {
                        // RFC 4120 5.2.9: Checksum ::= SEQUENCE { cksumtype [0] Int32, checksum [1] OCTET STRING }
                        int ckEnd = sequence(v);
                        while (nextField(v, ckEnd)) {
                            int ckFieldEnd = v.position() + t.length;
                            if (t.is(CTX, 0)) {
                                cksumType = (int) integer(v);
                            }
                            v.seek(ckFieldEnd);
                        }
                    }
                    v.seek(fieldEnd);
                }
                if (v.ok()) {
                    forUserName = name;
                    forUserRealm = uRealm;
                    forUserChecksumType = cksumType;
                }
                return;
            }
            case PA_S4U_X509_USER:
                s4uX509User = true;
                return;
            case PA_FX_FAST:
                fast = true;
                return;
            case PA_PAC_OPTIONS: {
                // MS-KILE 2.2.10: PA-PAC-OPTIONS ::= SEQUENCE { KerberosFlags [0] }
                int end = sequence(v);
                while (nextField(v, end)) {
                    int fieldEnd = v.position() + t.length;
                    if (t.is(CTX, 0)) {
                        int flags = bitString(v);
                        if (v.ok()) {
                            pacOptions = flags;
                        }
                    }
                    v.seek(fieldEnd);
                }
                return;
            }
            default:
                return;
        }
    }

    /** KDC-REQ-BODY (RFC 4120 5.4.1). */
    private void reqBody(ByteCursor cur) {
        int end = sequence(cur);
        while (nextField(cur, end)) {
            int fieldEnd = cur.position() + t.length;
            switch (t.tagClass == CTX ? t.tagNumber : -1) {
                case 0:
                    kdcOptions = bitString(cur);
                    break;
                case 1:
                    cname = principal(cur);
                    break;
                case 2:
                    realm = string(cur);
                    break;
                case 3:
                    sname = principal(cur);
                    break;
                case 4:
                    from = time(cur);
                    break;
                case 5:
                    till = time(cur);
                    break;
                case 6:
                    rtime = time(cur);
                    break;
                case 7:
                    nonce = integer(cur) & 0xFFFF_FFFFL;
                    break;
                case 8: {
                    int listEnd = sequence(cur);
                    while (cur.ok() && cur.position() < listEnd) {
                        if (etypes.size() >= limits.maxListItems()) {
                            tooMany = true;
                            break;
                        }
                        etypes.add((int) integer(cur));
                    }
                    break;
                }
                case 9:
                    addressesPresent = true;
                    break;
                case 11: {
                    int listEnd = sequence(cur);
                    while (cur.ok() && cur.position() < listEnd) {
                        if (additionalTickets.size() >= limits.maxListItems()) {
                            tooMany = true;
                            break;
                        }
                        TicketInfo ti = ticketInfo(cur);
                        if (ti != null) {
                            additionalTickets.add(ti);
                        }
                    }
                    break;
                }
                default:
                    break;
            }
            cur.seek(fieldEnd);
        }
        cur.seek(end);
    }

    private void kdcRep(ByteCursor cur, int appEnd) {
        int end = sequence(cur);
        while (nextField(cur, end)) {
            int fieldEnd = cur.position() + t.length;
            switch (t.tagClass == CTX ? t.tagNumber : -1) {
                case 2: {
                    // PA-DATA of a reply (PA-ETYPE-INFO2, FX): types only.
                    padataList(cur);
                    break;
                }
                case 3:
                    realm = string(cur);
                    break;
                case 4:
                    cname = principal(cur);
                    break;
                case 5:
                    ticket = ticketInfo(cur);
                    break;
                case 6:
                    encPartEtype = encryptedData(cur);
                    break;
                default:
                    break;
            }
            cur.seek(fieldEnd);
        }
        cur.seek(appEnd);
    }

    private void apReq(ByteCursor cur, int appEnd) {
        int end = sequence(cur);
        while (nextField(cur, end)) {
            int fieldEnd = cur.position() + t.length;
            switch (t.tagClass == CTX ? t.tagNumber : -1) {
                case 2:
                    apOptions = bitString(cur);
                    break;
                case 3:
                    ticket = ticketInfo(cur);
                    break;
                case 4:
                    encPartEtype = encryptedData(cur);
                    break;
                default:
                    break;
            }
            cur.seek(fieldEnd);
        }
        cur.seek(appEnd);
    }

    private void apRep(ByteCursor cur, int appEnd) {
        int end = sequence(cur);
        while (nextField(cur, end)) {
            int fieldEnd = cur.position() + t.length;
            if (t.is(CTX, 2)) {
                encPartEtype = encryptedData(cur);
            }
            cur.seek(fieldEnd);
        }
        cur.seek(appEnd);
    }

    private void krbError(ByteCursor cur, int appEnd) {
        int end = sequence(cur);
        while (nextField(cur, end)) {
            int fieldEnd = cur.position() + t.length;
            switch (t.tagClass == CTX ? t.tagNumber : -1) {
                case 6:
                    errorCode = (int) integer(cur);
                    break;
                case 8:
                    cname = principal(cur);
                    break;
                case 9:
                    realm = string(cur);
                    break;
                case 10:
                    sname = principal(cur);
                    break;
                case 11:
                    eText = string(cur);
                    break;
                default:
                    break;
            }
            cur.seek(fieldEnd);
        }
        cur.seek(appEnd);
    }
}
