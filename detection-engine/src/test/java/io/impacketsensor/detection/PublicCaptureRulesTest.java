package io.impacketsensor.detection;

import com.fasterxml.jackson.databind.JsonNode;
import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.detection.config.EngineConfigLoader;
import io.impacketsensor.detection.engine.RpcCatalog;
import io.impacketsensor.detection.model.Action;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.AttackType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules tuned on the public captures (issue 7), each with the shape of the real capture it was
 * tuned on (named per test) and the benign near-miss that must stay silent. Events are built
 * directly, as the decoders produce them; alerts are read back from the EVE output.
 */
class PublicCaptureRulesTest {
    static final String WS5 = "172.18.39.5";
    static final String WS6 = "172.18.39.6";
    static final String DC = "172.18.38.5";

    private static List<String> alertTypes(Harness h) throws Exception {
        List<String> l = new ArrayList<>();
        for (JsonNode a : h.alerts()) {
            String t = a.path("impacket").path("attack_type").asText();
            if (!l.contains(t)) {
                l.add(t);
            }
        }
        return l;
    }

    private static int proofs;

    /** Each AUTHENTICATE its own NTLMv2 proof (a repeated proof would be a relay, RelayLayer). */
    private static byte[] proof() {
        byte[] p = new byte[16];
        int n = ++proofs;
        p[0] = (byte) n;
        p[1] = (byte) (n >> 8);
        return p;
    }

    private static NtlmEvent.NtlmAuthenticate ldapNtlm(Harness h, String client, int sec, String user, long status) {
        return new NtlmEvent.NtlmAuthenticate(h.h(client, DC, 389, sec), Carrier.LDAP, 0xE2888235, 24, 300, 2, "", user,
                null, true, new NtlmEvent.Version(10, 0, 19041, 15), true, 2, "ldap/dc", proof(), null, false, status);
    }

    private static LdapEvent.LdapBind saslBind(Harness h, String client, int sec, int result) {
        return new LdapEvent.LdapBind(h.h(client, DC, 389, sec), sec, 3, "", LdapEvent.BindType.SASL, "GSS-SPNEGO",
                false, result, result == 49 ? "80090308: LdapErr: DSID-0C090569, data 52e" : null);
    }

    /** Zeek ldap_invalid_credentials.pcap: 6 accounts, each failing twice over LDAP SASL/NTLM, in 2 s. */
    @Test
    void failedLdapNtlmBindsForAFewAccountsAreNotASpray() throws Exception {
        Harness h = new Harness();
        String[] users = {"Administrator", "DC01-ZION$", "DESKTOP-EVIL$", "DESKTOP-VICTIM$", "agent.smith", "mister.andersson"};
        for (int i = 0; i < 12; i++) {
            h.feed(ldapNtlm(h, "192.168.66.141", i / 6, users[i / 2], 49), saslBind(h, "192.168.66.141", i / 6, 49));
        }
        assertEquals(List.of(), alertTypes(h), "12 failed binds across 6 accounts: monitor-level");
        assertEquals(12, h.engine.getStatistics().authAttempts(), "each failed bind counted once, from its NTLM AUTHENTICATE");
    }

    @Test
    void failuresAcrossTenAccountsAreASpray() throws Exception {
        Harness h = new Harness();
        AnalysisResult r = AnalysisResult.BENIGN;
        for (int i = 0; i < 10; i++) {
            r = h.feed(ldapNtlm(h, "10.1.1.9", i, "user" + i, 49));
        }
        assertEquals(AttackType.PASSWORD_SPRAY, r.analysis().attackType());
        assertTrue(r.isAttack());
        assertTrue(r.analysis().indicators().stream().anyMatch(s -> s.contains("across 10 accounts")),
                r.analysis().indicators().toString());
    }

