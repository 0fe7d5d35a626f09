package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.response.AllowListMatcher;
import io.impacketsensor.detection.rules.RuleCatalog;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which behaviour windows an event counts in, and the one count per logon (synthetic events). */
class BehaviourRoutingTest {
    private static final InetAddress ATK = AllowListMatcher.parseAddress("10.8.0.66");
    private static final InetAddress DC = AllowListMatcher.parseAddress("10.8.0.3");
    private static final long T0 = 1_800_000_000L * 1_000_000_000L;

    private final BehaviourRouting routing = new BehaviourRouting(new BehaviourLayer(EngineConfig.defaults().behaviour()));
    private final Evidence e = new Evidence();

    BehaviourRoutingTest() {
        e.active = new ActiveRules(RuleCatalog.builtin(), List.of());
    }

    private static EventHeader h(int port, long t) {
        return new EventHeader(t, 1, ATK, 50000, DC, port, Transport.TCP);
    }

    private static LdapEvent.LdapBind bind(LdapEvent.BindType type, String name, int rc, long t) {
        return new LdapEvent.LdapBind(h(389, t), 1, 3, name, type, null, type == LdapEvent.BindType.SIMPLE, rc, "");
    }

    private static NtlmEvent.NtlmAuthenticate ntlm(String user, boolean anonymous, long status, long t) {
        return new NtlmEvent.NtlmAuthenticate(h(445, t), Carrier.SMB2, 0xE2888215, 24, 300, 2, "LAB", user, "WS1", true,
                null, false, 0, "cifs/srv", new byte[16], null, anonymous, status);
    }

    private void route(SensorEvent ev) {
        e.clear();
        routing.route(ev, ATK, ev.header().timestampNanos(), e);
    }

    @Test
    void aLogonIsCountedOnceWhateverCarriesIt() {
        route(bind(LdapEvent.BindType.SIMPLE, "cn=bob", 49, T0));
        assertEquals(1, routing.authAttempts(), "a failed simple bind names its account");
        route(bind(LdapEvent.BindType.SASL, "", 49, T0));
        assertEquals(1, routing.authAttempts(), "a SASL bind's logon is counted from NTLM or Kerberos");
        route(ntlm("bob", false, 0xC000006DL, T0));
        assertEquals(2, routing.authAttempts());
        route(ntlm("", true, 0, T0));
        assertEquals(2, routing.authAttempts(), "anonymous is no logon");
        route(ntlm("bob", false, SensorEvent.NO_STATUS, T0));
        assertEquals(2, routing.authAttempts(), "no outcome seen yet");
        routing.reportedAuth(ATK, "Bob", false, T0, e);
        assertEquals(3, routing.authAttempts());
    }

    @Test
    void repeatedFailuresFromOneSourceRaiseTheBehaviourRule() {
        int threshold = EngineConfig.defaults().behaviour().failedAuthThreshold();
        boolean raised = false;
        for (int i = 0; i <= threshold && !raised; i++) {
            route(ntlm("bob", false, 0xC000006DL, T0 + i * 1_000_000_000L));
            raised = !e.isEmpty();
        }
        assertTrue(raised, "more than " + threshold + " failures within the window");
    }

    /** The indicator of {@code rule} in this event's evidence, or null. */
    private String indicator(String rule) {
        for (int i = 0; i < e.size(); i++) {
            if (e.rules[i].name().equals(rule)) {
                return e.indicators[i];
            }
        }
        return null;
    }

    @Test
    void failureIndicatorsSayTheCountsOfTheirOwnEvent() {
        EngineConfig.Behaviour cfg = EngineConfig.defaults().behaviour();
        int threshold = cfg.failedAuthThreshold();
        String within = " failed authentications within " + cfg.failedAuthWindowSeconds() + " s";
        long sec = 1_000_000_000L;
        // One account failing again and again: the brute-force text names it, each time the same.
        for (int i = 0; i <= threshold; i++) {
            route(ntlm("bob", false, 0xC000006DL, T0 + i * sec));
        }
        assertEquals("Account lab\\bob: more than " + threshold + within, indicator("behaviour_account_failed"));
        assertTrue(indicator("behaviour_failed_auth").endsWith(" (1 account)"), indicator("behaviour_failed_auth"));
        route(ntlm("bob", false, 0xC000006DL, T0 + (threshold + 1) * sec));
        assertEquals("Account lab\\bob: more than " + threshold + within, indicator("behaviour_account_failed"));
        // A second account: the source's text counts two, the first account's text stays its own.
        route(ntlm("carol", false, 0xC000006DL, T0 + (threshold + 2) * sec));
        assertTrue(indicator("behaviour_failed_auth").endsWith(" (2 accounts)"), indicator("behaviour_failed_auth"));
        route(ntlm("bob", false, 0xC000006DL, T0 + (threshold + 3) * sec));
        assertEquals("Account lab\\bob: more than " + threshold + within, indicator("behaviour_account_failed"));
        assertTrue(indicator("behaviour_failed_auth").endsWith(" (2 accounts)"), indicator("behaviour_failed_auth"));
        // Enough accounts make it a spray, whose text counts them.
        int n = 2;
        for (int i = 0; n < cfg.sprayAccounts(); i++, n++) {
            route(ntlm("user" + i, false, 0xC000006DL, T0 + (threshold + 4 + i) * sec));
        }
        assertEquals("More than " + threshold + " failed authentications across " + n + " accounts within "
                + cfg.failedAuthWindowSeconds() + " s", indicator("behaviour_password_spray"));
    }

