package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.collections.ReusePool;
import io.impacketsensor.core.event.LdapEvent.Attribute;
import io.impacketsensor.core.event.LdapEvent.Modification;
import io.impacketsensor.core.event.LdapEvent.SearchEntry;
import io.impacketsensor.core.flow.FlowContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The requests of one LDAP flow waiting for their result, paired by message id (RFC 4511 4.1.1.1),
 * in a table bounded by its capacity. A request becomes an event ({@link LdapEvents}) when its result arrives,
 * or with result -1 when the flow closes.
 */
final class LdapPending {

    /** One outstanding request: what its event needs. */
    static final class Request {
        int messageId;
        int op;
        int version;
        String name;
        int authTag;
        String mechanism;
        boolean password;
        String base;
        int scope;
        int deref;
        int sizeLimit;
        int timeLimit;
        boolean typesOnly;
        String filter;
        List<String> attributes;
        List<String> controls;
        int pagedSize;
        int entries;
        /** The search's first result entries, up to {@link LdapLimits#maxKeptEntryBytes}; null before the first. */
        List<SearchEntry> kept;
        int keptBytes;
        List<Attribute> addAttributes;
        List<Modification> modifications;

        /** As a new request: every field at its initial value (its event copied what it keeps). */
        void clear() {
            messageId = 0;
            op = 0;
            version = 0;
            name = null;
            authTag = 0;
            mechanism = null;
            password = false;
            base = null;
            scope = 0;
            deref = 0;
            sizeLimit = 0;
            timeLimit = 0;
            typesOnly = false;
            filter = null;
            attributes = null;
            controls = null;
            pagedSize = 0;
            entries = 0;
            kept = null;
            keptBytes = 0;
            addAttributes = null;
            modifications = null;
        }
    }

    /** Grown up to {@link #capacity} as requests wait: most flows have one or two outstanding. */
    private Request[] table;
    private final int capacity;
    private final boolean cldap;
    /** Bytes of result entries kept per search ({@link LdapLimits#maxKeptEntryBytes}). */
    private final int maxKeptEntryBytes;
    /** False: only root DSE base searches keep entries ({@link #keepsEntry}). */
    private final boolean allSearchEntries;
    private int count;
    /**
     * Requests whose event is out, for the next ones: every request of a flow would otherwise be
     * a new object, and a flow has one or two outstanding at a time. Kept with the analyzer from
     * one flow to the next.
     */
    private final ReusePool<Request> spare = new ReusePool<>(SPARE);
    static final int SPARE = 4;

    LdapPending(int capacity, boolean cldap) {
        this(capacity, cldap, LdapLimits.DEFAULTS.maxKeptEntryBytes());
    }

    LdapPending(int capacity, boolean cldap, int maxKeptEntryBytes) {
        this(capacity, cldap, maxKeptEntryBytes, true);
    }

    LdapPending(int capacity, boolean cldap, int maxKeptEntryBytes, boolean allSearchEntries) {
        this.capacity = capacity;
        this.table = new Request[Math.min(4, capacity)];
        this.cldap = cldap;
        this.maxKeptEntryBytes = maxKeptEntryBytes;
        this.allSearchEntries = allSearchEntries;
    }

    private boolean add(Request r) {
        if (count == capacity) {
            return false;
        }
        if (count == table.length) {
            table = Arrays.copyOf(table, Math.min(table.length * 2, capacity));
        }
        table[count++] = r;
        return true;
    }

    private int indexOf(int messageId) {
        for (int i = 0; i < count; i++) {
            if (table[i].messageId == messageId) {
                return i;
            }
        }
        return -1;
    }

    private Request remove(int messageId) {
        int i = indexOf(messageId);
        if (i < 0) {
            return null;
        }
        Request r = table[i];
        System.arraycopy(table, i + 1, table, i, count - i - 1);
        table[--count] = null;
        return r;
    }

    /** {@link #add}; a request the full table refused is kept for reuse. */
    private boolean addOrRecycle(Request r) {
        if (add(r)) {
            return true;
        }
        recycle(r);
        return false;
    }

    private Request newRequest() {
        Request r = spare.take();
        return r != null ? r : new Request();
    }

    /** Keeps a request whose event is out for a later one; nothing refers to it any more. */
    private void recycle(Request r) {
        if (spare.size() < SPARE) {
            r.clear();
            spare.give(r);
        }
    }

    /** Requests kept for reuse (tests). */
    int spares() {
        return spare.size();
    }