    /** behaviour.spray_accounts moves the line between brute force and spraying, both ways. */
    @Test
    void sprayAccountsIsAConfigKey() throws Exception {
        Harness wide = new Harness(EngineConfigLoader.parse("engine:\n  behaviour:\n    spray_accounts: 20\n"));
        Harness narrow = new Harness(EngineConfigLoader.parse("engine:\n  behaviour:\n    spray_accounts: 6\n"));
        AnalysisResult w = AnalysisResult.BENIGN;
        AnalysisResult n = AnalysisResult.BENIGN;
        for (int i = 0; i < 19; i++) {
            w = wide.feed(ldapNtlm(wide, "10.1.1.9", i, "user" + i, 49));
            if (i < 6) {
                n = narrow.feed(ldapNtlm(narrow, "10.1.1.9", i, "user" + i, 49));
            }
        }
        assertEquals(AttackType.BRUTE_FORCE, w.analysis().attackType(), "19 accounts, 20 asked for");
        assertEquals(AttackType.PASSWORD_SPRAY, wide.feed(ldapNtlm(wide, "10.1.1.9", 19, "user19", 49)).analysis().attackType());
        assertEquals(AttackType.PASSWORD_SPRAY, n.analysis().attackType(), "6 accounts, 6 asked for");
    }

    private static KerberosEvent.KerberosRequest asReq(Harness h, String client, int sec, String cname) {
        return h.krbReq(client, DC, sec, 10, List.of(128), -1, 0x50010000, Harness.pn(10, cname),
                Harness.pn(2, "krbtgt", "VLADG.NET"), List.of(18, 17, 16, 23, 25, 26), null);
    }

    /** Zeek kinit.pcap: one enterprise principal the realm does not know, retried 17 times, plus one more. */
    @Test
    void oneUnknownPrincipalRetriedIsNotUserEnumeration() throws Exception {
        Harness h = new Harness();
        for (int i = 0; i < 17; i++) {
            KerberosEvent.KerberosRequest q = asReq(h, "192.168.1.31", i / 4, "enterprise_principal@AD.VLADG.NET");
            h.feed(q, new KerberosEvent.KerberosError(h.h("192.168.1.31", DC, 88, i / 4), 6, null, "VLADG.NET",
                    q.sname(), q.cname(), q));
        }
        KerberosEvent.KerberosRequest q = asReq(h, "192.168.1.31", 5, "invalid_client_principal");
        h.feed(q, new KerberosEvent.KerberosError(h.h("192.168.1.31", DC, 88, 5), 6, null, "VLADG.NET", q.sname(), q.cname(), q));
        assertEquals(List.of(), alertTypes(h));
        // Six different unknown names is the enumeration shape.
        AnalysisResult r = AnalysisResult.BENIGN;
        for (int i = 0; i < 6; i++) {
            KerberosEvent.KerberosRequest e = asReq(h, "10.1.1.7", 10 + i, "guess" + i);
            r = h.feed(e, new KerberosEvent.KerberosError(h.h("10.1.1.7", DC, 88, 10 + i), 6, null, "VLADG.NET",
                    e.sname(), e.cname(), e));
        }
        assertEquals(AttackType.USER_ENUMERATION, r.analysis().attackType());
        assertTrue(r.isAttack());
    }

    private static KerberosEvent.KerberosReply tgsRep(Harness h, String client, int sec, String cname, int etype,
                                                       String... sname) {
        return new KerberosEvent.KerberosReply(h.h(client, DC, 88, sec), 13, "THESHIRE.LOCAL", Harness.pn(1, cname),
                new KerberosEvent.TicketInfo("THESHIRE.LOCAL", Harness.pn(2, sname), etype, 2), 18, null);
    }

    /** OTRF covenant_dcom_registerxll and suricata-verify dcerpc-ctxids: a Windows client asks a ticket for itself. */
    @Test
    void ticketForTheClientsOwnAccountIsNotKerberoasting() throws Exception {
        Harness h = new Harness();
        h.feed(tgsRep(h, WS5, 0, "pgustavo", 18, "krbtgt", "THESHIRE.LOCAL"));
        KerberosEvent.KerberosRequest self = h.krbReq(WS5, DC, 1, 12, List.of(1, 128), -1, 0x40810000, null,
                Harness.pn(-128, "pgustavo"), List.of(18, 17, 23, 24, -135), null);
        h.feed(self, new KerberosEvent.KerberosError(h.h(WS5, DC, 88, 1), 7, null, "THESHIRE.LOCAL", self.sname(), null, self));
        assertEquals(List.of(), alertTypes(h));
        // Another account named the same way from the same client is the GetUserSPNs request.
        AnalysisResult r = h.feed(h.krbReq(WS5, DC, 2, 12, List.of(1, 128), -1, 0x40810000, null,
                Harness.pn(-128, "svc_sql"), List.of(23, 16, 3, 23), null));
        assertEquals(AttackType.KERBEROASTING, r.analysis().attackType());
        assertTrue(r.analysis().confidence() >= 0.6);
    }