    /** SamrOpenUser (opnum 34) of {@code rid}: the decoder gives the RID as the call's name. */
    private static DcerpcEvent.DcerpcRequest samrOpenUser(long rid, long t) {
        return new DcerpcEvent.DcerpcRequest(h(445, t), "samr", 1, 0, RpcCatalog.SAMR, 34, null, false, 28, 1, 0, 0,
                new RpcArgs.SamrCall(34, Long.toString(rid)));
    }

    private static KerberosEvent.KerberosRequest asReq(String user, List<Integer> padata, List<Integer> etypes, long t) {
        return new KerberosEvent.KerberosRequest(h(88, t), 10, padata, padata.contains(2) ? etypes.get(0) : -1, 1, null,
                null, 0, false, -1, false, null, 0x50800010, new KerberosEvent.PrincipalName(1, List.of(user)), "LAB.TEST",
                new KerberosEvent.PrincipalName(2, List.of("krbtgt", "LAB.TEST")), KerberosEvent.NO_TIME,
                KerberosEvent.NO_TIME, KerberosEvent.NO_TIME, 1, etypes, false, List.of());
    }

    private boolean raised(String rule) {
        for (int i = 0; i < e.size(); i++) {
            if (e.rules[i].name().equals(rule)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void sixDifferentAccountsOpenedOverSamrWithinAMinuteAreTheDumpLoop() {
        // samrdump.py opens, queries and closes every account in turn; Windows opens one at a time.
        long sec = 1_000_000_000L;
        for (int i = 0; i < 5; i++) {
            route(samrOpenUser(500 + i, T0 + i * sec));
            assertFalse(raised("behaviour_samr_account_loop"), i + 1 + " accounts");
            route(samrOpenUser(500 + i, T0 + i * sec));
            assertFalse(raised("behaviour_samr_account_loop"), "the same account again counts once");
        }
        route(samrOpenUser(1104, T0 + 5 * sec));
        assertTrue(raised("behaviour_samr_account_loop"), "the sixth account within 60 s");
        route(samrOpenUser(1105, T0 + 200 * sec));
        assertFalse(raised("behaviour_samr_account_loop"), "the first five are out of the window");
    }

    @Test
    void asReqsWithoutPreauthenticationOfferingOnlyRc4ForFourAccountsAreRoasting() {
        long sec = 1_000_000_000L;
        List<String> users = List.of("administrator", "alice", "bob", "svc_sql");
        for (int i = 0; i < users.size(); i++) {
            // A Windows client's first AS-REQ: no pre-authentication, AES first.
            route(asReq(users.get(i), List.of(128), List.of(18, 17, 23), T0 + i * sec));
            assertFalse(raised("behaviour_asrep_roast_requests"), "AES offered");
            // Pre-authenticated with RC4 alone (getTGT.py -hashes): not roasting.
            route(asReq(users.get(i), List.of(2, 128), List.of(23), T0 + i * sec));
            assertFalse(raised("behaviour_asrep_roast_requests"), "pre-authenticated");
        }
        for (int i = 0; i < users.size(); i++) {
            route(asReq(users.get(i), List.of(128), List.of(23), T0 + (10 + i) * sec));
            assertEquals(i == 3, raised("behaviour_asrep_roast_requests"), (i + 1) + " accounts without pre-authentication");
        }
    }

    @Test
    void anAnomalyCountsForItsProtocol() {
        assertEquals(BehaviourRouting.P_KRB, BehaviourRouting.protocolIndex(new ProtocolAnomaly(h(88, T0), "kerberos.malformed_data", "")));
        assertEquals(BehaviourRouting.P_LDAP, BehaviourRouting.protocolIndex(new ProtocolAnomaly(h(389, T0), "ldap.malformed", "")));
        assertEquals(BehaviourRouting.P_RPC, BehaviourRouting.protocolIndex(new ProtocolAnomaly(h(135, T0), "dcerpc.gap", "")));
        assertEquals(BehaviourRouting.P_SMB, BehaviourRouting.protocolIndex(new ProtocolAnomaly(h(445, T0), "smb2.gap", "")));
        assertEquals(BehaviourRouting.P_LDAP, BehaviourRouting.protocolIndex(bind(LdapEvent.BindType.SIMPLE, "x", 0, T0)));
    }
}
