package io.impacketsensor.detection;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.KerberosEvent.KerberosApRequest;
import io.impacketsensor.core.event.KerberosEvent.KerberosError;
import io.impacketsensor.core.event.KerberosEvent.KerberosReply;
import io.impacketsensor.core.event.KerberosEvent.KerberosRequest;
import io.impacketsensor.core.event.KerberosEvent.PrincipalName;
import io.impacketsensor.core.event.KerberosEvent.TicketInfo;
import io.impacketsensor.core.event.LdapEvent.Attribute;
import io.impacketsensor.core.event.LdapEvent.BindType;
import io.impacketsensor.core.event.LdapEvent.LdapAdd;
import io.impacketsensor.core.event.LdapEvent.LdapBind;
import io.impacketsensor.core.event.LdapEvent.LdapModify;
import io.impacketsensor.core.event.LdapEvent.LdapOperation;
import io.impacketsensor.core.event.LdapEvent.LdapSealed;
import io.impacketsensor.core.event.LdapEvent.LdapSearch;
import io.impacketsensor.core.event.LdapEvent.Modification;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.detection.eve.KerberosNames;
import io.impacketsensor.detection.eve.ProtocolRecordWriter;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** krb5 and ldap EVE protocol records, validated against the committed schema. Events modelled on the lab captures. */
class KrbLdapRecordsTest {
    private static final JsonFactory JSON = new JsonFactory();

    private static EventHeader header(int port, Transport t) throws Exception {
        return new EventHeader(1_795_791_153_123_456_000L, 42, InetAddress.getByName("10.99.0.2"), 52070,
                InetAddress.getByName("10.99.0.1"), port, t);
    }

