package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.KerberosEvent.KerberosApRequest;
import io.impacketsensor.core.event.KerberosEvent.KerberosError;
import io.impacketsensor.core.event.KerberosEvent.KerberosReply;
import io.impacketsensor.core.event.KerberosEvent.KerberosRequest;
import io.impacketsensor.core.event.KerberosEvent.PrincipalName;
import io.impacketsensor.core.event.KerberosEvent.TicketInfo;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The {@code krb5} EVE protocol record of a Kerberos event: common header, then Suricata's
 * {@code krb5} object (msg_type, failed_request, error_code, cname, realm, sname, encryption,
 * weak_encryption, ticket_encryption, ticket_weak_encryption, in Suricata's spelling), then our
 * decoded fields under {@code impacket_sensor}: codes as numbers with their names beside them
 * ({@code etypes} and {@code etype_names}, {@code error_code} and {@code error_name}); unknown
 * codes have no name.
 */
public final class KerberosRecords {
    private KerberosRecords() {
    }

    /** Writes one whole record (start and end object included). */
    public static void write(JsonGenerator g, KerberosEvent e) throws IOException {
        g.writeStartObject();
        EveCommon.writeHeader(g, e.header(), "krb5", "krb5");
        g.writeObjectFieldStart("krb5");
        suricata(g, e);
        g.writeEndObject();
        EveCommon.startExtension(g);
        if (e instanceof KerberosRequest r) {
            request(g, r);
        } else if (e instanceof KerberosReply r) {
            reply(g, r);
        } else if (e instanceof KerberosError r) {
            error(g, r);
        } else if (e instanceof KerberosApRequest r) {
            apRequest(g, r);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * Suricata's krb5 object: one per KDC message, {@code <empty>} for an absent name or realm and
     * {@code <none>} for an absent encryption. The realm is the client realm: for a KRB-ERROR (whose
     * crealm travels with its cname, RFC 4120 5.9.1) it is {@code <empty>} without a cname.
     */
    private static void suricata(JsonGenerator g, KerberosEvent e) throws IOException {
        String cname = null;
        String realm = null;
        String sname = null;
        int etype = NO_ETYPE;
        int ticketEtype = NO_ETYPE;
        int msgType;
        if (e instanceof KerberosRequest r) {
            msgType = r.msgType();
            g.writeStringField("msg_type", msgTypeName(msgType));
            cname = name(r.cname());
            realm = r.realm();
            sname = name(r.sname());
        } else if (e instanceof KerberosReply r) {
            msgType = r.msgType();
            g.writeStringField("msg_type", msgTypeName(msgType));
            cname = name(r.cname());
            realm = r.crealm();
            if (r.ticket() != null) {
                sname = name(r.ticket().sname());
                ticketEtype = r.ticket().etype();
            }
            etype = r.encPartEtype();
        } else if (e instanceof KerberosError r) {
            g.writeStringField("msg_type", "KRB_ERROR");
            g.writeStringField("failed_request", r.request() != null ? msgTypeName(r.request().msgType()) : "UNKNOWN");
            String n = KerberosNames.error(r.errorCode());
            g.writeStringField("error_code", n != null ? n : "ErrorCode(" + r.errorCode() + ")");
            cname = name(r.cname());
            realm = r.cname() != null ? r.realm() : null;
            sname = name(r.sname());
        } else if (e instanceof KerberosApRequest r) {
            g.writeStringField("msg_type", "KRB_AP_REQ");
            if (r.ticket() != null) {
                realm = r.ticket().realm();
                sname = name(r.ticket().sname());
                ticketEtype = r.ticket().etype();
            }
        }
        g.writeStringField("cname", cname != null ? cname : "<empty>");
        g.writeStringField("realm", realm != null ? realm : "<empty>");
        g.writeStringField("sname", sname != null ? sname : "<empty>");
        g.writeStringField("encryption", etype != NO_ETYPE ? etypeName(etype) : "<none>");
        g.writeBooleanField("weak_encryption", etype != NO_ETYPE && KerberosNames.weakForSuricata(etype));
        if (ticketEtype != NO_ETYPE) {
            g.writeStringField("ticket_encryption", etypeName(ticketEtype));
            g.writeBooleanField("ticket_weak_encryption", KerberosNames.weakForSuricata(ticketEtype));
        }
    }

    /** No etype in the message (an etype value is any 32-bit signed integer, so this is out of band). */
    private static final int NO_ETYPE = Integer.MIN_VALUE;

    private static String msgTypeName(int t) {
        String n = KerberosNames.msgType(t);
        return n != null ? n : "MessageType(" + t + ")";
    }

    /** The etype's name; an unassigned one as {@code EncryptionType(<n>)}. */
    private static String etypeName(int e) {
        String n = KerberosNames.etype(e);
        return n != null ? n : "EncryptionType(" + e + ")";
    }

    private static String name(PrincipalName p) {
        return p == null ? null : p.toString();
    }

    private static void msgType(JsonGenerator g, int t) throws IOException {
        String n = KerberosNames.msgType(t);
        g.writeStringField("msg_type", n != null ? n : Integer.toString(t));
        g.writeNumberField("msg_type_code", t);
    }

    /**
     * A principal's field and those of its name-type, named once: records are written per event, and
     * a name joined from its parts at each record was a new String each time.
     */
    private record PrincipalField(String name, String type, String typeName) {
        static PrincipalField of(String name) {
            return new PrincipalField(name, name + "_type", name + "_type_name");
        }
    }

    /** An encryption type's field and that of its name. */
    private record EtypeField(String name, String nameName) {
        static EtypeField of(String name) {
            return new EtypeField(name, name + "_name");
        }
    }

    /** A ticket's fields under one prefix ({@link #ticket}). */
    private record TicketFields(String realm, PrincipalField sname, EtypeField etype, String kvno, String digest) {
        static TicketFields of(String prefix) {
            return new TicketFields(prefix + "realm", PrincipalField.of(prefix + "sname"), EtypeField.of(prefix + "etype"),
                    prefix + "kvno", prefix + "digest");
        }
    }

    private static final PrincipalField CNAME = PrincipalField.of("cname");
    private static final PrincipalField SNAME = PrincipalField.of("sname");
    private static final EtypeField PA_ENC_TIMESTAMP_ETYPE = EtypeField.of("pa_enc_timestamp_etype");
    private static final EtypeField REPLY_ETYPE = EtypeField.of("reply_etype");
    private static final EtypeField AUTHENTICATOR_ETYPE = EtypeField.of("authenticator_etype");
    private static final TicketFields TICKET = TicketFields.of("ticket_");
    private static final TicketFields BARE_TICKET = TicketFields.of("");

    private static void principal(JsonGenerator g, PrincipalField field, PrincipalName p) throws IOException {
        if (p == null) {
            return;
        }
        g.writeStringField(field.name(), p.toString());
        principalType(g, field, p);
    }

    /** The name-type of a principal whose name is in the krb5 object. */
    private static void principalType(JsonGenerator g, PrincipalField field, PrincipalName p) throws IOException {
        if (p == null) {
            return;
        }
        g.writeNumberField(field.type(), p.nameType());
        String n = KerberosNames.nameType(p.nameType());
        if (n != null) {
            g.writeStringField(field.typeName(), n);
        }
    }

    private static void string(JsonGenerator g, String field, String v) throws IOException {
        if (v != null) {
            g.writeStringField(field, v);
        }
    }

    private static void etypes(JsonGenerator g, List<Integer> etypes) throws IOException {
        g.writeArrayFieldStart("etypes");
        for (int e : etypes) {
            g.writeNumber(e);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("etype_names");
        for (int e : etypes) {
            String n = KerberosNames.etype(e);
            g.writeString(n != null ? n : Integer.toString(e));
        }
        g.writeEndArray();
        boolean weak = false;
        for (int e : etypes) {
            weak |= KerberosNames.weakEtype(e);
        }
        g.writeBooleanField("weak_etype_requested", weak);
    }

    private static void padata(JsonGenerator g, List<Integer> types) throws IOException {
        g.writeArrayFieldStart("padata");
        for (int t : types) {
            g.writeNumber(t);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("padata_names");
        for (int t : types) {
            String n = KerberosNames.padata(t);
            g.writeString(n != null ? n : Integer.toString(t));
        }
        g.writeEndArray();
    }

    private static void etypeField(JsonGenerator g, EtypeField field, int etype) throws IOException {
        if (etype < 0 && KerberosNames.etype(etype) == null) {
            return;
        }
        g.writeNumberField(field.name(), etype);
        String n = KerberosNames.etype(etype);
        if (n != null) {
            g.writeStringField(field.nameName(), n);
        }
    }

    /** The ticket's cleartext part as {@code <prefix>realm/sname/etype/kvno}, and its cipher digest. */
    private static void ticket(JsonGenerator g, TicketFields f, TicketInfo t) throws IOException {
        if (t == null) {
            return;
        }
        string(g, f.realm(), t.realm());
        principal(g, f.sname(), t.sname());
        etypeField(g, f.etype(), t.etype());
        if (t.kvno() >= 0) {
            g.writeNumberField(f.kvno(), t.kvno());
        }
        if (t.cipherDigest() != KerberosEvent.NO_DIGEST) {
            // Equal digests: the same ticket issued in a reply and presented in a request.
            String hex = Long.toHexString(t.cipherDigest());
            g.writeStringField(f.digest(), "0000000000000000".substring(hex.length()) + hex);
        }
    }

    static String time(long secs) {
        if (secs == KerberosEvent.NO_TIME) {
            return null;
        }
        if (Math.abs(secs) < 9_000_000_000L) {
            return EveCommon.timestamp(secs * 1_000_000_000L);
        }
        return Instant.ofEpochSecond(Math.max(Math.min(secs, Instant.MAX.getEpochSecond()),
                Instant.MIN.getEpochSecond())).toString();
    }

    private static void request(JsonGenerator g, KerberosRequest r) throws IOException {
        g.writeNumberField("msg_type_code", r.msgType());
        principalType(g, CNAME, r.cname());
        principalType(g, SNAME, r.sname());
        etypes(g, r.etypes());
        padata(g, r.padataTypes());
        g.writeStringField("kdc_options", EveCommon.hex32(r.kdcOptions()));
        g.writeArrayFieldStart("kdc_option_names");
        for (String n : KerberosNames.kdcOptions(r.kdcOptions())) {
            g.writeString(n);
        }
        g.writeEndArray();
        string(g, "from", time(r.from()));
        string(g, "till", time(r.till()));
        string(g, "rtime", time(r.rtime()));
        g.writeNumberField("nonce", r.nonce());
        etypeField(g, PA_ENC_TIMESTAMP_ETYPE, r.encTimestampEtype());
        if (r.pacRequest() >= 0) {
            g.writeBooleanField("pac_request", r.pacRequest() == 1);
        }
        if (r.forUserName() != null) {
            g.writeStringField("pa_for_user", r.forUserRealm() == null ? r.forUserName()
                    : r.forUserName() + "@" + r.forUserRealm());
            if (r.forUserChecksumType() != 0) {
                g.writeNumberField("pa_for_user_cksumtype", r.forUserChecksumType());
            }
        }
        if (r.s4uX509User()) {
            g.writeBooleanField("s4u_x509_user", true);
        }
        if (r.pacOptions() != -1) {
            g.writeStringField("pac_options", EveCommon.hex32(r.pacOptions()));
        }
        if (r.fast()) {
            g.writeBooleanField("fast", true);
        }
        // TGS-REQ: the ticket presented in PA-TGS-REQ (a forged TGT shows here).
        ticket(g, TICKET, r.tgsTicket());
        g.writeBooleanField("addresses", r.addressesPresent());
        if (!r.additionalTickets().isEmpty()) {
            g.writeArrayFieldStart("additional_tickets");
            for (TicketInfo t : r.additionalTickets()) {
                g.writeStartObject();
                ticket(g, BARE_TICKET, t);
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeStringField("carried_in", "raw");
    }

    private static void reply(JsonGenerator g, KerberosReply r) throws IOException {
        g.writeNumberField("msg_type_code", r.msgType());
        principalType(g, CNAME, r.cname());
        if (r.ticket() != null) {
            principalType(g, SNAME, r.ticket().sname());
        }
        ticket(g, TICKET, r.ticket());
        etypeField(g, REPLY_ETYPE, r.encPartEtype());
        requestSummary(g, r.request());
        g.writeStringField("carried_in", "raw");
    }

    private static void error(JsonGenerator g, KerberosError r) throws IOException {
        g.writeNumberField("msg_type_code", 30);
        principalType(g, CNAME, r.cname());
        // The error's realm field ([9], the server's realm); krb5.realm is the client's.
        string(g, "server_realm", r.realm());
        principalType(g, SNAME, r.sname());
        g.writeNumberField("error_code", r.errorCode());
        String n = KerberosNames.error(r.errorCode());
        if (n != null) {
            g.writeStringField("error_name", n);
        }
        string(g, "e_text", r.eText());
        requestSummary(g, r.request());
        g.writeStringField("carried_in", "raw");
    }

    /** What a reply or error answered: the request's type, etypes and PA-DATA types. */
    private static void requestSummary(JsonGenerator g, KerberosRequest req) throws IOException {
        if (req == null) {
            return;
        }
        g.writeObjectFieldStart("request");
        msgType(g, req.msgType());
        etypes(g, req.etypes());
        padata(g, req.padataTypes());
        g.writeEndObject();
    }

    private static void apRequest(JsonGenerator g, KerberosApRequest r) throws IOException {
        g.writeNumberField("msg_type_code", 14);
        if (r.ticket() != null) {
            principalType(g, SNAME, r.ticket().sname());
        }
        ticket(g, TICKET, r.ticket());
        g.writeStringField("ap_options", EveCommon.hex32(r.apOptions()));
        etypeField(g, AUTHENTICATOR_ETYPE, r.authenticatorEtype());
        g.writeStringField("carried_in", r.carrier().name().toLowerCase(Locale.ROOT));
    }
}
