package io.impacketsensor.detection;

import com.fasterxml.jackson.databind.JsonNode;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.detection.config.EngineConfigLoader;
import io.impacketsensor.detection.engine.RpcCatalog;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.AttackType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per attack type, through typed events as the decoders produce them (synthetic, with the values
 * INDICATORS.md gives): a positive sequence, and a near-miss benign sequence where one exists.
 */
class TypedAttackDetectionTest {
    static final String ATK = "10.5.0.66";
    static final String SRV = "10.5.0.10";
    static final String DC = "10.5.0.2";

    private static void assertAttack(AnalysisResult r, AttackType type, double minConfidence) {
        assertTrue(r.isAttack(), () -> "not an attack: " + r);
        assertEquals(type, r.analysis().attackType(), () -> r.analysis().indicators().toString());
        assertTrue(r.analysis().confidence() >= minConfidence, () -> "confidence " + r.analysis().confidence());
    }

    @Test
    void alertsFromAnAddressFingerprintedAsImpacketNameTheTool() throws Exception {
        Harness h = new Harness();
        // Impacket's DCE/RPC bind (max_xmit_frag 4280, auth_context_id 79231) from ATK, then psexec.
        h.feed(h.bind(ATK, SRV, 0, RpcCatalog.SVCCTL));
        AnalysisResult r = h.feed(h.tree(ATK, SRV, 1, "ADMIN$"), h.create(ATK, SRV, 1, "ADMIN$", "qwErTyUi.exe", false, true),
                h.rpc(ATK, SRV, 2, "svcctl", RpcCatalog.SVCCTL, 12,
                        new RpcArgs.ScmCreateService("aBcD", "aBcD", "%systemroot%\\qwErTyUi.exe", 0x10, 3, 0xF01FF)));
        assertAttack(r, AttackType.PSEXEC, 0.7);
        assertEquals("impacket", r.analysis().tool());
        JsonNode last = h.alerts().get(h.alerts().size() - 1);
        assertEquals("impacket", last.get("impacket").get("tool").textValue());

        // The same attack from an address never fingerprinted: no tool claimed.
        Harness other = new Harness();
        AnalysisResult o = other.feed(other.tree(ATK, SRV, 1, "ADMIN$"),
                other.create(ATK, SRV, 1, "ADMIN$", "qwErTyUi.exe", false, true),
                other.rpc(ATK, SRV, 2, "svcctl", RpcCatalog.SVCCTL, 12,
                        new RpcArgs.ScmCreateService("aBcD", "aBcD", "%systemroot%\\qwErTyUi.exe", 0x10, 3, 0xF01FF)));
        assertAttack(o, AttackType.PSEXEC, 0.7);
        assertNull(o.analysis().tool());
        assertFalse(other.alerts().get(other.alerts().size() - 1).get("impacket").has("tool"));
    }

    @Test
    void impacketPsexecSequence() throws Exception {
        Harness h = new Harness();
        h.feed(h.tree(ATK, SRV, 0, "ADMIN$"), h.create(ATK, SRV, 1, "ADMIN$", "qwErTyUi.exe", false, true));
        AnalysisResult r = h.feed(h.rpc(ATK, SRV, 2, "svcctl", RpcCatalog.SVCCTL, 12,
                        new RpcArgs.ScmCreateService("aBcD", "aBcD", "%systemroot%\\qwErTyUi.exe", 0x10, 3, 0xF01FF)),
                h.create(ATK, SRV, 3, "IPC$", "RemCom_communicaton", true, true),
                h.create(ATK, SRV, 4, "IPC$", "RemCom_stdinAbCd4242", true, true));
        assertAttack(r, AttackType.PSEXEC, 0.95);
        assertEquals(3, r.analysis().chain().size());
        assertTrue(r.analysis().chain().get(1).step().contains("service created"));
        List<JsonNode> alerts = h.alerts();
        assertFalse(alerts.isEmpty());
        long ids = alerts.stream().filter(a -> a.get("impacket").get("attack_type").textValue().equals("psexec"))
                .map(a -> a.get("impacket").get("instance_id").longValue()).distinct().count();
        assertEquals(1, ids, "one psexec instance, updated");
    }

    @Test
    void adminUsingCDollarIsNotAnAttack() throws Exception {
        Harness h = new Harness();
        AnalysisResult r = h.feed(h.tree("10.5.0.20", SRV, 0, "C$"),
                h.create("10.5.0.20", SRV, 1, "C$", "Users\\admin\\notes.txt", false, false),
                h.read("10.5.0.20", SRV, 2, "C$", "Users\\admin\\notes.txt"));
        assertFalse(r.isAttack());
        assertTrue(h.alerts().isEmpty());
    }