    /** OTRF purplesharp_ad_playbook_I: RC4 tickets for five service accounts' SPNs within 60 ms. */
    @Test
    void rc4TicketsForSeveralUserSpnsAreKerberoasting() throws Exception {
        Harness h = new Harness();
        // Computer services and repeats of one service account do not count.
        h.feed(tgsRep(h, WS5, 0, "pgustavo", 23, "cifs", "WEC.theshire.local"),
                tgsRep(h, WS5, 0, "pgustavo", 23, "host", "WORKSTATION6.theshire.local"),
                tgsRep(h, WS5, 1, "pgustavo", 23, "MSSQLSvc", "sql01.theshire.local"),
                tgsRep(h, WS5, 2, "pgustavo", 23, "MSSQLSvc", "sql01.theshire.local"),
                tgsRep(h, WS5, 3, "pgustavo", 18, "HTTP", "portal.theshire.local"));
        assertEquals(List.of(), alertTypes(h));
        AnalysisResult r = h.feed(tgsRep(h, WS5, 4, "pgustavo", 23, "Sysmon", "theshire.local"),
                tgsRep(h, WS5, 4, "pgustavo", 23, "Nxlog", "theshire.local"));
        assertEquals(AttackType.KERBEROASTING, r.analysis().attackType());
        assertTrue(r.isAttack());
        assertTrue(r.analysis().indicators().stream().anyMatch(s -> s.contains("3 different user-account SPNs")),
                r.analysis().indicators().toString());
    }

    private static LdapEvent.LdapSearch search(Harness h, String client, int sec, String filter) {
        return new LdapEvent.LdapSearch(h.h(client, DC, 389, sec), sec, "DC=theshire,DC=local", 2, 0, 0, 600, false,
                filter, List.of(), List.of("1.2.840.113556.1.4.1339"), 0, 0, 5, false);
    }

    @Test
    void spnQueryThenOneRc4UserTicketIsTheKerberoastChain() throws Exception {
        Harness h = new Harness();
        h.feed(search(h, WS5, 0, "(&(samAccountType=805306368)(servicePrincipalName=*)(!(samAccountName=krbtgt)))"));
        AnalysisResult r = h.feed(tgsRep(h, WS5, 1, "pgustavo", 23, "Sysmon", "theshire.local"));
        assertEquals(AttackType.KERBEROASTING, r.analysis().attackType());
        assertTrue(r.analysis().confidence() >= 0.7, () -> "confidence " + r.analysis().confidence());
        assertEquals(2, r.analysis().chain().size());
    }

    private static DcerpcEvent.DcerpcRequest samLogon(Harness h, String client, int ms) {
        EventHeader hd = new EventHeader(Harness.T0 + ms * 1_000_000L, 7, Harness.ip(client), 50000, Harness.ip(DC), 49674,
                io.impacketsensor.core.event.Transport.TCP);
        return new DcerpcEvent.DcerpcRequest(hd, null, ms, 0, RpcCatalog.NETLOGON, 45, null, true, 300, 1, 10, 6, null);
    }

