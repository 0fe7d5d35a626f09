package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.event.LdapEvent.Attribute;
import io.impacketsensor.core.event.LdapEvent.Modification;
import io.impacketsensor.core.event.LdapEvent.SearchEntry;
import io.impacketsensor.core.wire.BerTlv;
import io.impacketsensor.core.wire.ByteCursor;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.decoders.text.RecentStrings;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one whole LDAPMessage (RFC 4511 4.1.1) into fields; never emits events. The message is
 * first {@link BerTlv#measure measured} (depth, lengths, nesting); strings are materialised only
 * for the operations that become events (binds, searches, adds, modifies, deletes, modify DN,
 * extended operations, results). Credentials are not copied: their position in the buffer is
 * given so the caller can hand them to the token decoder during the same call.
 *
 * <pre>
 *   LDAPMessage ::= SEQUENCE { messageID INTEGER, protocolOp [APPLICATION n] ..., controls [0] Controls OPTIONAL }
 * </pre>
 */
public final class LdapParser {
    /** Application tags of protocolOp (RFC 4511 4.2-4.12). */
    public static final int BIND_REQUEST = 0;
    public static final int BIND_RESPONSE = 1;
    public static final int UNBIND_REQUEST = 2;
    public static final int SEARCH_REQUEST = 3;
    public static final int SEARCH_RESULT_ENTRY = 4;
    public static final int SEARCH_RESULT_DONE = 5;
    public static final int MODIFY_REQUEST = 6;
    public static final int MODIFY_RESPONSE = 7;
    public static final int ADD_REQUEST = 8;
    public static final int ADD_RESPONSE = 9;
    public static final int DEL_REQUEST = 10;
    public static final int DEL_RESPONSE = 11;
    public static final int MODDN_REQUEST = 12;
    public static final int MODDN_RESPONSE = 13;
    public static final int ABANDON_REQUEST = 16;
    public static final int SEARCH_RESULT_REFERENCE = 19;
    public static final int EXTENDED_REQUEST = 23;
    public static final int EXTENDED_RESPONSE = 24;

    /** Paged results control (RFC 2696). */
    static final String PAGED_RESULTS_OID = "1.2.840.113556.1.4.319";

    private static final int U = BerTlv.CLASS_UNIVERSAL;
    private static final int CTX = BerTlv.CLASS_CONTEXT;

    private final LdapLimits limits;
    private final BerTlv t = new BerTlv();
    private final ByteCursor c = new ByteCursor();
    private final ByteCursor sub = new ByteCursor();
    private final LdapFilterRenderer renderer;
    private final SearchEntryWalk entryWalk;
    private final int[] entrySizeOut = new int[1];
    /**
     * Where a search's attribute list and a message's control OIDs are gathered before their
     * immutable copy: one list for both, as they are read one after the other.
     */
    private final List<String> names = new ArrayList<>(4);
    private LdapAnomaly anomaly;

    // ---- peek() results ----
    /** Total length of the LDAPMessage (header and content) found by {@link #peek}. */
    public int peekTotal;
    /** Its protocolOp application tag number. */
    public int peekOp;
    /** Its message id. */
    public int peekMessageId;

    // ---- parse() results ----
    public int messageId;
    public int protocolOp;
    public List<String> controls;
    public int pagedSize;
    public int version;
    public String name;
    /** AuthenticationChoice tag: 0 simple, 3 sasl, 9/10/11 Sicily (MS-ADTS 5.1.1.1.3). */
    public int authTag;
    public String saslMechanism;
    /** Absolute offset and length in the parsed buffer of the SASL/Sicily credentials (or of a Sicily challenge in matchedDN), or -1. */
    public int tokenOff;
    public int tokenLen;
    public boolean passwordSent;
    public int resultCode;
    public String diagnostic;
    public String base;
    public int scope;
    public int deref;
    public int sizeLimit;
    public int timeLimit;
    public boolean typesOnly;
    public String filter;
    public List<String> attributes;
    public String dn;
    public List<Attribute> addAttributes;
    public List<Modification> modifications;
    /** LDAPResult matchedDN ("" when empty; null for a Sicily challenge, which travels in it). */
    public String matchedDn;
    /** The SearchResultEntry (its text made when first read), or null. */
    public SearchEntry entry;
    /** Characters of the entry's DN, types and values: what keeping it costs. */
    public int entrySize;

    public LdapParser(LdapLimits limits) {
        this.limits = limits;
        this.renderer = new LdapFilterRenderer(limits);
        this.entryWalk = new SearchEntryWalk(limits);
    }

    /** Why the last call answered ERROR. */
    public LdapAnomaly anomaly() {
        return anomaly;
    }

    /**
     * Reads the LDAPMessage header, message id header and protocolOp tag at {@code buf[off..]}
     * without decoding the rest, so that search result entries can be counted and skipped by
     * length. Sets {@link #peekTotal} and {@link #peekOp}.
     *
     * @return OK, NEED_MORE (header incomplete), or ERROR (not an LDAPMessage; {@link #anomaly()})
     */
    public ParseStatus peek(byte[] buf, int off, int len) {
        anomaly = null;
        c.wrap(buf, off, len);
        ParseStatus st = t.read(c, false, Integer.MAX_VALUE);
        if (st == ParseStatus.OK && !t.is(U, 16)) {
            st = ParseStatus.ERROR;
            t.error = BerTlv.ERR_MALFORMED;
        }
        if (st != ParseStatus.OK) {
            anomaly = st == ParseStatus.ERROR ? LdapAnomaly.ofBerError(t.error) : null;
            return st;
        }
        long total = (long) t.headerLength + t.length;
        if (total > Integer.MAX_VALUE) {
            anomaly = LdapAnomaly.LENGTH_TOO_LONG;
            return ParseStatus.ERROR;
        }
        peekTotal = (int) total;
        // messageID and the protocolOp tag are inside the SEQUENCE (RFC 4511 4.1.1): read them
        // within its length, so that a message shorter than its own header is malformed rather
        // than read on into the next message (which made a split header longer than the message).
        boolean whole = len >= total;
        int header = t.headerLength;
        c.wrap(buf, off + header, (int) Math.min(len, total) - header);
        st = t.read(c, false, 8);
        if (st == ParseStatus.OK && (!t.is(U, 2) || t.length < 1 || t.length > 4)) {
            anomaly = LdapAnomaly.MALFORMED_DATA;
            return ParseStatus.ERROR;
        }
        if (st != ParseStatus.OK || !c.has(t.length + 1)) {
            if (st != ParseStatus.ERROR && whole) {
                anomaly = LdapAnomaly.MALFORMED_DATA;
                return ParseStatus.ERROR;
            }
            anomaly = st == ParseStatus.ERROR ? LdapAnomaly.ofBerError(t.error) : null;
            return st == ParseStatus.ERROR ? st : ParseStatus.NEED_MORE;
        }
        peekMessageId = (int) BerTlv.readInteger(c, t.length);
        int id = c.u8();
        if ((id >>> 6) != BerTlv.CLASS_APPLICATION || (id & 0x1F) == 0x1F) {
            anomaly = LdapAnomaly.MALFORMED_DATA;
            return ParseStatus.ERROR;
        }
        peekOp = id & 0x1F;
        return ParseStatus.OK;
    }

    /**
     * Parses one whole LDAPMessage occupying {@code buf[off, off+len)}.
     *
     * @return OK, or ERROR with {@link #anomaly()} set (NEED_MORE is reported as MALFORMED_DATA:
     *         the caller passes whole messages)
     */
    public ParseStatus parse(byte[] buf, int off, int len) {
        anomaly = null;
        c.wrap(buf, off, len);
        ParseStatus st = t.measure(c, false, limits.maxMessageLength(), limits.maxDepth());
        if (st != ParseStatus.OK) {
            anomaly = st == ParseStatus.ERROR ? LdapAnomaly.ofBerError(t.error) : LdapAnomaly.MALFORMED_DATA;
            return ParseStatus.ERROR;
        }
        reset();
        int end = seq(c);
        messageId = (int) integer(c);
        if (!c.ok() || c.position() >= end) {
            return fail(LdapAnomaly.MALFORMED_DATA);
        }
        if (t.read(c, false, limits.maxMessageLength()) != ParseStatus.OK
                || t.tagClass != BerTlv.CLASS_APPLICATION) {
            return fail(LdapAnomaly.MALFORMED_DATA);
        }
        protocolOp = t.tagNumber;
        int opEnd = c.position() + t.length;
        switch (protocolOp) {
            case BIND_REQUEST:
                bindRequest(opEnd);
                break;
            case BIND_RESPONSE:
            case SEARCH_RESULT_DONE:
            case MODIFY_RESPONSE:
            case ADD_RESPONSE:
            case DEL_RESPONSE:
            case MODDN_RESPONSE:
            case EXTENDED_RESPONSE:
                result(opEnd);
                break;
            case SEARCH_REQUEST:
                searchRequest(opEnd);
                break;
            case SEARCH_RESULT_ENTRY:
                searchResultEntry(opEnd);
                break;
            case ADD_REQUEST:
                addRequest(opEnd);
                break;
            case MODIFY_REQUEST:
                modifyRequest(opEnd);
                break;
            case DEL_REQUEST:
                // DelRequest ::= [APPLICATION 10] LDAPDN: the DN is the primitive content itself.
                dn = BerTlv.readString(c, t.length);
                break;
            case MODDN_REQUEST:
                dn = str(c);
                break;
            case EXTENDED_REQUEST:
                // requestName [0] LDAPOID: the OID as text (RFC 4511 4.12)
                if (t.read(c, false, limits.maxMessageLength()) == ParseStatus.OK && t.is(CTX, 0)) {
                    dn = BerTlv.readString(c, t.length);
                }
                break;
            default:
                break;
        }
        if (anomaly != null) {
            return ParseStatus.ERROR;
        }
        c.seek(opEnd);
        if (c.ok() && c.position() < end && t.read(c, false, limits.maxMessageLength()) == ParseStatus.OK
                && t.is(CTX, 0)) {
            controls(c.position() + t.length);
        }
        if (anomaly != null) {
            return ParseStatus.ERROR;
        }
        return c.ok() ? ParseStatus.OK : fail(LdapAnomaly.MALFORMED_DATA);
    }

    private ParseStatus fail(LdapAnomaly a) {
        anomaly = a;
        return ParseStatus.ERROR;
    }

    private void reset() {
        controls = List.of();
        pagedSize = -1;
        version = 0;
        name = null;
        authTag = -1;
        saslMechanism = null;
        tokenOff = -1;
        tokenLen = 0;
        passwordSent = false;
        resultCode = -1;
        diagnostic = null;
        base = null;
        filter = null;
        attributes = List.of();
        dn = null;
        addAttributes = List.of();
        modifications = List.of();
        matchedDn = null;
        entry = null;
        entrySize = 0;
    }

    private int seq(ByteCursor cur) {
        if (!t.expect(cur, U, 16, limits.maxMessageLength())) {
            return cur.position();
        }
        return cur.position() + t.length;
    }

    private long integer(ByteCursor cur) {
        // INTEGER (2) and ENUMERATED (10) share the encoding (X.690 8.3, 8.4).
        if (t.read(cur, false, limits.maxMessageLength()) != ParseStatus.OK || (!t.is(U, 2) && !t.is(U, 10))) {
            cur.fail();
            return 0;
        }
        return BerTlv.readInteger(cur, t.length);
    }

    private String str(ByteCursor cur) {
        if (!t.expect(cur, U, 4, limits.maxMessageLength())) {
            return "";
        }
        int n = t.length;
        if (!cur.has(n)) {
            return BerTlv.readString(cur, n);
        }
        String s = STRINGS.get().get(cur.array(), cur.arrayPosition(), n);
        cur.skip(n);
        return s;
    }

    /**
     * The strings this decode thread read lately ({@link #str}): searches that differ in their
     * filter still name the same base DN, attributes and controls, and binds the same accounts.
     */
    private static final ThreadLocal<RecentStrings> STRINGS = ThreadLocal.withInitial(() -> new RecentStrings(16, 64));

    private boolean overLimit(int size) {
        if (size >= limits.maxListItems()) {
            anomaly = LdapAnomaly.TOO_MANY_ITEMS;
            return true;
        }
        return false;
    }

    /** BindRequest (RFC 4511 4.2; Sicily choices 9, 10, 11: MS-ADTS 5.1.1.1.3). */
    private void bindRequest(int opEnd) {
        version = (int) integer(c);
        name = str(c);
        if (!c.ok() || c.position() >= opEnd || t.read(c, false, limits.maxMessageLength()) != ParseStatus.OK
                || t.tagClass != CTX) {
            c.fail();
            return;
        }
        authTag = t.tagNumber;
        int credEnd = c.position() + t.length;
        if (authTag == 0) {
            // simple: only whether a password was sent; the password itself is never read (RFC 4513 5.1).
            passwordSent = t.length > 0;
        } else if (authTag == 3) {
            saslMechanism = str(c);
            if (c.position() < credEnd && t.expect(c, U, 4, limits.maxMessageLength())) {
                tokenOff = c.arrayPosition();
                tokenLen = t.length;
            }
        } else if (authTag == 10 || authTag == 11) {
            tokenOff = c.arrayPosition();
            tokenLen = t.length;
        }
        c.seek(credEnd);
    }

    /** LDAPResult (RFC 4511 4.1.9) and the BindResponse serverSaslCreds [7] (4.2.2). */
    private void result(int opEnd) {
        resultCode = (int) integer(c);
        if (!t.expect(c, U, 4, limits.maxMessageLength())) {
            return;
        }
        // MS-ADTS 5.1.1.1.3: a Sicily negotiate's BindResponse carries the NTLM CHALLENGE in matchedDN.
        int matchedOff = c.arrayPosition();
        int matchedLen = t.length;
        c.skip(t.length);
        diagnostic = str(c);
        if (matchedLen >= 8 && BerTlv.contentEquals(sub.wrap(c.array(), matchedOff, 7), 7, "NTLMSSP")) {
            tokenOff = matchedOff;
            tokenLen = matchedLen;
        } else if (c.ok()) {
            matchedDn = BerTlv.readString(sub.wrap(c.array(), matchedOff, matchedLen), matchedLen);
        }
        while (c.ok() && c.position() < opEnd && t.read(c, false, limits.maxMessageLength()) == ParseStatus.OK) {
            if (t.is(CTX, 7)) {
                tokenOff = c.arrayPosition();
                tokenLen = t.length;
            } else if (t.is(CTX, 10)) {
                dn = BerTlv.readString(c, t.length);
                continue;
            }
            c.skip(t.length);
        }
    }

    /** SearchRequest (RFC 4511 4.5.1). */
    private void searchRequest(int opEnd) {
        int start = c.position();
        int bodyLen = opEnd - start;
        boolean memoable = bodyLen > 0 && c.has(bodyLen);
        int bodyAt = c.arrayPosition();
        LdapSearchMemo memo = memoable ? LdapSearchMemo.get() : null;
        LdapSearchMemo.Search seen = memoable ? memo.find(limits, c.array(), bodyAt, bodyLen) : null;
        if (seen != null) {
            base = seen.base();
            scope = seen.scope();
            deref = seen.deref();
            sizeLimit = seen.sizeLimit();
            timeLimit = seen.timeLimit();
            typesOnly = seen.typesOnly();
            filter = seen.filter();
            attributes = seen.attributes();
            c.seek(opEnd);
            return;
        }
        base = str(c);
        scope = (int) integer(c);
        deref = (int) integer(c);
        sizeLimit = (int) integer(c);
        timeLimit = (int) integer(c);
        if (t.expect(c, U, 1, limits.maxMessageLength()) && t.length == 1) {
            typesOnly = c.u8() != 0;
        } else {
            c.fail();
        }
        if (!c.ok()) {
            return;
        }
        filter = renderer.render(c);
        if (filter == null) {
            anomaly = renderer.anomaly;
            return;
        }
        int listEnd = seq(c);
        List<String> attrs = names;
        attrs.clear();
        while (c.ok() && c.position() < listEnd) {
            if (overLimit(attrs.size())) {
                return;
            }
            attrs.add(str(c));
        }
        attributes = List.copyOf(attrs);
        if (memoable && c.ok() && anomaly == null) {
            memo.keep(c.array(), bodyAt, bodyLen, new LdapSearchMemo.Search(limits, base, scope, deref, sizeLimit, timeLimit,
                    typesOnly, filter, attributes));
        }
        c.seek(opEnd);
    }

    /** SearchResultEntry (RFC 4511 4.5.2): measured on the worker, its text made when first read ({@link SearchEntryWalk}). */
    private void searchResultEntry(int opEnd) {
        entry = entryWalk.measure(c, opEnd, entrySizeOut);
        entrySize = entrySizeOut[0];
        c.seek(opEnd);
    }

    /** AddRequest (RFC 4511 4.7): AttributeList ::= SEQUENCE OF Attribute. */
    private void addRequest(int opEnd) {
        dn = str(c);
        int listEnd = seq(c);
        List<Attribute> attrs = new ArrayList<>(8);
        while (c.ok() && c.position() < listEnd) {
            if (overLimit(attrs.size())) {
                return;
            }
            attrs.add(attribute());
        }
        addAttributes = List.copyOf(attrs);
        c.seek(opEnd);
    }

    /** ModifyRequest (RFC 4511 4.6): changes SEQUENCE OF SEQUENCE { operation ENUMERATED, modification PartialAttribute }. */
    private void modifyRequest(int opEnd) {
        dn = str(c);
        int listEnd = seq(c);
        List<Modification> mods = new ArrayList<>(4);
        while (c.ok() && c.position() < listEnd) {
            if (overLimit(mods.size())) {
                return;
            }
            int end = seq(c);
            int op = (int) integer(c);
            Attribute a = attribute();
            mods.add(new Modification(op, a));
            c.seek(end);
        }
        modifications = List.copyOf(mods);
        c.seek(opEnd);
    }

    /** PartialAttribute ::= SEQUENCE { type AttributeDescription, vals SET OF value }; values kept for a few types. */
    private Attribute attribute() {
        int end = seq(c);
        String type = str(c);
        boolean keep = keepsValues(type);
        List<String> vals = new ArrayList<>(keep ? 2 : 0);
        if (t.expect(c, U, 17, limits.maxMessageLength())) {
            int setEnd = c.position() + t.length;
            int n = 0;
            while (c.ok() && c.position() < setEnd) {
                if (overLimit(n++)) {
                    return new Attribute(type, List.of());
                }
                if (keep) {
                    vals.add(str(c));
                } else if (t.expect(c, U, 4, limits.maxMessageLength())) {
                    c.skip(t.length);
                }
            }
        }
        c.seek(end);
        return new Attribute(type, List.copyOf(vals));
    }

    /** The attributes whose values detection needs (machine accounts, SPNs, delegation flags). */
    static boolean keepsValues(String type) {
        return type.equalsIgnoreCase("sAMAccountName") || type.equalsIgnoreCase("servicePrincipalName")
                || type.equalsIgnoreCase("userAccountControl") || type.equalsIgnoreCase("objectClass");
    }

    /** Controls ::= SEQUENCE OF Control { controlType LDAPOID, criticality BOOLEAN DEFAULT FALSE, controlValue OCTET STRING OPTIONAL }. */
    private void controls(int end) {
        List<String> oids = names;
        oids.clear();
        while (c.ok() && c.position() < end) {
            if (overLimit(oids.size())) {
                return;
            }
            int ctlEnd = seq(c);
            String oid = str(c);
            oids.add(oid);
            while (c.ok() && c.position() < ctlEnd && t.read(c, false, limits.maxMessageLength()) == ParseStatus.OK) {
                if (t.is(U, 4) && oid.equals(PAGED_RESULTS_OID)) {
                    // RFC 2696: realSearchControlValue ::= SEQUENCE { size INTEGER, cookie OCTET STRING }
                    c.slice(t.length, sub);
                    if (t.expect(sub, U, 16, limits.maxMessageLength())) {
                        long size = integer(sub);
                        if (sub.ok()) {
                            pagedSize = (int) size;
                        }
                    }
                    continue;
                }
                c.skip(t.length);
            }
            c.seek(ctlEnd);
        }
        controls = List.copyOf(oids);
    }
}