    @Test
    void smbexecSequenceWithOutputFile() {
        Harness h = new Harness();
        String bp = "%COMSPEC% /Q /c echo whoami ^> \\\\%COMPUTERNAME%\\C$\\__output_AbCdEfGh 2^>^&1 > "
                + "%SYSTEMROOT%\\qwertyui.bat & %COMSPEC% /Q /c %SYSTEMROOT%\\qwertyui.bat & del %SYSTEMROOT%\\qwertyui.bat";
        AnalysisResult r = h.feed(h.tree(ATK, SRV, 0, "C$"),
                h.rpc(ATK, SRV, 1, "svcctl", RpcCatalog.SVCCTL, 12,
                        new RpcArgs.ScmCreateService("AbCdEfGh", "AbCdEfGh", bp, 0x10, 3, 0xF01FF)),
                h.read(ATK, SRV, 2, "C$", "__output_AbCdEfGh"));
        assertAttack(r, AttackType.SMBEXEC, 0.95);
        assertEquals(3, r.analysis().chain().size());
    }

    @Test
    void wmiexecSequence() {
        Harness h = new Harness();
        AnalysisResult r = h.feed(h.rpc(ATK, SRV, 0, null, RpcCatalog.REMOTE_SCM_ACTIVATOR, 4, null),
                h.rpc(ATK, SRV, 1, null, RpcCatalog.WBEM_LEVEL1_LOGIN, 6, null),
                h.rpc(ATK, SRV, 2, null, RpcCatalog.WBEM_SERVICES, 24, new RpcArgs.DcomStrings(List.of("Win32_Process",
                        "Create", "cmd.exe /Q /c whoami 1> \\\\127.0.0.1\\ADMIN$\\__1767225600.5 2>&1"))),
                h.read(ATK, SRV, 3, "ADMIN$", "__1767225600.5"));
        assertAttack(r, AttackType.WMIEXEC, 0.95);
        assertTrue(r.analysis().matchedSignatures().contains("wmiexec"));
    }

    @Test
    void dcomexecSequence() {
        Harness h = new Harness();
        AnalysisResult r = h.feed(h.rpc(ATK, SRV, 0, null, RpcCatalog.REMOTE_SCM_ACTIVATOR, 4, null),
                h.rpc(ATK, SRV, 1, null, RpcCatalog.IDISPATCH, 5, new RpcArgs.DcomStrings(List.of("ShellExecute"))),
                h.read(ATK, SRV, 2, "ADMIN$", "__17672"));
        assertAttack(r, AttackType.DCOMEXEC, 0.9);
    }

    @Test
    void atexecSealedSequenceIsCarriedByTheChain() {
        Harness h = new Harness();
        AnalysisResult r = h.feed(h.create(ATK, SRV, 0, "IPC$", "atsvc", true, true),
                h.rpc(ATK, SRV, 1, "atsvc", RpcCatalog.TSCH, 1, null),
                h.rpc(ATK, SRV, 2, "atsvc", RpcCatalog.TSCH, 12, null),
                h.read(ATK, SRV, 3, "ADMIN$", "Temp\\AbCdEfGh.tmp"));
        assertAttack(r, AttackType.ATEXEC, 0.9);
    }

    @Test
    void secretsdumpRemoteRegistry() {
        Harness h = new Harness();
        h.feed(h.rpc(ATK, SRV, 0, "svcctl", RpcCatalog.SVCCTL, 16, new RpcArgs.ScmOpenService("RemoteRegistry", 0xF01FF)),
                h.rpc(ATK, SRV, 1, "winreg", RpcCatalog.WINREG, 2, null));
        AnalysisResult r = h.feed(h.rpc(ATK, SRV, 2, "winreg", RpcCatalog.WINREG, 15,
                        new RpcArgs.RegOpenKey(false, "SYSTEM\\CurrentControlSet\\Control\\Lsa\\JD")),
                h.rpc(ATK, SRV, 3, "winreg", RpcCatalog.WINREG, 20, new RpcArgs.RegSaveKey("..\\Temp\\AbCdEfGh.tmp", "SAM")),
                h.read(ATK, SRV, 4, "ADMIN$", "Temp\\AbCdEfGh.tmp"));
        assertAttack(r, AttackType.SECRETSDUMP, 0.95);
        assertEquals(1, h.engine.getStatistics().secretDumps());
    }