    /** OTRF purplesharp_ad_playbook_I: seven sealed NetrLogonSamLogonWithFlags in 50 ms from a workstation. */
    @Test
    void netlogonBurstFromAHostThatServesNoNtlmIsBruteForce() throws Exception {
        Harness h = new Harness();
        AnalysisResult r = AnalysisResult.BENIGN;
        for (int i = 0; i < 7; i++) {
            r = h.feed(samLogon(h, WS5, 500 + i * 8));
        }
        assertEquals(AttackType.BRUTE_FORCE, r.analysis().attackType());
        assertTrue(r.isAttack());
        // A member server passing through the NTLM logons of its own clients: monitor-level.
        Harness s = new Harness();
        NtlmEvent.NtlmAuthenticate in = new NtlmEvent.NtlmAuthenticate(s.h("10.1.1.21", "10.1.1.30", 445, 0), Carrier.SMB2,
                0xE2888235, 24, 300, 2, "LAB", "bob", "PC21", true, new NtlmEvent.Version(10, 0, 19041, 15), true, 2,
                "cifs/fs", proof(), null, false, SensorEvent.NO_STATUS);
        s.feed(in);
        for (int i = 0; i < 7; i++) {
            s.feed(samLogon(s, "10.1.1.30", 500 + i * 8));
        }
        assertEquals(List.of(), alertTypes(s));
    }

    private static DcerpcEvent.DcerpcRequest svcctl(Harness h, String c, String s, int sec, int opnum, RpcArgs a) {
        return h.rpc(c, s, sec, "svcctl", RpcCatalog.SVCCTL, opnum, a);
    }

    /** OTRF covenant_sc_query / sharpsc_start / sharpsc_stop: IKEEXT opened, queried, started, stopped. */
    @Test
    void remoteAccessToAPhantomDllServiceIsServiceManipulation() throws Exception {
        Harness h = new Harness();
        h.feed(svcctl(h, WS5, WS6, 0, 15, new RpcArgs.ScmOpenManager("\\\\WORKSTATION6", null, 1)),
                svcctl(h, WS5, WS6, 1, 16, new RpcArgs.ScmOpenService("Spooler", 4)),
                svcctl(h, WS5, WS6, 2, 1, new RpcArgs.ScmServiceAction(1, "Spooler", 1)));
        assertEquals(List.of(), alertTypes(h), "stopping the spooler remotely is administration: monitor-level");
        AnalysisResult r = h.feed(svcctl(h, WS5, WS6, 3, 16, new RpcArgs.ScmOpenService("IKEEXT", 4)));
        assertEquals(AttackType.SERVICE_MANIPULATION, r.analysis().attackType());
        assertTrue(r.isAttack());
        assertTrue(r.analysis().indicators().stream().anyMatch(s -> s.contains("wlbsctrl.dll")));
    }

    /** OTRF empire_shell_dcerpc_smb_service_dll_hijack: wlbsctrl.dll into C$\Windows\System32, then sealed SVCCTL. */
    @Test
    void systemDllWriteThenServiceRestartIsTheDllHijackChain() throws Exception {
        Harness h = new Harness();
        h.feed(h.tree(WS5, WS6, 0, "C$"), h.create(WS5, WS6, 1, "C$", "Windows\\System32\\wlbsctrl.dll", false, true));
        assertEquals(List.of(), alertTypes(h), "the DLL write alone is monitor-level");
        AnalysisResult r = h.feed(svcctl(h, WS5, WS6, 30, 1, null), svcctl(h, WS5, WS6, 80, 19, null));
        assertEquals(AttackType.SERVICE_MANIPULATION, r.analysis().attackType());
        assertTrue(r.analysis().confidence() >= 0.8, () -> "confidence " + r.analysis().confidence());
        assertEquals(2, r.analysis().chain().size());
    }

    private static DcerpcEvent.DcerpcRequest samr(Harness h, int sec, int opnum, RpcArgs a) {
        return h.rpc(WS6, DC, sec, "samr", RpcCatalog.SAMR, opnum, a);
    }

    /** OTRF empire_shell_rpc_samr_smb_group_domain_admins: net group "Domain Admins" /domain. */
    @Test
    void privilegedGroupMembersListedOverSamr() throws Exception {
        Harness h = new Harness();
        h.feed(samr(h, 0, 19, new RpcArgs.SamrCall(19, "513")), samr(h, 0, 25, new RpcArgs.SamrCall(25, null)));
        assertEquals(List.of(), alertTypes(h), "Domain Users members: monitor-level");
        AnalysisResult r = h.feed(samr(h, 1, 19, new RpcArgs.SamrCall(19, "512")), samr(h, 1, 25, new RpcArgs.SamrCall(25, null)));
        assertEquals(AttackType.SAMR_ENUMERATION, r.analysis().attackType());
        assertTrue(r.isAttack());
        assertTrue(r.analysis().indicators().stream().anyMatch(s -> s.contains("Domain Admins (RID 512)")));
    }

