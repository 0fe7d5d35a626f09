package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.event.LdapEvent.Attribute;
import io.impacketsensor.core.event.LdapEvent.BindType;
import io.impacketsensor.core.event.LdapEvent.LdapAdd;
import io.impacketsensor.core.event.LdapEvent.LdapBind;
import io.impacketsensor.core.event.LdapEvent.LdapModify;
import io.impacketsensor.core.event.LdapEvent.LdapOperation;
import io.impacketsensor.core.event.LdapEvent.LdapSearch;
import io.impacketsensor.core.event.LdapEvent.Modification;
import io.impacketsensor.core.flow.FlowContext;

import java.util.List;

/**
 * The requests of one LDAP flow waiting for their result, paired by message id (RFC 4511 4.1.1.1),
 * in a fixed-size table. A request becomes an event when its result arrives, or with result -1
 * when the flow closes.
 */
final class LdapPending {

    /** One outstanding request: what its event needs. */
    private static final class Request {
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
        List<Attribute> addAttributes;
        List<Modification> modifications;
    }

    private final Request[] table;
    private final boolean cldap;
    private int count;

    LdapPending(int capacity, boolean cldap) {
        this.table = new Request[capacity];
        this.cldap = cldap;
    }

    private boolean add(Request r) {
        if (count == table.length) {
            return false;
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

    /** A BindRequest; false when the table is full. */
    boolean bind(LdapParser p) {
        Request r = new Request();
        r.messageId = p.messageId;
        r.op = p.protocolOp;
        r.version = p.version;
        r.name = p.name;
        r.authTag = p.authTag;
        r.mechanism = p.saslMechanism;
        r.password = p.passwordSent;
        return add(r);
    }

    /** Search, add, modify, delete, modify DN and extended requests; false when the table is full. */
    boolean request(LdapParser p) {
        Request r = new Request();
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
        return add(r);
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

    /** A SearchResultEntry or SearchResultReference for this id. */
    void entry(int messageId) {
        int i = indexOf(messageId);
        if (i >= 0) {
            table[i].entries++;
        }
    }

    /** A result: emits the paired request's event (nothing when the request was not seen). */
    void complete(FlowContext ctx, LdapParser p) {
        Request r = remove(p.messageId);
        if (r != null) {
            emit(ctx, r, p.resultCode, p.diagnostic);
        }
    }

    void unbind(FlowContext ctx, LdapParser p) {
        ctx.emit(new LdapOperation(ctx.header(), p.messageId, LdapParser.UNBIND_REQUEST, "", -1));
    }

    /** The flow ended: every request still waiting becomes an event with result -1. */
    void flush(FlowContext ctx) {
        for (int i = 0; i < count; i++) {
            emit(ctx, table[i], -1, null);
            table[i] = null;
        }
        count = 0;
    }

    private void emit(FlowContext ctx, Request r, int resultCode, String diagnostic) {
        switch (r.op) {
            case LdapParser.BIND_REQUEST:
                ctx.emit(new LdapBind(ctx.header(), r.messageId, r.version, r.name, bindType(r.authTag),
                        r.mechanism, r.password, resultCode, diagnostic));
                break;
            case LdapParser.SEARCH_REQUEST:
                ctx.emit(new LdapSearch(ctx.header(), r.messageId, r.base, r.scope, r.deref, r.sizeLimit,
                        r.timeLimit, r.typesOnly, r.filter, r.attributes, r.controls, r.pagedSize, resultCode,
                        r.entries, cldap));
                break;
            case LdapParser.ADD_REQUEST:
                ctx.emit(new LdapAdd(ctx.header(), r.messageId, r.name, r.addAttributes, resultCode));
                break;
            case LdapParser.MODIFY_REQUEST:
                ctx.emit(new LdapModify(ctx.header(), r.messageId, r.name, r.modifications, resultCode));
                break;
            default:
                ctx.emit(new LdapOperation(ctx.header(), r.messageId, r.op, r.name == null ? "" : r.name,
                        resultCode));
                break;
        }
    }

    /** AuthenticationChoice tag to the event's kind (RFC 4511 4.2; MS-ADTS 5.1.1.1.3 for 9-11). */
    static BindType bindType(int authTag) {
        switch (authTag) {
            case 0:
                return BindType.SIMPLE;
            case 9:
                return BindType.SICILY_DISCOVERY;
            case 10:
                return BindType.SICILY_NEGOTIATE;
            case 11:
                return BindType.SICILY_RESPONSE;
            default:
                return BindType.SASL;
        }
    }
}