    @Test
    void dcsyncFromNonDcButNotFromAConfiguredDc() {
        Harness h = new Harness();
        AnalysisResult r = h.feed(h.bind(ATK, DC, 0, RpcCatalog.DRSUAPI),
                h.rpc(ATK, DC, 1, null, RpcCatalog.DRSUAPI, 3, null));
        assertAttack(r, AttackType.DCSYNC, 0.95);

        Harness dcs = new Harness(EngineConfigLoader.parse("engine:\n  domain_controllers: [\"10.5.0.3\"]\n"));
        AnalysisResult ok = dcs.feed(dcs.bind("10.5.0.3", DC, 0, RpcCatalog.DRSUAPI),
                dcs.rpc("10.5.0.3", DC, 1, null, RpcCatalog.DRSUAPI, 3, null));
        assertFalse(ok.isAttack());
    }

    @Test
    void dcLearnedFromKerberosAnswersReplicatesSilently() {
        Harness h = new Harness();
        KerberosEvent.KerberosRequest req = h.krbReq("10.5.0.40", "10.5.0.3", 0, 10, List.of(2, 128), 18, 0x40810010,
                Harness.pn(1, "alice"), Harness.pn(2, "krbtgt", "LAB.LOCAL"), List.of(18, 17), null);
        // 10.5.0.3 answers a Kerberos request: a DC.
        h.feed(new KerberosEvent.KerberosReply(h.h("10.5.0.40", "10.5.0.3", 88, 0), 11, "LAB.LOCAL",
                Harness.pn(1, "alice"), new KerberosEvent.TicketInfo("LAB.LOCAL", Harness.pn(2, "krbtgt", "LAB.LOCAL"), 18, 2),
                18, req));
        AnalysisResult r = h.feed(h.bind("10.5.0.3", DC, 5, RpcCatalog.DRSUAPI),
                h.rpc("10.5.0.3", DC, 6, null, RpcCatalog.DRSUAPI, 3, null));
        assertFalse(r.isAttack());
    }

    @Test
    void kerberoastingByAccountNameAndRc4Burst() {
        Harness h = new Harness();
        AnalysisResult r = AnalysisResult.BENIGN;
        for (int i = 0; i < 6; i++) {
            r = h.feed(h.krbReq(ATK, DC, i, 12, List.of(1), -1, 0x40810010, null,
                    Harness.pn(-128, "LAB\\svc_sql" + i), List.of(23, 16, 3, 18), null));
        }
        assertAttack(r, AttackType.KERBEROASTING, 0.7);
    }

    @Test
    void serviceAccountAskingAFewAesTicketsIsBenign() {
        Harness h = new Harness();
        AnalysisResult r = AnalysisResult.BENIGN;
        for (int i = 0; i < 4; i++) {
            KerberosEvent.KerberosRequest q = h.krbReq("10.5.0.30", DC, i * 10, 12, List.of(1), -1, 0x40810000, null,
                    Harness.pn(2, "cifs", "fs" + i + ".lab.local"), List.of(18, 17, 23), null);
            h.feed(q);
            r = h.feed(new KerberosEvent.KerberosReply(h.h("10.5.0.30", DC, 88, i * 10), 13, "LAB.LOCAL",
                    Harness.pn(1, "svc_backup"), new KerberosEvent.TicketInfo("LAB.LOCAL", q.sname(), 18, 5), 18, q));
        }
        assertFalse(r.isAttack());
    }

    @Test
    void asrepRoastingAndOverpassTheHash() {
        Harness h = new Harness();
        KerberosEvent.KerberosRequest q = h.krbReq(ATK, DC, 0, 10, List.of(128), -1, 0x50800000,
                Harness.pn(1, "nopreauth"), Harness.pn(1, "krbtgt", "LAB.LOCAL"), List.of(23), null);
        h.feed(q);
        AnalysisResult r = h.feed(new KerberosEvent.KerberosReply(h.h(ATK, DC, 88, 0), 11, "LAB.LOCAL",
                Harness.pn(1, "nopreauth"), new KerberosEvent.TicketInfo("LAB.LOCAL", q.sname(), 18, 2), 23, q));
        assertAttack(r, AttackType.ASREP_ROASTING, 0.85);

        AnalysisResult o = h.feed(h.krbReq("10.5.0.67", DC, 5, 10, List.of(2, 128), 23, 0x50800000,
                Harness.pn(1, "administrator"), Harness.pn(1, "krbtgt", "LAB.LOCAL"), List.of(23), null));
        assertAttack(o, AttackType.OVERPASS_THE_HASH, 0.7);
    }