    /** OTRF covenant_getdomaingroup_ldap_searchrequest_domain_admins and covenant_ldap_searchrequest_domainuser. */
    @Test
    void powerViewIdentityFiltersAreLdapRecon() throws Exception {
        Harness h = new Harness();
        h.feed(search(h, WS5, 0, "(&(objectClass=group)(cn=Domain Users))"),
                search(h, WS5, 0, "(&(objectCategory=group)(|(samAccountName=Sales)(samAccountName=IT)))"),
                search(h, WS5, 0, "(&(name=Test)(mail=*@example.com)(|(dept=accounting)(dept=operations)))"));
        assertEquals(List.of(), alertTypes(h));
        AnalysisResult u = h.feed(search(h, WS5, 1, "(&(samAccountType=805306368)(|(samAccountName=nmartha)))"));
        assertEquals(AttackType.LDAP_RECON, u.analysis().attackType());
        assertTrue(u.isAttack());
        AnalysisResult g = h.feed(search(h, "172.18.39.7", 2, "(&(objectCategory=group)(|(samAccountName=Domain Admins)))"));
        assertEquals(AttackType.LDAP_RECON, g.analysis().attackType());
        assertTrue(g.analysis().confidence() > 0.6, () -> "confidence " + g.analysis().confidence());
        assertFalse(g.analysis().indicators().isEmpty());
    }
    private static SmbEvent.SmbTreeConnect ipc(Harness h, String client, String server, int sec, String name) {
        return new SmbEvent.SmbTreeConnect(h.h(client, server, 445, sec), 1, 1, "\\\\" + name + "\\IPC$", 2, 0);
    }

    /** SamrLookupDomainInSamServer(domain) and its answer (STATUS_SUCCESS or STATUS_NO_SUCH_DOMAIN). */
    private static SensorEvent[] lookupDomain(Harness h, String client, String server, int sec, String domain, long status) {
        return new SensorEvent[]{h.rpc(client, server, sec, "samr", RpcCatalog.SAMR, 5, new RpcArgs.SamrCall(5, domain)),
            new DcerpcEvent.DcerpcResponse(h.h(client, server, 445, sec), "samr", 1, RpcCatalog.SAMR, 5, false, 44,
                    new RpcArgs.ReturnStatus(status))};
    }

    /** IPC$ by {@code name}, SamrConnect5(\\\\name) and SamrLookupDomainInSamServer(domain) answered with {@code status}. */
    private static void samrConnect(Harness h, String client, String server, String name, String domain, long status) {
        h.feed(ipc(h, client, server, 0, name), samrOp(h, client, server, 0, 64, "\\\\" + name));
        h.feed(lookupDomain(h, client, server, 0, domain, status));
    }

    private static DcerpcEvent.DcerpcRequest samrOp(Harness h, String client, String server, int sec, int opnum, String arg) {
        return h.rpc(client, server, sec, "samr", RpcCatalog.SAMR, opnum, new RpcArgs.SamrCall(opnum, arg));
    }

    /**
     * OTRF empire_shell_samr_EnumDomainUsers (net user /domain from a workstation, Kerberos): every account
     * of THESHIRE listed over SAMR from the DC MORDORDC. The DC is known from SAMR itself: the server
     * answered a lookup of THESHIRE, the domain of the name the client used for it.
     */
    @Test
    void domainAccountListFromADomainControllerIsSamrEnumeration() throws Exception {
        Harness h = new Harness();
        samrConnect(h, WS5, DC, "MORDORDC.theshire.local", "THESHIRE", 0);
        AnalysisResult r = h.feed(samrOp(h, WS5, DC, 0, 7, "S-1-5-21-1-2-3"), samrOp(h, WS5, DC, 0, 13, null));
        assertEquals(AttackType.SAMR_ENUMERATION, r.analysis().attackType());
        assertTrue(r.isAttack(), () -> "confidence " + r.analysis().confidence());
        assertTrue(r.analysis().indicators().stream().anyMatch(s -> s.contains("domain controller 172.18.38.5")),
                () -> r.analysis().indicators().toString());
    }

