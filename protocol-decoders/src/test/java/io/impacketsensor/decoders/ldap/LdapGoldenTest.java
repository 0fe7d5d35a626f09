package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.testkit.RecordingContext;

import io.impacketsensor.core.testkit.Replay;

import io.impacketsensor.core.testkit.Captures;

import io.impacketsensor.core.event.LdapEvent.BindType;
import io.impacketsensor.core.event.LdapEvent.LdapBind;
import io.impacketsensor.core.event.LdapEvent.LdapSealed;
import io.impacketsensor.core.event.LdapEvent.LdapSearch;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.AnalyzerFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lab captures (sensor-core test resources pcaps/lab, see its MANIFEST.tsv) replayed through the LDAP analyzer. */
class LdapGoldenTest {
    private final RecordingTokenDecoder tokens = new RecordingTokenDecoder();

    private List<SensorEvent> replay(String name) throws Exception {
        Path p = Captures.lab(name);
        return Replay.events(p, List.<AnalyzerFactory>of(new LdapAnalyzerFactory(tokens)));
    }

    @Test
    void getUserSpnsCompatSearchesForUsersWithAnSpn() throws Exception {
        List<SensorEvent> ev = replay("atk_GetUserSPNs_compat.pcap");
        LdapSearch s = RecordingContext.of(ev, LdapSearch.class).get(0);
        assertEquals("(&(servicePrincipalName=*)(UserAccountControl:1.2.840.113556.1.4.803:=512)"
                + "(!(UserAccountControl:1.2.840.113556.1.4.803:=2))(!(objectCategory=computer)))", s.filter());
        assertEquals("dc=LAB,dc=TEST", s.base());
        assertTrue(s.attributes().contains("servicePrincipalName"));
        assertEquals(0, s.resultCode());
        assertEquals(5, s.entries());
        LdapBind b = RecordingContext.of(ev, LdapBind.class).get(0);
        assertEquals("GSS-SPNEGO", b.saslMechanism());
        assertEquals(0, b.resultCode());
        assertTrue(tokens.calls.get(1).startsWith("token TO_SERVER 60"), "SPNEGO token handed over: " + tokens.calls);
    }

    @Test
    void getNpUsersCompatSearchesForDontRequirePreauth() throws Exception {
        List<SensorEvent> ev = replay("atk_GetNPUsers_compat.pcap");
        LdapSearch s = RecordingContext.of(ev, LdapSearch.class).get(0);
        assertEquals("(&(UserAccountControl:1.2.840.113556.1.4.803:=4194304)"
                + "(!(UserAccountControl:1.2.840.113556.1.4.803:=2))(!(objectCategory=computer)))", s.filter());
        assertEquals(4, s.entries());
    }

    @Test
    void getAdUsersSicilyNegotiateCarriesNtlmssp() throws Exception {
        List<SensorEvent> ev = replay("atk_GetADUsers.pcap");
        LdapBind b = RecordingContext.of(ev, LdapBind.class).get(0);
        assertEquals(BindType.SICILY_NEGOTIATE, b.bindType());
        assertEquals("alice", b.name());
        assertEquals(-1, b.resultCode(), "Samba closed the connection without answering");
        assertEquals("token TO_SERVER 4e544c4d53535000", tokens.calls.get(1), "NTLMSSP NEGOTIATE");
    }

    @Test
    void ldapGssapiIsSealedAndNoFilterLeaks() throws Exception {
        List<SensorEvent> ev = replay("ben_ldap_gssapi.pcap");
        assertEquals(1, RecordingContext.of(ev, LdapSealed.class).size());
        assertEquals("GSSAPI", RecordingContext.of(ev, LdapSealed.class).get(0).mechanism());
        assertTrue(RecordingContext.of(ev, LdapSearch.class).isEmpty(), "no filter leaked");
        assertTrue(RecordingContext.of(ev, ProtocolAnomaly.class).isEmpty());
        assertEquals(3, RecordingContext.of(ev, LdapBind.class).size());
    }

    @Test
    void ldapGssapiWithoutSecurityLayerStaysCleartext() throws Exception {
        List<SensorEvent> ev = replay("ben_ldap_gssapi_nossf.pcap");
        assertTrue(RecordingContext.of(ev, LdapSealed.class).isEmpty());
        assertEquals("(&(objectClass=group)(cn=Domain Users))", RecordingContext.of(ev, LdapSearch.class).get(0).filter());
    }

    @Test
    void cldapNetlogonPing() throws Exception {
        List<SensorEvent> ev = replay("ben_samba_tool.pcap");
        LdapSearch ping = RecordingContext.of(ev, LdapSearch.class).stream().filter(LdapSearch::cldap).findFirst()
                .orElseThrow();
        assertEquals(List.of("NetLogon"), ping.attributes());
        assertTrue(ping.filter().startsWith("(&(NtVer="), ping.filter());
        assertEquals(1, ping.entries());
        assertEquals(0, ping.resultCode());
    }
}