    @Test
    void s4uSelfForAnAdministrator() {
        Harness h = new Harness();
        AnalysisResult r = h.feed(h.krbReq(ATK, DC, 0, 12, List.of(1, 129), -1, 0x40810000, null,
                Harness.pn(0, "FAKE01$"), List.of(18, 23), "Administrator"));
        assertAttack(r, AttackType.S4U_DELEGATION_ABUSE, 0.7);
    }

    @Test
    void kerberosFailuresBruteForceButNotTwoTypos() {
        Harness h = new Harness();
        AnalysisResult r = AnalysisResult.BENIGN;
        for (int i = 0; i < 2; i++) {
            r = h.feed(new KerberosEvent.KerberosError(h.h("10.5.0.31", DC, 88, i), 24, null, "LAB.LOCAL",
                    Harness.pn(2, "krbtgt", "LAB.LOCAL"), Harness.pn(1, "bob"), null));
        }
        assertFalse(r.isAttack());
        for (int i = 0; i < 6; i++) {
            r = h.feed(new KerberosEvent.KerberosError(h.h(ATK, DC, 88, 10 + i), 24, null, "LAB.LOCAL",
                    Harness.pn(2, "krbtgt", "LAB.LOCAL"), Harness.pn(1, "bob"), null));
        }
        assertAttack(r, AttackType.BRUTE_FORCE, 0.7);
        for (int i = 0; i < 6; i++) {
            r = h.feed(new KerberosEvent.KerberosError(h.h("10.5.0.68", DC, 88, 30 + i), 6, null, "LAB.LOCAL",
                    Harness.pn(2, "krbtgt", "LAB.LOCAL"), Harness.pn(1, "user" + i), null));
        }
        assertAttack(r, AttackType.USER_ENUMERATION, 0.6);
    }

    @Test
    void passTheHashFingerprintThenAdminShare() {
        Harness h = new Harness();
        h.feed(h.auth(h.h(ATK, SRV, 445, 0), "LAB", "Administrator", "", false, -1, 0xA0880205, null, 0));
        AnalysisResult r = h.feed(h.tree(ATK, SRV, 1, "ADMIN$"));
        assertAttack(r, AttackType.PASS_THE_HASH, 0.55);
    }

    @Test
    void enumerationAndDirectoryChanges() {
        Harness h = new Harness();
        assertAttack(h.feed(h.rpc(ATK, SRV, 0, "lsarpc", RpcCatalog.LSARPC, 15,
                new RpcArgs.LsaLookupSids(1000, "S-1-5-21-1-2-3", 0, 999))), AttackType.SID_ENUMERATION, 0.7);
        assertAttack(h.feed(h.rpc("10.5.0.69", DC, 1, "samr", RpcCatalog.SAMR, 50,
                new RpcArgs.SamrCreateUser("DESKTOP-AB12CD34$", 0x80, 0xF07FF))), AttackType.MACHINE_ACCOUNT_CREATION, 0.8);
        assertAttack(h.feed(new LdapEvent.LdapModify(h.h("10.5.0.70", DC, 389, 2), 5, "CN=SRV01,CN=Computers,DC=lab,DC=local",
                List.of(new LdapEvent.Modification(2, new LdapEvent.Attribute("msDS-AllowedToActOnBehalfOfOtherIdentity",
                        List.of()))), 0)), AttackType.RBCD_ABUSE, 0.85);
        assertAttack(h.feed(new LdapEvent.LdapModify(h.h("10.5.0.71", DC, 389, 3), 6, "CN=bob,CN=Users,DC=lab,DC=local",
                List.of(new LdapEvent.Modification(0, new LdapEvent.Attribute("msDS-KeyCredentialLink", List.of()))), 0)),
                AttackType.SHADOW_CREDENTIALS, 0.85);
        assertAttack(h.feed(h.read("10.5.0.72", DC, 4, "SYSVOL",
                "lab.local\\Policies\\{31B2F340-016D-11D2-945F-00C04FB984F9}\\Machine\\Preferences\\Groups\\Groups.xml")),
                AttackType.GPP_PASSWORD, 0.5);
    }

    @Test
    void impacketClientFingerprint() {
        Harness h = new Harness();
        byte[] guid = "AbCdEfGhIjKlMnOp".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        AnalysisResult r = h.feed(new SmbEvent.Smb2Negotiate(h.h(ATK, SRV, 445, 0), List.of(0x202, 0x210, 0x300, 0x302, 0x311),
                0x311, 1, 0x40, guid, 1, 0x2f, new byte[16], 2, List.of(1), 32, new byte[32], List.of(1), 0));
        assertAttack(r, AttackType.IMPACKET_FINGERPRINT, 0.5);
    }
}