    /**
     * Zeek dce-rpc/20-fids (benign): the same calls, 20 times, against a standalone Samba host whose NTLM
     * CHALLENGE names itself as its domain and which the client reached by IP: its local accounts.
     */
    @Test
    void accountListFromAStandaloneHostStaysMonitorLevel() throws Exception {
        Harness h = new Harness();
        String client = "172.17.0.1";
        String server = "172.17.0.2";
        h.feed(new NtlmEvent.NtlmChallenge(h.h(client, server, 445, 0), Carrier.SMB2, 0xE2898215, new byte[8],
                "SAMBA-CONTAINER", "SAMBA-CONTAINER", "SAMBA-CONTAINER", "", "samba-container", 0, null, null));
        for (int i = 0; i < 20; i++) {
            samrConnect(h, client, server, "127.0.0.1", "SAMBA-CONTAINER", 0);
            h.feed(samrOp(h, client, server, 0, 7, "S-1-5-21-4079613932-212375732-1018250216"), samrOp(h, client, server, 0, 13, null));
        }
        assertEquals(List.of(), alertTypes(h));
    }

    /** A member server reached by a DNS alias: its SAM knows SRV01 and Builtin, not CONTOSO. */
    @Test
    void memberServerLocalAccountsAreNotDomainDiscovery() throws Exception {
        Harness h = new Harness();
        String srv = "10.1.0.20";
        samrConnect(h, WS5, srv, "files.contoso.local", "CONTOSO", 0xC00000DFL);
        h.feed(lookupDomain(h, WS5, srv, 0, "SRV01", 0));
        h.feed(samrOp(h, WS5, srv, 0, 7, "S-1-5-21-9-9-9"), samrOp(h, WS5, srv, 0, 13, null));
        h.feed(samrOp(h, WS5, srv, 1, 34, "1001"), samrOp(h, WS5, srv, 1, 39, null));
        assertEquals(List.of(), alertTypes(h));
    }

    /** 401TRG smb_net_user: net user RonHD /domain — one account opened on DC1 and its groups read. */
    @Test
    void netUserNameOnADomainControllerIsAccountDiscovery() throws Exception {
        Harness h = new Harness();
        String ws = "192.168.10.31";
        String dc1 = "192.168.10.10";
        samrConnect(h, ws, dc1, "DC1.contoso.local", "CONTOSO", 0);
        h.feed(samrOp(h, ws, dc1, 0, 7, "S-1-5-21-758758874-3121976374-3713154392"), samrOp(h, ws, dc1, 0, 17, null));
        assertEquals(List.of(), alertTypes(h), "looking a name up is not yet discovery");
        h.feed(samrOp(h, ws, dc1, 0, 34, "1110"));
        AnalysisResult r = h.feed(samrOp(h, ws, dc1, 0, 39, null));
        assertEquals(AttackType.SAMR_ENUMERATION, r.analysis().attackType());
        assertTrue(r.isAttack(), () -> "confidence " + r.analysis().confidence());
        assertTrue(r.analysis().confidence() < 0.55, "one account is less than the whole list");
        assertEquals(2, h.alerts().get(0).path("impacket").path("chain").size());
    }

    /** OTRF covenant_sharpsc_query: services listed remotely over SVCCTL — the hunting tier, not an alert. */
    @Test
    void remoteServiceEnumerationIsMonitorLevel() throws Exception {
        Harness h = new Harness();
        AnalysisResult r = h.feed(h.rpc(WS5, WS6, 0, "svcctl", RpcCatalog.SVCCTL, 64, null),
                h.rpc(WS5, WS6, 0, "svcctl", RpcCatalog.SVCCTL, 14, null));
        assertEquals(AttackType.SERVICE_MANIPULATION, r.analysis().attackType());
        assertEquals(Action.MONITOR, r.analysis().action());
        assertFalse(r.isAttack());
        assertEquals(List.of(), alertTypes(h));
    }
}
