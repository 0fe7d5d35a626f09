package io.impacketsensor.detection;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.MssqlEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.model.Analysis;
import io.impacketsensor.detection.model.AnalysisResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coercion linked to the victim's authentication, and the relay timing signature across carriers
 * (synthetic typed events with the values the tools produce: ntlmrelayx forwards the target's
 * challenge and the victim's identity unchanged; PetitPotam names \\listener\share\file).
 */
class CoercionRelayTest {
    private static final String ATK = "10.8.0.66";
    private static final String DC = "10.8.0.3";
    private static final String VICTIM = "10.8.0.20";
    private static final String TARGET = "10.8.0.10";
    private final Harness h = new Harness();

    private List<Analysis> feed(SensorEvent... evs) {
        List<Analysis> out = new ArrayList<>();
        for (SensorEvent e : evs) {
            AnalysisResult r = h.engine.analyze(e);
            if (r.isAttack()) {
                out.add(r.analysis());
            }
        }
        return out;
    }

    private SensorEvent efs(String listenerPath, String host, int sec) {
        return h.rpc(ATK, DC, sec, "lsarpc", RpcInterfaces.uuid(RpcInterfaces.EFSRPC_LSA), 0,
                new RpcArgs.UncPath(0, "FileName", listenerPath, host, true));
    }

    private NtlmEvent.NtlmAuthenticate machineAuth(EventHeader hd, String target) {
        return new NtlmEvent.NtlmAuthenticate(hd, Carrier.SMB2, 0xE2888215, 24, 300, 2, "LAB", "DC1$", "DC1", true,
                new NtlmEvent.Version(10, 0, 17763, 15), true, 2, target, new byte[16], null, false, 0, 0);
    }

    @Test
    void theCoercedServersAuthenticationToTheNamedHostIsLinkedToTheCall() throws Exception {
        List<Analysis> a = feed(efs("\\\\" + ATK + "\\share\\x.txt", ATK, 0),
                machineAuth(h.h(DC, ATK, 445, 1), "cifs/" + ATK));
        Analysis last = a.get(a.size() - 1);
        assertEquals("coercion", last.attackType().id());
        assertEquals(ATK, last.sourceIp());
        assertTrue(last.indicators().stream().anyMatch(s -> s.contains("authenticated (NTLM over smb2 as LAB\\DC1$) to "
                + ATK) && s.contains("EfsRpcOpenFileRaw")), last.indicators().toString());
        assertEquals(2, last.chain().size(), last.chain().toString());
        assertFalse(h.alerts().isEmpty()); // every alert line validates against the EVE schema
    }

    @Test
    void aNameInThePathMatchesTheTargetNameTheVictimPutInItsAuthenticate() {
        List<Analysis> a = feed(efs("\\\\relay\\share\\x.txt", "relay", 0),
                machineAuth(h.h(DC, "10.8.0.77", 445, 1), "cifs/relay.lab.local"));
        assertTrue(a.stream().anyMatch(x -> x.indicators().stream().anyMatch(s -> s.contains("to 10.8.0.77"))), a.toString());
    }

    @Test
    void anAuthenticationToAnotherHostOrOutsideTheWindowIsNotLinked() {
        List<Analysis> a = feed(efs("\\\\" + ATK + "\\share\\x.txt", ATK, 0),
                machineAuth(h.h(DC, "10.8.0.99", 445, 1), "cifs/fileserver"),
                machineAuth(h.h(DC, ATK, 445, 3600), "cifs/" + ATK));
        assertFalse(a.stream().anyMatch(x -> x.indicators().stream().anyMatch(s -> s.contains("authenticated ("))),
                a.toString());
    }

    @Test
    void relayAcrossCarriersIsReportedWithBothLegsAndTheTargetLegsNextAction() {
        // Victim over HTTP to the relay, relay to the target over LDAP, 2 ms apart; same challenge and identity.
        EventHeader v1 = h.hf(1, VICTIM, ATK, 80, 0);
        EventHeader t1 = new EventHeader(v1.timestampNanos() + 2_000_000, 2, Harness.ip(ATK), 50001, Harness.ip(TARGET),
                389, io.impacketsensor.core.event.Transport.TCP);
        byte[] ch = {9, 8, 7, 6, 5, 4, 3, 2};
        NtlmEvent.NtlmNegotiate nv = new NtlmEvent.NtlmNegotiate(v1, Carrier.HTTP, 0xE2088297, "", "", null);
        NtlmEvent.NtlmNegotiate nt = new NtlmEvent.NtlmNegotiate(t1, Carrier.LDAP, 0xE2088297, "", "", null);
        NtlmEvent.NtlmChallenge ct = new NtlmEvent.NtlmChallenge(t1, Carrier.LDAP, 0xE2898215, ch, "LAB", "LAB", "DC1",
                "lab.local", "dc1.lab.local", 0, new NtlmEvent.Version(10, 0, 17763, 15), null);
        NtlmEvent.NtlmChallenge cv = new NtlmEvent.NtlmChallenge(v1, Carrier.HTTP, 0xE2898215, ch, "LAB", "LAB", "DC1",
                "lab.local", "dc1.lab.local", 0, new NtlmEvent.Version(10, 0, 17763, 15), null);
        NtlmEvent.NtlmAuthenticate av = new NtlmEvent.NtlmAuthenticate(v1, Carrier.HTTP, 0xE2888215, 24, 300, 2, "LAB",
                "alice", "WS1", true, null, false, -1, "", new byte[]{1}, null, false, SensorEvent.NO_STATUS, 0);
        NtlmEvent.NtlmAuthenticate at = new NtlmEvent.NtlmAuthenticate(t1, Carrier.LDAP, 0xE2888215, 24, 300, 2, "LAB",
                "alice", "WS1", true, null, false, -1, "", new byte[]{2}, null, false, 0, 0);
        LdapEvent.LdapModify rbcd = new LdapEvent.LdapModify(h.hf(2, ATK, TARGET, 389, 1), 5,
                "CN=SRV,CN=Computers,DC=lab,DC=local", List.of(new LdapEvent.Modification(2, new LdapEvent.Attribute(
                "msDS-AllowedToActOnBehalfOfOtherIdentity", List.of("x")))), 0);
        List<Analysis> a = feed(nv, nt, ct, cv, at, av, rbcd);
        String all = a.toString();
        assertTrue(all.contains("victim leg http " + VICTIM + " -> " + ATK + ":80 (HTTP)"), all);
        assertTrue(all.contains("target leg ldap " + ATK + " -> " + TARGET + ":389 (LDAP)"), all);
        assertTrue(all.contains("channel bindings all zero"), all);
        assertTrue(all.contains("then: LDAP modify \"CN=SRV") || all.contains("then: LDAP modify CN=SRV"), all);
        // The write keeps its own type; the relay context is one of its indicators.
        Analysis last = a.get(a.size() - 1);
        assertEquals("rbcd_abuse", last.attackType().id());
        assertTrue(last.indicators().stream().anyMatch(s -> s.startsWith("Relayed session " + VICTIM + " -> " + TARGET)),
                last.indicators().toString());
    }

    /** Cross-protocol reflection: the victim's SMB logon relayed to an MSSQL service on the victim's own host. */
    @Test
    void reflectionToAnotherServiceOfTheVictimsHostIsARelayToo() {
        EventHeader v1 = h.hf(11, VICTIM, ATK, 445, 0);
        EventHeader t1 = new EventHeader(v1.timestampNanos() + 3_000_000, 12, Harness.ip(ATK), 50002, Harness.ip(VICTIM),
                1433, io.impacketsensor.core.event.Transport.TCP);
        byte[] ch = {1, 1, 2, 3, 5, 8, 13, 21};
        List<Analysis> a = feed(new NtlmEvent.NtlmNegotiate(v1, Carrier.SMB2, 0xE2088297, "", "", null),
                new NtlmEvent.NtlmNegotiate(t1, Carrier.SMB2, 0xE2088297, "", "", null),
                new NtlmEvent.NtlmChallenge(t1, Carrier.SMB2, 0xE2898215, ch, "WS", "LAB", "WS1", "lab.local", "ws1.lab.local",
                        0, null, null),
                new NtlmEvent.NtlmChallenge(v1, Carrier.SMB2, 0xE2898215, ch, "WS", "LAB", "WS1", "lab.local", "ws1.lab.local",
                        0, null, null),
                new NtlmEvent.NtlmAuthenticate(t1, Carrier.SMB2, 0xE2888215, 24, 300, 2, "LAB", "alice", "WS1", true, null,
                        true, 2, "", new byte[]{3}, null, false, 0, 0),
                new NtlmEvent.NtlmAuthenticate(v1, Carrier.SMB2, 0xE2888215, 24, 300, 2, "LAB", "alice", "WS1", true, null,
                        true, 2, "", new byte[]{4}, null, false, 0, 0));
        assertTrue(a.toString().contains("target leg smb2 " + ATK + " -> " + VICTIM + ":1433 (MSSQL)"), a.toString());
    }

    /**
     * A coerced server whose authentication goes to a relay: the AUTHENTICATE carries the stronger relay
     * findings (one alert per event), so the coercion is raised on the server's NEGOTIATE to the listener.
     */
    @Test
    void theCoercedServersNegotiateToTheListenerRaisesTheCoercionBeforeARelayedAuthenticate() {
        List<Analysis> a = feed(efs("\\\\" + ATK + "\\share\\x.txt", ATK, 0),
                new NtlmEvent.NtlmNegotiate(h.h(DC, ATK, 445, 1), Carrier.SMB2, 0xE2088297, "", "", null));
        assertEquals(1, a.stream().filter(x -> x.attackType().id().equals("coercion") && x.indicators().stream()
                .anyMatch(s -> s.startsWith(DC + " connected to " + ATK + " and began NTLM authentication"))).count(),
                a.toString());
        Analysis last = a.get(a.size() - 1);
        assertEquals(ATK, last.sourceIp());
        assertEquals(2, last.chain().size(), last.chain().toString());
        // A NEGOTIATE to another host, or a second one for the same call, adds nothing.
        List<Analysis> b = feed(new NtlmEvent.NtlmNegotiate(h.h(DC, "10.8.0.99", 445, 2), Carrier.SMB2, 0xE2088297, "", "",
                null), new NtlmEvent.NtlmNegotiate(h.h(DC, ATK, 445, 2), Carrier.SMB2, 0xE2088297, "", "", null));
        assertFalse(b.stream().anyMatch(x -> x.indicators().stream().anyMatch(s -> s.contains("began NTLM")
                && s.contains(" 2000 ms"))), b.toString());
    }

    /** xp_dirtree on a UNC path: the SQL server is the victim and its authentication to the host is linked. */
    @Test
    void aSqlBatchNamingAUncPathIsACoercionOfTheSqlServer() {
        String sql = "10.8.0.30";
        List<Analysis> a = feed(new MssqlEvent.MssqlBatch(h.h(ATK, sql, 1433, 0),
                        "EXEC master..xp_dirtree '\\\\" + ATK + "\\share'", false),
                new NtlmEvent.NtlmNegotiate(h.h(sql, ATK, 445, 1), Carrier.SMB2, 0xE2088297, "", "", null),
                machineAuth(h.h(sql, ATK, 445, 1), "cifs/" + ATK));
        assertEquals("coercion", a.get(0).attackType().id());
        assertTrue(a.get(0).indicators().get(0).startsWith("SQL batch names \\\\" + ATK + "\\share (the SQL server will "
                + "authenticate to " + ATK + ")"), a.get(0).indicators().toString());
        assertTrue(a.stream().anyMatch(x -> x.indicators().stream().anyMatch(s -> s.contains("authenticated (NTLM over smb2")
                && s.contains("called xp_dirtree naming"))), a.toString());
    }

    /**
     * One server handing the same challenge to two connections is a fixed challenge (Responder's
     * 1122334455667788): the server is the attacker, where a relay's two legs have different servers.
     */
    @Test
    void aFixedChallengeFromOneServerNamesThatServerAsTheAttacker() {
        byte[] fixed = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88};
        List<Analysis> a = feed(
                new NtlmEvent.NtlmChallenge(h.hf(21, DC, ATK, 445, 0), Carrier.SMB2, 0xE2898215, fixed, "SMB", "SMB", "R",
                        "smb.local", "r.smb.local", 0, null, null),
                new NtlmEvent.NtlmChallenge(h.hf(22, DC, ATK, 445, 1), Carrier.SMB2, 0xE2898215, fixed, "SMB", "SMB", "R",
                        "smb.local", "r.smb.local", 0, null, null));
        assertEquals(1, a.size(), a.toString());
        assertEquals("ntlm_relay", a.get(0).attackType().id());
        assertEquals(ATK, a.get(0).sourceIp());
        assertTrue(a.get(0).indicators().get(0).startsWith("Same NTLM server challenge sent by " + ATK
                + " on two connections (a fixed challenge)"), a.get(0).indicators().toString());
    }
}