    /** A BindRequest; false when the table is full. */
    boolean bind(LdapParser p) {
        Request r = newRequest();
        r.messageId = p.messageId;
        r.op = p.protocolOp;
        r.version = p.version;
        r.name = p.name;
        r.authTag = p.authTag;
        r.mechanism = p.saslMechanism;
        r.password = p.passwordSent;
        return addOrRecycle(r);
    }

    /** Search, add, modify, delete, modify DN and extended requests; false when the table is full. */
    boolean request(LdapParser p) {
        Request r = newRequest();
        r.messageId = p.messageId;
        r.op = p.protocolOp;
        r.name = p.dn;
        r.base = p.base;
        r.scope = p.scope;
        r.deref = p.deref;
        r.sizeLimit = p.sizeLimit;
        r.timeLimit = p.timeLimit;
        r.typesOnly = p.typesOnly;
        r.filter = p.filter;
        r.attributes = p.attributes;
        r.controls = p.controls;
        r.pagedSize = p.pagedSize;
        r.addAttributes = p.addAttributes;
        r.modifications = p.modifications;
        return addOrRecycle(r);
    }

    /** The AuthenticationChoice of the pending bind with this id, or -1. */
    int authTagOf(int messageId) {
        int i = indexOf(messageId);
        return i < 0 || table[i].op != LdapParser.BIND_REQUEST ? -1 : table[i].authTag;
    }

    /** True when the pending request with this id is an extended request for {@code oid}. */
    boolean isStartTls(int messageId, String oid) {
        int i = indexOf(messageId);
        return i >= 0 && table[i].op == LdapParser.EXTENDED_REQUEST && oid.equals(table[i].name);
    }

    /** A SearchResultEntry or SearchResultReference for this id; false when no request of this id is pending. */
    boolean entry(int messageId) {
        int i = indexOf(messageId);
        if (i >= 0) {
            table[i].entries++;
        }
        return i >= 0;
    }


    /**
     * True when a SearchResultEntry for this id is worth decoding: its search is pending and has
     * kept fewer than {@code maxKeptEntryBytes} of entries so far, and, without protocol records,
     * is a base-object search of the root DSE (RFC 4511 5.1: baseObject "" with scope
     * baseObject). Detection reads only those entries: a rootDSE naming a DC, and the LDAP ping's
     * {@code netlogon} attribute, which a DC returns only for that search (MS-ADTS 6.3.3.1).
     */
    boolean keepsEntry(int messageId) {
        int i = indexOf(messageId);
        if (i < 0) {
            return false;
        }
        Request r = table[i];
        return r.op == LdapParser.SEARCH_REQUEST && r.keptBytes < maxKeptEntryBytes
                && (allSearchEntries || isRootDseBase(r));
    }

    private static boolean isRootDseBase(Request r) {
        return r.scope == 0 && r.base != null && r.base.isEmpty();
    }

    /** A decoded SearchResultEntry: counted, and kept for the search's record while within the limit. */
    void entry(LdapParser p) {
        int i = indexOf(p.messageId);
        if (i < 0) {
            return;
        }
        Request r = table[i];
        r.entries++;
        if (p.entry != null && r.op == LdapParser.SEARCH_REQUEST && r.keptBytes < maxKeptEntryBytes
                && (allSearchEntries || isRootDseBase(r))) {
            if (r.kept == null) {
                r.kept = new ArrayList<>(2);
            }
            r.kept.add(p.entry);
            r.keptBytes += Math.max(1, p.entrySize);
        }
    }

    /** A result: emits the paired request's event; false (nothing emitted) when the request was not seen. */
    boolean complete(FlowContext ctx, LdapParser p) {
        Request r = remove(p.messageId);
        if (r != null) {
            LdapEvents.request(ctx, r, p.resultCode, p.diagnostic, p.matchedDn, cldap);
            recycle(r);
        }
        return r != null;
    }

    void unbind(FlowContext ctx, LdapParser p) {
        LdapEvents.unbind(ctx, p.messageId);
    }

    /** Requests waiting for their result. */
    int size() {
        return count;
    }

    /** The flow ended: every request still waiting becomes an event with result -1. */
    void flush(FlowContext ctx) {
        for (int i = 0; i < count; i++) {
            LdapEvents.request(ctx, table[i], -1, null, null, cldap);
            recycle(table[i]);
            table[i] = null;
        }
        count = 0;
    }
}
