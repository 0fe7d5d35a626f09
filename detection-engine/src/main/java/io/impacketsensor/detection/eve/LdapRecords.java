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
 * The {@code ldap} EVE protocol record of an LDAP event (one request with its result): common
 * header ({@code app_proto} ldap, over TCP and UDP), Suricata's {@code ldap} object
 * ({@code request}, {@code responses}), then our fields under {@code impacket_sensor} (RFC 4515
 * filter text, controls, paged size, entry count, bind type, {@code cldap}). The password of a
 * simple bind is never in the event, so never here: only {@code cleartext_password}.
 */
public final class LdapRecords {
    private LdapRecords() {
    }

    /** Writes one whole record (start and end object included). */
    public static void write(JsonGenerator g, LdapEvent e) throws IOException {
        g.writeStartObject();
        // Suricata names the protocol ldap over UDP too (CLDAP, RFC 1798).
        EveCommon.writeHeader(g, e.header(), "ldap", "ldap");
        g.writeObjectFieldStart("ldap");
        if (e instanceof LdapEvent.LdapReply r) {
            replyResponses(g, r);
        } else {
            suricata(g, e);
        }
        g.writeEndObject();
        EveCommon.startExtension(g);
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
        } else if (e instanceof LdapEvent.LdapReply r) {
            reply(g, r);
        }
        if (e.header().transport() == Transport.UDP) {
            g.writeBooleanField("cldap", true);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * Suricata's ldap object: the {@code request} (message_id, operation, and the operation's own
     * object) and the {@code responses} seen for it: a search's first result entries (as far as
     * the decoder's {@code max_kept_entry_bytes} keeps them) and its result with matchedDN and
     * diagnostic message; the result code (and a bind's diagnostic message) of the others.
     */
    private static void suricata(JsonGenerator g, LdapEvent e) throws IOException {
        int messageId;
        int op;
        int resultCode;
        String message = null;
        if (e instanceof LdapBind b) {
            messageId = b.messageId();
            op = 0;
            resultCode = b.resultCode();
            message = b.diagnosticMessage();
        } else if (e instanceof LdapSearch s) {
            messageId = s.messageId();
            op = 3;
            resultCode = s.resultCode();
            message = s.diagnosticMessage();
        } else if (e instanceof LdapAdd a) {
            messageId = a.messageId();
            op = 8;
            resultCode = a.resultCode();
        } else if (e instanceof LdapModify m) {
            messageId = m.messageId();
            op = 6;
            resultCode = m.resultCode();
        } else if (e instanceof LdapOperation o) {
            messageId = o.messageId();
            op = o.protocolOp();
            resultCode = o.resultCode();
        } else {
            return; // sealed or TLS: no LDAP message in clear text
        }
        g.writeObjectFieldStart("request");
        g.writeNumberField("message_id", messageId);
        String opName = requestName(op);
        g.writeStringField("operation", opName != null ? opName : "unknown");
        if (e instanceof LdapBind b) {
            g.writeObjectFieldStart("bind_request");
            g.writeNumberField("version", b.version());
            g.writeStringField("name", b.name());
            if (b.saslMechanism() != null) {
                g.writeObjectFieldStart("sasl");
                g.writeStringField("mechanism", b.saslMechanism());
                g.writeEndObject();
            }
            g.writeEndObject();
        } else if (e instanceof LdapSearch s) {
            g.writeObjectFieldStart("search_request");
            g.writeStringField("base_object", s.base());
            g.writeNumberField("scope", s.scope());
            g.writeNumberField("deref_alias", s.deref());
            g.writeNumberField("size_limit", s.sizeLimit());
            g.writeNumberField("time_limit", s.timeLimit());
            g.writeBooleanField("types_only", s.typesOnly());
            if (!s.attributes().isEmpty()) {
                EveJson.strings(g, "attributes", s.attributes());
            }
            g.writeEndObject();
        } else if (e instanceof LdapAdd a) {
            g.writeObjectFieldStart("add_request");
            g.writeStringField("entry", a.dn());
            if (!a.attributes().isEmpty()) {
                g.writeArrayFieldStart("attributes");
                for (Attribute at : a.attributes()) {
                    g.writeStartObject();
                    g.writeStringField("name", at.name());
                    if (!at.values().isEmpty()) {
                        EveJson.strings(g, "values", at.values());
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } else if (e instanceof LdapModify m) {
            g.writeObjectFieldStart("modify_request");
            g.writeStringField("object", m.dn());
            if (!m.modifications().isEmpty()) {
                g.writeArrayFieldStart("changes");
                for (Modification mod : m.modifications()) {
                    g.writeStartObject();
                    String n = LdapNames.modifyOperation(mod.operation());
                    g.writeStringField("operation", n != null ? n : Integer.toString(mod.operation()));
                    g.writeObjectFieldStart("modification");
                    g.writeStringField("attribute_type", mod.attribute().name());
                    if (!mod.attribute().values().isEmpty()) {
                        EveJson.strings(g, "attribute_values", mod.attribute().values());
                    }
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } else if (e instanceof LdapOperation o && !o.target().isEmpty()) {
            switch (op) {
                case 10 -> {
                    g.writeObjectFieldStart("del_request");
                    g.writeStringField("dn", o.target());
                    g.writeEndObject();
                }
                case 23 -> {
                    g.writeObjectFieldStart("extended_request");
                    g.writeStringField("name", o.target());
                    g.writeEndObject();
                }
                default -> {
                }
            }
        }
        g.writeEndObject();
        String response = responseName(op);
        List<LdapEvent.SearchEntry> entries = e instanceof LdapSearch s ? s.resultEntries() : List.of();
        if ((resultCode >= 0 && response != null) || !entries.isEmpty()) {
            g.writeArrayFieldStart("responses");
            searchResultEntries(g, entries);
            if (resultCode >= 0 && response != null) {
                g.writeStartObject();
                g.writeStringField("operation", response);
                g.writeObjectFieldStart(response);
                g.writeStringField("result_code", suricataResult(resultCode));
                if (e instanceof LdapSearch s && s.matchedDn() != null) {
                    g.writeStringField("matched_dn", s.matchedDn());
                }
                if (message != null) {
                    g.writeStringField("message", message);
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
    }

    /**
     * The kept SearchResultEntries, each a response of its own as Suricata logs them:
     * {@code {"operation":"search_result_entry","search_result_entry":{"base_object":DN,
     * "attributes":[{"type":..,"values":[..]}]}}}.
     */
    private static void searchResultEntries(JsonGenerator g, List<LdapEvent.SearchEntry> entries) throws IOException {
        EntryWriter w = null;
        for (LdapEvent.SearchEntry en : entries) {
            g.writeStartObject();
            g.writeStringField("operation", "search_result_entry");
            g.writeObjectFieldStart("search_result_entry");
            if (w == null) {
                w = new EntryWriter(g);
            }
            w.attributes = false;
            w.values = false;
            // An entry still in its bytes is copied from them: no String, list or Attribute per value.
            if (en.stream(w)) {
                w.finish();
                g.writeEndObject();
                g.writeEndObject();
                continue;
            }
            g.writeStringField("base_object", en.dn());
            // Empty lists are left out (an entry without attributes, a typesOnly search's values).
            if (!en.attributes().isEmpty()) {
                g.writeArrayFieldStart("attributes");
                for (Attribute a : en.attributes()) {
                    g.writeStartObject();
                    g.writeStringField("type", a.name());
                    if (!a.values().isEmpty()) {
                        EveJson.strings(g, "values", a.values());
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    /**
     * Writes a streamed entry as {@link #searchResultEntries} writes a decoded one: Jackson's
     * {@code writeUTF8String} escapes the bytes as {@code writeString} escapes their text when
     * they are well-formed UTF-8 of the Basic Multilingual Plane (a supplementary character
     * {@code writeString} escapes as a surrogate pair comes as text), so the output is the same
     * byte for byte.
     */
    private static final class EntryWriter implements LdapEvent.SearchEntry.Sink {
        private final JsonGenerator g;
        /** Whether the attributes array, and an attribute's values array, are open. */
        boolean attributes;
        boolean values;

        EntryWriter(JsonGenerator g) {
            this.g = g;
        }

        @Override
        public void dn(byte[] b, int off, int len, String text) throws IOException {
            g.writeFieldName("base_object");
            utf8(b, off, len, text);
        }

        @Override
        public void type(byte[] b, int off, int len, String text) throws IOException {
            if (values) {
                g.writeEndArray();
                values = false;
            }
            if (attributes) {
                g.writeEndObject();
            } else {
                // empty lists are left out: the array opens with the first attribute
                g.writeArrayFieldStart("attributes");
                attributes = true;
            }
            g.writeStartObject();
            g.writeFieldName("type");
            utf8(b, off, len, text);
        }

        @Override
        public void value(byte[] b, int off, int len, String text) throws IOException {
            if (!values) {
                g.writeArrayFieldStart("values");
                values = true;
            }
            utf8(b, off, len, text);
        }

        private void utf8(byte[] b, int off, int len, String text) throws IOException {
            if (text != null) {
                g.writeString(text);
            } else {
                g.writeUTF8String(b, off, len);
            }
        }

        /** Closes what the entry left open. */
        void finish() throws IOException {
            if (values) {
                g.writeEndArray();
            }
            if (attributes) {
                g.writeEndObject();
                g.writeEndArray();
            }
        }
    }

    /**
     * The responses of an answer whose request was not captured, as Suricata logs responses (no
     * {@code request} object: the copy holds none): the kept entries, then the closing response.
     */
    private static void replyResponses(JsonGenerator g, LdapEvent.LdapReply r) throws IOException {
        String response = responseName(requestOf(r.protocolOp()));
        if ((r.resultCode() < 0 || response == null) && r.resultEntries().isEmpty()) {
            return;
        }
        g.writeArrayFieldStart("responses");
        searchResultEntries(g, r.resultEntries());
        if (r.resultCode() >= 0 && response != null) {
            g.writeStartObject();
            g.writeStringField("operation", response);
            g.writeObjectFieldStart(response);
            g.writeStringField("result_code", suricataResult(r.resultCode()));
            // as for an answer with its request: matched_dn for searches, message for binds and searches
            if (r.protocolOp() == 5 && r.matchedDn() != null) {
                g.writeStringField("matched_dn", r.matchedDn());
            }
            if ((r.protocolOp() == 1 || r.protocolOp() == 5) && r.diagnosticMessage() != null) {
                g.writeStringField("message", r.diagnosticMessage());
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** The request a response answers (RFC 4511 4.2-4.12: each response's tag follows its request's), or -1. */
    private static int requestOf(int responseOp) {
        return switch (responseOp) {
            case 1 -> 0;
            case 5 -> 3;
            case 7, 9, 11, 13 -> responseOp - 1;
            case 15 -> 14;
            case 24 -> 23;
            default -> -1;
        };
    }

    /** Our fields of an answer without its request: what it answered, and what a search returned. */
    private static void reply(JsonGenerator g, LdapEvent.LdapReply r) throws IOException {
        String n = LdapNames.operation(requestOf(r.protocolOp()));
        op(g, n != null ? n : "op_" + r.protocolOp(), r.messageId());
        g.writeBooleanField("request_seen", false);
        result(g, r.resultCode(), r.diagnosticMessage());
        if (r.previousBindId() >= 0) {
            g.writeNumberField("previous_bind_message_id", r.previousBindId());
        }
        if (r.protocolOp() == 5) {
            LdapEvent.ReplyShape s = r.shape();
            g.writeNumberField("entries", s.entries());
            g.writeNumberField("references", s.references());
            g.writeObjectFieldStart("reply_shape");
            g.writeNumberField("inspected", s.inspected());
            g.writeNumberField("user_listing", s.userListing());
            g.writeNumberField("spn_users", s.spnUsers());
            g.writeNumberField("no_preauth", s.noPreauth());
            g.writeNumberField("delegation", s.delegation());
            g.writeNumberField("laps_passwords", s.lapsPasswords());
            g.writeEndObject();
        }
    }

    /** RFC 4511 4.2 protocolOp application tags of requests, as Suricata names them. */
    private static String requestName(int op) {
        return switch (op) {
            case 0 -> "bind_request";
            case 2 -> "unbind_request";
            case 3 -> "search_request";
            case 6 -> "modify_request";
            case 8 -> "add_request";
            case 10 -> "del_request";
            case 12 -> "mod_dn_request";
            case 14 -> "compare_request";
            case 16 -> "abandon_request";
            case 23 -> "extended_request";
            default -> null;
        };
    }

    /** The response that closes a request (a search ends with search_result_done), or null (unbind, abandon). */
    private static String responseName(int op) {
        return switch (op) {
            case 0 -> "bind_response";
            case 3 -> "search_result_done";
            case 6 -> "modify_response";
            case 8 -> "add_response";
            case 10 -> "del_response";
            case 12 -> "mod_dn_response";
            case 14 -> "compare_response";
            case 23 -> "extended_response";
            default -> null;
        };
    }

    /** RFC 4511 resultCode name in Suricata's snake case ({@code invalid_credentials}); unknown as {@code unknown-<n>}. */
    static String suricataResult(int code) {
        String n = LdapNames.resultCode(code);
        if (n == null) {
            return "unknown-" + code;
        }
        StringBuilder b = new StringBuilder(n.length() + 4);
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (Character.isUpperCase(c)) {
                b.append('_').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
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
        EveJson.strings(g, "attributes", s.attributes());
        if (!s.controls().isEmpty()) {
            EveJson.strings(g, "controls", s.controls());
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
                EveJson.strings(g, "values", mod.attribute().values());
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
                EveJson.strings(g, "values", a.values());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
