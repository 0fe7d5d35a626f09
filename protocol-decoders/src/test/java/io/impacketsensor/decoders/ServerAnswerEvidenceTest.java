package io.impacketsensor.decoders;

import io.impacketsensor.core.event.LdapEvent.LdapReply;
import io.impacketsensor.core.event.LdapEvent.ReplyShape;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent.SmbGppCpassword;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.Cuts;
import io.impacketsensor.core.testkit.Replay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Evidence that travels in the servers' answers, read without the requests ({@link Cuts#serverSide}
 * of lab captures, as an RX-only mirror gives them) and with them: LDAP answers whose requests were
 * not seen, and the cpassword of a Group Policy Preferences file in SMB2 READ answers. Expected
 * values are tshark's on the same frames (entries and attributes per message id; the file as
 * tshark's SMB object export writes it).
 */
class ServerAnswerEvidenceTest {

    private static List<SensorEvent> run(String capture, boolean serverSide) throws Exception {
        List<Replay.Frame> frames = Replay.frames(Captures.lab(capture));
        List<SensorEvent> events = new ArrayList<>();
        Replay.run(serverSide ? Cuts.serverSide(frames) : frames, Decoders.forWorker(), FlowLimits.DEFAULTS,
                events::add, (n, v) -> { });
        return events;
    }

    private static <T> List<T> of(List<SensorEvent> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static String search(List<SensorEvent> events) {
        List<String> out = new ArrayList<>();
        for (LdapReply r : of(events, LdapReply.class)) {
            if (r.protocolOp() == 5) {
                ReplyShape s = r.shape();
                out.add(r.messageId() + " rc=" + r.resultCode() + " entries=" + s.entries() + " refs=" + s.references()
                        + " inspected=" + s.inspected() + " users=" + s.userListing() + " spn=" + s.spnUsers()
                        + " nopreauth=" + s.noPreauth() + " deleg=" + s.delegation() + " laps=" + s.lapsPasswords());
            }
        }
        return String.join("; ", out);
    }

    @Test
    void getAdUsersAnswerListsNineAccountsWithItsAttributeSet() throws Exception {
        // tshark: message 2127666123, 9 SearchResultEntries each with sAMAccountName, pwdLastSet and (7 of them)
        // lastLogon, 3 references, SearchResultDone success; the Kerberos bind answered success.
        List<SensorEvent> ev = run("atk_GetADUsers_compat.pcap", true);
        assertEquals("2127666123 rc=0 entries=9 refs=3 inspected=9 users=9 spn=0 nopreauth=0 deleg=0 laps=0", search(ev));
        List<LdapReply> binds = of(ev, LdapReply.class).stream().filter(r -> r.protocolOp() == 1).toList();
        assertEquals(1, binds.size());
        assertEquals(0, binds.get(0).resultCode());
        assertEquals(-1, binds.get(0).previousBindId());
    }

    @Test
    void getUserSpnsAnswerListsTwoServiceAccounts() throws Exception {
        // tshark: svc_web and svc_sql with servicePrincipalName, sAMAccountName, pwdLastSet, userAccountControl,
        // lastLogon; 3 references.
        assertEquals("899094100 rc=0 entries=2 refs=3 inspected=2 users=0 spn=2 nopreauth=0 deleg=0 laps=0",
                search(run("atk_GetUserSPNs_compat.pcap", true)));
    }

    @Test
    void getNpUsersAnswerListsTheAccountWithoutPreauthentication() throws Exception {
        // tshark: roast_me, userAccountControl 4260352 (0x410200: DONT_REQ_PREAUTH | DONT_EXPIRE_PASSWORD | NORMAL_ACCOUNT)
        assertEquals("2000416983 rc=0 entries=1 refs=3 inspected=1 users=0 spn=0 nopreauth=1 deleg=0 laps=0",
                search(run("atk_GetNPUsers_compat.pcap", true)));
    }

    @Test
    void sealedSessionShowsItsTwoBindAnswersUnderRandomIds() throws Exception {
        // tshark: BindResponse 297351595 saslBindInProgress (NTLM CHALLENGE), then 716388877 success; the rest sealed.
        List<LdapReply> binds = of(run("atk_GetADUsers.i014.pcap", true), LdapReply.class);
        assertEquals(List.of("297351595 14 -1", "716388877 0 297351595"), binds.stream()
                .map(r -> r.messageId() + " " + r.resultCode() + " " + r.previousBindId()).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"atk_GetADUsers_compat.pcap", "atk_GetUserSPNs_compat.pcap", "atk_GetNPUsers_compat.pcap",
            "atk_GetADUsers.i014.pcap", "ben_ldap_gssapi_nossf.pcap", "ben_samba_tool.pcap", "atk_rbcd.i010.pcap"})
    void aWholeCaptureMakesNoAnswerWithoutRequest(String capture) throws Exception {
        assertEquals(List.of(), of(run(capture, false), LdapReply.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"atk_gpp_password.pcap", "atk_gpp_password.i014.pcap"})
    void groupsXmlPasswordIsReadFromTheReadAnswer(String capture) throws Exception {
        // tshark --export-objects smb: Groups.xml, <?xml ...?><Groups ...><User ...><Properties ... cpassword="tWyX...8M"
        // (43 characters).
        List<SmbGppCpassword> server = of(run(capture, true), SmbGppCpassword.class);
        assertEquals(1, server.size());
        assertEquals("Groups", server.get(0).rootElement());
        assertEquals(43, server.get(0).cpasswordChars());
        assertEquals("", server.get(0).fileName(), "the CREATE naming the file is the client's");
        assertEquals(-1, server.get(0).offset());
        List<SmbGppCpassword> whole = of(run(capture, false), SmbGppCpassword.class);
        assertEquals(1, whole.size());
        assertTrue(whole.get(0).fileName().endsWith("\\Preferences\\Groups\\Groups.xml"), whole.get(0).fileName());
        assertEquals(0, whole.get(0).offset());
        assertEquals(43, whole.get(0).cpasswordChars());
    }

    @Test
    void groupPolicyFetchCarriesNoPassword() throws Exception {
        // a Group Policy client reads GPT.INI, Registry.pol and scripts: no XML with a cpassword
        assertEquals(List.of(), of(run("ben_gpo_fetch.pcap", false), SmbGppCpassword.class));
        assertEquals(List.of(), of(run("ben_gpo_fetch.pcap", true), SmbGppCpassword.class));
    }
}
