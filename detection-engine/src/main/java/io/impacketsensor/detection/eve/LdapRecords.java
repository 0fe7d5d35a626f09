package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.LdapEvent.Attribute;
import io.impacketsensor.core.event.LdapEvent.LdapAdd;
import io.impacketsensor.core.event.LdapEvent.LdapBind;
import io.impacketsensor.core.event.LdapEvent.LdapModify;
import io.impacketsensor.core.event.LdapEvent.LdapOperation;
import io.impacketsensor.core.event.LdapEvent.LdapSealed;
import io.impacketsensor.core.event.LdapEvent.LdapSearch;
import io.impacketsensor.core.event.LdapEvent.LdapStartTls;
import io.impacketsensor.core.event.LdapEvent.Modification;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.detection.rules.Text;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The {@code ldap} EVE protocol record of an LDAP event: common header ({@code app_proto} ldap,
 * or cldap over UDP), then an {@code ldap} object with the operation and its result. The password
 * of a simple bind is never in the event, so never here: only {@code cleartext_password}.
 */
public final class LdapRecords {
    private LdapRecords() {
    }

    /** Writes one whole record (start and end object included). */
    public static void write(JsonGenerator g, LdapEvent e) throws IOException {
        g.writeStartObject();
        EveCommon.writeHeader(g, e.header(), "ldap", e.header().transport() == Transport.UDP ? "cldap" : "ldap");
        g.writeObjectFieldStart("ldap");
        if (e instanceof LdapBind b) {
            bind(g, b);
        } else if (e instanceof LdapSearch s) {
            search(g, s);
        } else if (e instanceof LdapAdd a) {
            op(g, "add", a.messageId());
            g.writeStringField("dn", Text.quote(a.dn()));
            attributes(g, "attributes", a.attributes());
            result(g, a.resultCode(), null);
        } else if (e instanceof LdapModify m) {
            modify(g, m);
        } else if (e instanceof LdapOperation o) {
            String n = LdapNames.operation(o.protocolOp());
            op(g, n != null ? n : "op_" + o.protocolOp(), o.messageId());
            if (!o.target().isEmpty()) {
                g.writeStringField(o.protocolOp() == 23 ? "request_name" : "dn", o.target());
            }
            result(g, o.resultCode(), null);
        } else if (e instanceof LdapSealed s) {
            g.writeStringField("operation", "sealed");
            if (s.mechanism() != null) {
                g.writeStringField("sasl_mechanism", s.mechanism());
            }
            g.writeBooleanField("sealed", true);
        } else if (e instanceof LdapStartTls) {
            g.writeStringField("operation", "starttls");
            g.writeBooleanField("sealed", true);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void op(JsonGenerator g, String name, int messageId) throws IOException {
        g.writeStringField("operation", name);
        g.writeNumberField("message_id", messageId);
    }

    private static void result(JsonGenerator g, int code, String diagnostic) throws IOException {
        if (code < 0) {
            return;
        }
        g.writeNumberField("result_code", code);
        String n = LdapNames.resultCode(code);
        if (n != null) {
            g.writeStringField("result_name", n);
        }
        if (diagnostic != null && !diagnostic.isEmpty()) {
            g.writeStringField("diagnostic_message", Text.quote(diagnostic));
        }
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void bind(JsonGenerator g, LdapBind b) throws IOException {
        op(g, "bind", b.messageId());
        g.writeNumberField("version", b.version());
        g.writeStringField("bind_name", Text.quote(b.name()));
        g.writeStringField("bind_type", b.bindType().name().toLowerCase(Locale.ROOT));
        if (b.saslMechanism() != null) {
            g.writeStringField("sasl_mechanism", b.saslMechanism());
        }
        g.writeBooleanField("cleartext_password", b.cleartextPassword());
        result(g, b.resultCode(), b.diagnosticMessage());
    }

    private static void search(JsonGenerator g, LdapSearch s) throws IOException {
        op(g, "search", s.messageId());
        g.writeStringField("base", Text.quote(s.base()));
        String scope = LdapNames.scope(s.scope());
        g.writeStringField("scope", scope != null ? scope : Integer.toString(s.scope()));
        g.writeStringField("filter", Text.quote(s.filter()));
        strings(g, "attributes", s.attributes());
        if (!s.controls().isEmpty()) {
            strings(g, "controls", s.controls());
        }
        if (s.pagedSize() >= 0) {
            g.writeNumberField("paged_size", s.pagedSize());
        }
        g.writeNumberField("size_limit", s.sizeLimit());
        g.writeNumberField("time_limit", s.timeLimit());
        result(g, s.resultCode(), null);
        g.writeNumberField("entries", s.entries());
    }

    private static void modify(JsonGenerator g, LdapModify m) throws IOException {
        op(g, "modify", m.messageId());
        g.writeStringField("dn", Text.quote(m.dn()));
        g.writeArrayFieldStart("modifications");
        for (Modification mod : m.modifications()) {
            g.writeStartObject();
            String n = LdapNames.modifyOperation(mod.operation());
            g.writeStringField("operation", n != null ? n : Integer.toString(mod.operation()));
            g.writeStringField("attribute", mod.attribute().name());
            if (!mod.attribute().values().isEmpty()) {
                strings(g, "values", mod.attribute().values());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        result(g, m.resultCode(), null);
    }

    private static void attributes(JsonGenerator g, String field, List<Attribute> attrs) throws IOException {
        g.writeArrayFieldStart(field);
        for (Attribute a : attrs) {
            g.writeStartObject();
            g.writeStringField("name", a.name());
            if (!a.values().isEmpty()) {
                strings(g, "values", a.values());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