    private static JsonNode write(SensorEvent e) throws Exception {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            assertTrue(ProtocolRecordWriter.write(g, e));
        }
        return EveSchema.validate(w.toString()).get(0);
    }

    private static final PrincipalName KRBTGT = new PrincipalName(1, List.of("krbtgt", "LAB.TEST"));

    static KerberosRequest asReq(EventHeader h) {
        return new KerberosRequest(h, 10, List.of(128), -1, 1, null, null, 0, false, -1, false, null, 0x50800000,
                new PrincipalName(1, List.of("roast_me")), "LAB.TEST", KRBTGT, KerberosRequest.NO_TIME, 1795877553L,
                1795877553L, 1962650290L, List.of(23), false, List.of());
    }

    @Test
    void asReqWithoutPreauth() throws Exception {
        JsonNode n = write(asReq(header(88, Transport.TCP)));
        assertEquals("krb5", n.get("event_type").asText());
        assertEquals("krb5", n.get("app_proto").asText());
        JsonNode k = n.get("krb5");
        assertEquals("KRB_AS_REQ", k.get("msg_type").asText());
        assertEquals("roast_me", k.get("cname").asText());
        assertEquals("LAB.TEST", k.get("realm").asText());
        assertEquals("krbtgt/LAB.TEST", k.get("sname").asText());
        assertEquals("<none>", k.get("encryption").asText());
        assertFalse(k.get("weak_encryption").asBoolean());
        assertNull(k.get("ticket_encryption"));
        JsonNode x = n.get("impacket_sensor");
        assertEquals(2, x.get("eve_version").asInt());
        assertEquals(10, x.get("msg_type_code").asInt());
        assertEquals(1, x.get("cname_type").asInt());
        assertEquals("[23]", x.get("etypes").toString());
        assertEquals("[\"rc4-hmac\"]", x.get("etype_names").toString());
        assertTrue(x.get("weak_etype_requested").asBoolean());
        assertEquals("[128]", x.get("padata").toString());
        assertEquals("[\"PA-PAC-REQUEST\"]", x.get("padata_names").toString());
        assertEquals("0x50800000", x.get("kdc_options").asText());
        assertEquals("[\"forwardable\",\"proxiable\",\"renewable\"]", x.get("kdc_option_names").toString());
        assertEquals("2026-11-28T14:52:33.000000+0000", x.get("till").asText());
        assertNull(x.get("pa_enc_timestamp_etype"), "no pre-authentication");
        assertEquals("raw", x.get("carried_in").asText());
    }

    @Test
    void asRepAndErrorInSuricataSpelling() throws Exception {
        EventHeader h = header(88, Transport.TCP);
        KerberosRequest req = asReq(h);
        JsonNode rep = write(new KerberosReply(h, 11, "LAB.TEST", new PrincipalName(1, List.of("roast_me")),
                new TicketInfo("LAB.TEST", KRBTGT, 18, 2), 23, req));
        JsonNode k = rep.get("krb5");
        assertEquals("KRB_AS_REP", k.get("msg_type").asText());
        assertEquals("rc4-hmac", k.get("encryption").asText());
        assertTrue(k.get("weak_encryption").asBoolean());
        assertEquals("aes256-cts-hmac-sha1-96", k.get("ticket_encryption").asText());
        assertFalse(k.get("ticket_weak_encryption").asBoolean());
        JsonNode x = rep.get("impacket_sensor");
        assertEquals(23, x.get("reply_etype").asInt());
        assertEquals(18, x.get("ticket_etype").asInt());
        assertEquals(2, x.get("ticket_kvno").asInt());
        assertEquals("[23]", x.get("request").get("etypes").toString());
        JsonNode err = write(new KerberosError(h, 25, "Need to use PA-ENC-TIMESTAMP/PA-PK-AS-REQ", "LAB.TEST",
                KRBTGT, null, req));
        assertEquals("KRB_ERROR", err.get("krb5").get("msg_type").asText());
        assertEquals("KRB_AS_REQ", err.get("krb5").get("failed_request").asText());
        assertEquals("KDC_ERR_PREAUTH_REQUIRED", err.get("krb5").get("error_code").asText());
        assertEquals("<empty>", err.get("krb5").get("cname").asText(), "the error carries no client name");
        assertEquals("<empty>", err.get("krb5").get("realm").asText(), "nor a client realm");
        assertEquals(25, err.get("impacket_sensor").get("error_code").asInt());
        assertEquals("LAB.TEST", err.get("impacket_sensor").get("server_realm").asText());
        JsonNode unknown = write(new KerberosError(h, 999, null, "LAB.TEST", KRBTGT, null, null));
        assertEquals("ErrorCode(999)", unknown.get("krb5").get("error_code").asText());
        assertEquals("UNKNOWN", unknown.get("krb5").get("failed_request").asText());
        assertEquals(999, unknown.get("impacket_sensor").get("error_code").asInt());
        assertNull(unknown.get("impacket_sensor").get("error_name"), "unknown codes are kept as numbers");
    }

    @Test
    void tgsReqWithForgedTicketAndS4u() throws Exception {
        EventHeader h = header(88, Transport.TCP);
        TicketInfo tgt = new TicketInfo("LAB.TEST", new PrincipalName(2, List.of("krbtgt", "LAB.TEST")), 18, 2);
        JsonNode n = write(new KerberosRequest(h, 12, List.of(1, 129), -1, -1, "Administrator", "LAB.TEST", -138, false,
                -1, false, tgt, 0x40810010, null, "LAB.TEST", new PrincipalName(1, List.of("svc_web")),
                KerberosRequest.NO_TIME, 1795877553L, KerberosRequest.NO_TIME, 5, List.of(23, 16, 3, 18), false,
                List.of(new TicketInfo("LAB.TEST", new PrincipalName(1, List.of("svc_web")), 18, 2))));
        assertEquals("KRB_TGS_REQ", n.get("krb5").get("msg_type").asText());
        assertEquals("<empty>", n.get("krb5").get("cname").asText());
        JsonNode k = n.get("impacket_sensor");
        assertEquals("Administrator@LAB.TEST", k.get("pa_for_user").asText());
        assertEquals(-138, k.get("pa_for_user_cksumtype").asInt());
        assertEquals("krbtgt/LAB.TEST", k.get("ticket_sname").asText());
        assertEquals(18, k.get("ticket_etype").asInt());
        assertEquals(2, k.get("ticket_kvno").asInt());
        assertEquals("[\"forwardable\",\"renewable\",\"canonicalize\",\"renewable-ok\"]",
                k.get("kdc_option_names").toString());
        assertEquals("svc_web", k.get("additional_tickets").get(0).get("sname").asText());
    }

    @Test
    void apRequestNamesItsCarrier() throws Exception {
        JsonNode n = write(new KerberosApRequest(header(445, Transport.TCP), Carrier.SMB2, 0x20000000,
                new TicketInfo("LAB.TEST", new PrincipalName(2, List.of("cifs", "dc1.lab.test")), 23, 2), 23));
        assertEquals("KRB_AP_REQ", n.get("krb5").get("msg_type").asText());
        assertEquals("cifs/dc1.lab.test", n.get("krb5").get("sname").asText());
        assertEquals("rc4-hmac", n.get("krb5").get("ticket_encryption").asText());
        JsonNode k = n.get("impacket_sensor");
        assertEquals("smb2", k.get("carried_in").asText());
        assertEquals("NT-SRV-INST", k.get("sname_type_name").asText());
        assertEquals("0x20000000", k.get("ap_options").asText());
    }

    @Test
    void ldapBindSearchAddModifyOperationSealed() throws Exception {
        EventHeader h = header(389, Transport.TCP);
        JsonNode bind = write(new LdapBind(h, 1, 3, "alice", BindType.SICILY_NEGOTIATE, null, false, -1, null));
        assertEquals("ldap", bind.get("event_type").asText());
        assertEquals("bind_request", bind.get("ldap").get("request").get("operation").asText());
        assertEquals("alice", bind.get("ldap").get("request").get("bind_request").get("name").asText());
        assertNull(bind.get("ldap").get("responses"), "no result seen");
        assertEquals("sicily_negotiate", bind.get("impacket_sensor").get("bind_type").asText());
        JsonNode sn = write(new LdapSearch(h, 2, "dc=LAB,dc=TEST", 2, 0, 999, 0, false,
                "(&(UserAccountControl:1.2.840.113556.1.4.803:=4194304)(!(objectCategory=computer)))",
                List.of("sAMAccountName"), List.of("1.2.840.113556.1.4.319"), 100, 0, 4, false));
        JsonNode sr = sn.get("ldap").get("request");
        assertEquals(2, sr.get("message_id").asInt());
        assertEquals("search_request", sr.get("operation").asText());
        assertEquals("dc=LAB,dc=TEST", sr.get("search_request").get("base_object").asText());
        assertEquals(2, sr.get("search_request").get("scope").asInt());
        assertEquals(999, sr.get("search_request").get("size_limit").asInt());
        assertEquals("sAMAccountName", sr.get("search_request").get("attributes").get(0).asText());
        JsonNode done = sn.get("ldap").get("responses").get(0);
        assertEquals("search_result_done", done.get("operation").asText());
        assertEquals("success", done.get("search_result_done").get("result_code").asText());
        JsonNode s = sn.get("impacket_sensor");
        assertEquals("search", s.get("operation").asText());
        assertEquals("sub", s.get("scope").asText());
        assertEquals(4, s.get("entries").asInt());
        assertEquals(100, s.get("paged_size").asInt());
        JsonNode add = write(new LdapAdd(h, 3, "CN=EVIL$,CN=Computers,DC=lab,DC=test",
                List.of(new Attribute("sAMAccountName", List.of("EVIL$")), new Attribute("unicodePwd", List.of())),
                0));
        JsonNode ar = add.get("ldap").get("request").get("add_request");
        assertEquals("CN=EVIL$,CN=Computers,DC=lab,DC=test", ar.get("entry").asText());
        assertEquals("EVIL$", ar.get("attributes").get(0).get("values").get(0).asText());
        assertFalse(ar.get("attributes").get(1).has("values"));
        JsonNode mod = write(new LdapModify(h, 4, "CN=DC1,DC=lab,DC=test", List.of(new Modification(2,
                new Attribute("msDS-AllowedToActOnBehalfOfOtherIdentity", List.of()))), 50));
        JsonNode mr = mod.get("ldap").get("request").get("modify_request");
        assertEquals("replace", mr.get("changes").get(0).get("operation").asText());
        assertEquals("msDS-AllowedToActOnBehalfOfOtherIdentity",
                mr.get("changes").get(0).get("modification").get("attribute_type").asText());
        assertEquals("insufficient_access_rights",
                mod.get("ldap").get("responses").get(0).get("modify_response").get("result_code").asText());
        assertEquals("insufficientAccessRights", mod.get("impacket_sensor").get("result_name").asText());
        JsonNode ext = write(new LdapOperation(h, 5, 23, "1.3.6.1.4.1.1466.20037", 0));
        assertEquals("1.3.6.1.4.1.1466.20037",
                ext.get("ldap").get("request").get("extended_request").get("name").asText());
        assertEquals("extended_response", ext.get("ldap").get("responses").get(0).get("operation").asText());
        assertEquals("1.3.6.1.4.1.1466.20037", ext.get("impacket_sensor").get("request_name").asText());
        JsonNode sealed = write(new LdapSealed(h, "GSSAPI"));
        assertEquals(0, sealed.get("ldap").size());
        assertTrue(sealed.get("impacket_sensor").get("sealed").asBoolean());
        JsonNode cldap = write(new LdapSearch(header(389, Transport.UDP), 1, "", 0, 0, 0, 0, false,
                "(&(DnsDomain=lab.test)(NtVer=\\06\\00\\00\\00))", List.of("Netlogon"), List.of(), -1, 0, 1, true));
        assertEquals("ldap", cldap.get("app_proto").asText(), "Suricata names CLDAP ldap");
        assertTrue(cldap.get("impacket_sensor").get("cldap").asBoolean());
    }

    @Test
    void anomaliesAreWrittenAsAnomalyRecords() throws Exception {
        JsonNode n = write(new ProtocolAnomaly(header(88, Transport.TCP), "kerberos.gap", "1 bytes missing"));
        assertEquals("anomaly", n.get("event_type").asText());
        assertEquals("kerberos.gap", n.get("anomaly").get("event").asText());
        assertEquals("applayer", n.get("anomaly").get("type").asText());
        assertEquals("1 bytes missing", n.get("impacket_sensor").get("detail").asText());
    }

    @Test
    void namesKeepUnknownCodesAsNumbers() {
        assertEquals("aes256-cts-hmac-sha1-96", KerberosNames.etype(18));
        assertNull(KerberosNames.etype(99));
        assertEquals(List.of("forwardable", "bit-9"), KerberosNames.kdcOptions(0x40400000));
        assertEquals("NT-ENTERPRISE", KerberosNames.nameType(10));
        assertEquals("PA-PAC-OPTIONS", KerberosNames.padata(167));
    }
}
