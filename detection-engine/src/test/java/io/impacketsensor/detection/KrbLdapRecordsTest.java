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
        return new KerberosRequest(h, 10, List.of(128), -1, 1, null, null, false, -1, false, null, 0x50800000,
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
        assertEquals(1, k.get("cname_type").asInt());
        assertEquals("krbtgt/LAB.TEST", k.get("sname").asText());
        assertEquals("[23]", k.get("etypes").toString());
        assertEquals("[\"rc4-hmac\"]", k.get("etype_names").toString());
        assertTrue(k.get("weak_etype_requested").asBoolean());
        assertEquals("[128]", k.get("padata").toString());
        assertEquals("[\"PA-PAC-REQUEST\"]", k.get("padata_names").toString());
        assertEquals("0x50800000", k.get("kdc_options").asText());
        assertEquals("[\"forwardable\",\"proxiable\",\"renewable\"]", k.get("kdc_option_names").toString());
        assertEquals("2026-11-28T14:52:33.000000+0000", k.get("till").asText());
        assertNull(k.get("pa_enc_timestamp_etype"), "no pre-authentication");
        assertEquals("raw", k.get("carried_in").asText());
    }

    @Test
    void asRepAndErrorCarryTheirRequest() throws Exception {
        EventHeader h = header(88, Transport.TCP);
        KerberosRequest req = asReq(h);
        JsonNode rep = write(new KerberosReply(h, 11, "LAB.TEST", new PrincipalName(1, List.of("roast_me")),
                new TicketInfo("LAB.TEST", KRBTGT, 18, 2), 23, req)).get("krb5");
        assertEquals("KRB_AS_REP", rep.get("msg_type").asText());
        assertEquals(23, rep.get("reply_etype").asInt());
        assertEquals("rc4-hmac", rep.get("reply_etype_name").asText());
        assertEquals(18, rep.get("ticket_etype").asInt());
        assertEquals(2, rep.get("ticket_kvno").asInt());
        assertEquals("[23]", rep.get("request").get("etypes").toString());
        JsonNode err = write(new KerberosError(h, 25, "Need to use PA-ENC-TIMESTAMP/PA-PK-AS-REQ", "LAB.TEST",
                KRBTGT, null, req)).get("krb5");
        assertEquals(25, err.get("error_code").asInt());
        assertEquals("KDC_ERR_PREAUTH_REQUIRED", err.get("error_name").asText());
        assertEquals("roast_me", err.get("cname").asText(), "cname taken from the request when the error has none");
        JsonNode unknown = write(new KerberosError(h, 999, null, "LAB.TEST", KRBTGT, null, null)).get("krb5");
        assertEquals(999, unknown.get("error_code").asInt());
        assertNull(unknown.get("error_name"), "unknown codes are kept as numbers");
    }

    @Test
    void tgsReqWithForgedTicketAndS4u() throws Exception {
        EventHeader h = header(88, Transport.TCP);
        TicketInfo tgt = new TicketInfo("LAB.TEST", new PrincipalName(2, List.of("krbtgt", "LAB.TEST")), 18, 2);
        JsonNode k = write(new KerberosRequest(h, 12, List.of(1, 129), -1, -1, "Administrator", "LAB.TEST", false,
                -1, false, tgt, 0x40810010, null, "LAB.TEST", new PrincipalName(1, List.of("svc_web")),
                KerberosRequest.NO_TIME, 1795877553L, KerberosRequest.NO_TIME, 5, List.of(23, 16, 3, 18), false,
                List.of(new TicketInfo("LAB.TEST", new PrincipalName(1, List.of("svc_web")), 18, 2)))).get("krb5");
        assertEquals("KRB_TGS_REQ", k.get("msg_type").asText());
        assertEquals("Administrator@LAB.TEST", k.get("pa_for_user").asText());
        assertEquals("krbtgt/LAB.TEST", k.get("ticket_sname").asText());
        assertEquals(18, k.get("ticket_etype").asInt());
        assertEquals(2, k.get("ticket_kvno").asInt());
        assertEquals("[\"forwardable\",\"renewable\",\"canonicalize\",\"renewable-ok\"]",
                k.get("kdc_option_names").toString());
        assertEquals("svc_web", k.get("additional_tickets").get(0).get("sname").asText());
        assertNull(k.get("cname"));
    }

    @Test
    void apRequestNamesItsCarrier() throws Exception {
        JsonNode k = write(new KerberosApRequest(header(445, Transport.TCP), Carrier.SMB2, 0x20000000,
                new TicketInfo("LAB.TEST", new PrincipalName(2, List.of("cifs", "dc1.lab.test")), 23, 2), 23))
                .get("krb5");
        assertEquals("KRB_AP_REQ", k.get("msg_type").asText());
        assertEquals("smb2", k.get("carried_in").asText());
        assertEquals("cifs/dc1.lab.test", k.get("sname").asText());
        assertEquals("NT-SRV-INST", k.get("sname_type_name").asText());
        assertEquals("0x20000000", k.get("ap_options").asText());
    }

    @Test
    void ldapBindSearchAddModifyOperationSealed() throws Exception {
        EventHeader h = header(389, Transport.TCP);
        JsonNode bind = write(new LdapBind(h, 1, 3, "alice", BindType.SICILY_NEGOTIATE, null, false, -1, null));
        assertEquals("ldap", bind.get("event_type").asText());
        assertEquals("sicily_negotiate", bind.get("ldap").get("bind_type").asText());
        assertNull(bind.get("ldap").get("result_code"), "no result seen");
        JsonNode s = write(new LdapSearch(h, 2, "dc=LAB,dc=TEST", 2, 0, 999, 0, false,
                "(&(UserAccountControl:1.2.840.113556.1.4.803:=4194304)(!(objectCategory=computer)))",
                List.of("sAMAccountName"), List.of("1.2.840.113556.1.4.319"), 100, 0, 4, false)).get("ldap");
        assertEquals("search", s.get("operation").asText());
        assertEquals("sub", s.get("scope").asText());
        assertEquals(4, s.get("entries").asInt());
        assertEquals("success", s.get("result_name").asText());
        assertEquals(100, s.get("paged_size").asInt());
        JsonNode add = write(new LdapAdd(h, 3, "CN=EVIL$,CN=Computers,DC=lab,DC=test",
                List.of(new Attribute("sAMAccountName", List.of("EVIL$")), new Attribute("unicodePwd", List.of())),
                0)).get("ldap");
        assertEquals("EVIL$", add.get("attributes").get(0).get("values").get(0).asText());
        assertFalse(add.get("attributes").get(1).has("values"));
        JsonNode mod = write(new LdapModify(h, 4, "CN=DC1,DC=lab,DC=test", List.of(new Modification(2,
                new Attribute("msDS-AllowedToActOnBehalfOfOtherIdentity", List.of()))), 50)).get("ldap");
        assertEquals("replace", mod.get("modifications").get(0).get("operation").asText());
        assertEquals("insufficientAccessRights", mod.get("result_name").asText());
        JsonNode ext = write(new LdapOperation(h, 5, 23, "1.3.6.1.4.1.1466.20037", 0)).get("ldap");
        assertEquals("extended", ext.get("operation").asText());
        assertEquals("1.3.6.1.4.1.1466.20037", ext.get("request_name").asText());
        JsonNode sealed = write(new LdapSealed(h, "GSSAPI")).get("ldap");
        assertTrue(sealed.get("sealed").asBoolean());
        JsonNode cldap = write(new LdapSearch(header(389, Transport.UDP), 1, "", 0, 0, 0, 0, false,
                "(&(DnsDomain=lab.test)(NtVer=\\06\\00\\00\\00))", List.of("Netlogon"), List.of(), -1, 0, 1, true));
        assertEquals("cldap", cldap.get("app_proto").asText());
    }

    @Test
    void otherFamiliesAreNotWrittenHere() throws Exception {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            // anomalies have their own writer in ProtocolRecordWriter (Suricata applayer layout) since the smb2 merge
            assertTrue(ProtocolRecordWriter.write(g, new ProtocolAnomaly(header(88, Transport.TCP),
                    "kerberos.gap", "1 bytes missing")));
        }
        assertTrue(w.toString().contains("\"event\":\"kerberos.gap\""), w.toString());
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
