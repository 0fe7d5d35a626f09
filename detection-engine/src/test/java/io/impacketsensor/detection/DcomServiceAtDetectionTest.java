package io.impacketsensor.detection;

import com.fasterxml.jackson.databind.JsonNode;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.detection.engine.RpcCatalog;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.AttackType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DCOM activation of remote-execution objects, service creation through CreateServiceWOW64W / A, and
 * the legacy AT job: typed events as the decoders produce them from the public captures (OTRF DCOM
 * activations, 401trg/suricata-verify PsExec, 401trg at_schedule).
 */
class DcomServiceAtDetectionTest {
    static final String ATK = "172.18.39.5";
    static final String SRV = "172.18.39.6";
    static final UUID ICLASSFACTORY = UUID.fromString("00000001-0000-0000-c000-000000000046");
    static final UUID SHELL_WINDOWS = UUID.fromString("9ba05972-f6a8-11cf-a442-00a0c90a8f39");
    static final UUID WBEM_LEVEL1_LOGIN = UUID.fromString("8bc3f05e-d86b-11d0-a075-00c04fb68820");

    private static AnalysisResult activate(Harness h, String client, UUID clsid) {
        return h.feed(h.rpc(client, SRV, 0, null, RpcCatalog.REMOTE_SCM_ACTIVATOR, 3,
                new RpcArgs.DcomActivation(3, clsid, List.of(ICLASSFACTORY))));
    }

    @Test
    void activatingAKnownLateralMovementObjectRaisesDcomexecQuotingClsidAndName() throws Exception {
        Harness h = new Harness();
        AnalysisResult r = activate(h, ATK, SHELL_WINDOWS);
        assertTrue(r.isAttack(), r::toString);
        assertEquals(AttackType.DCOMEXEC, r.analysis().attackType());
        assertTrue(r.analysis().confidence() >= 0.7, () -> "confidence " + r.analysis().confidence());
        assertTrue(r.analysis().indicators().contains("DCOM activation of a remote-execution object: ShellWindows "
                + "{9BA05972-F6A8-11CF-A442-00A0C90A8F39} (RemoteGetClassObject)"), r.analysis().indicators()::toString);
        assertTrue(r.analysis().matchedSignatures().contains("dcom_lateral_object"));
        List<JsonNode> alerts = h.alerts();
        assertEquals("dcomexec", alerts.get(alerts.size() - 1).get("impacket").get("attack_type").asText());
    }

    @Test
    void everyListedObjectIsRecognised() {
        for (String clsid : List.of("49b2791a-b1ae-4c90-9b8e-e860ba07f889", "c08afd90-f2a1-11d1-8455-00a0c91f3880",
                "00024500-0000-0000-c000-000000000046", "0002df01-0000-0000-c000-000000000046")) {
            Harness h = new Harness();
            AnalysisResult r = activate(h, ATK, UUID.fromString(clsid));
            assertEquals(AttackType.DCOMEXEC, r.isAttack() ? r.analysis().attackType() : null, clsid);
        }
    }

    @Test
    void wmiLoginObjectOrAnUnknownClassAloneIsNoAlert() throws Exception {
        // zeek kerberos135_auth.pcapng (benign) activates WbemLevel1Login and nothing more.
        Harness h = new Harness();
        assertFalse(activate(h, ATK, WBEM_LEVEL1_LOGIN).isAttack());
        assertFalse(activate(h, "172.18.39.7", UUID.fromString("11111111-2222-3333-4444-555555555555")).isAttack());
        assertTrue(h.alerts().isEmpty());
    }

    @Test
    void createServiceWow64wIsServiceCreation() {
        // Sysinternals PsExec (suricata-verify dcerpc-dce-iface-01, sealed): the opnums are all that shows.
        Harness h = new Harness();
        h.feed(h.rpc(ATK, SRV, 0, null, RpcCatalog.SVCCTL, 15, null),
                h.rpc(ATK, SRV, 1, null, RpcCatalog.SVCCTL, 45, null),
                h.rpc(ATK, SRV, 2, null, RpcCatalog.SVCCTL, 19, null));
        AnalysisResult r = h.feed(h.rpc(ATK, SRV, 3, null, RpcCatalog.SVCCTL, 2, null));
        assertTrue(r.isAttack(), r::toString);
        assertEquals(AttackType.PSEXEC, r.analysis().attackType());
        assertTrue(r.analysis().chain().get(0).step().contains("service created"), r.analysis().chain()::toString);
    }

    @Test
    void createServiceWow64wArgumentsAreJudgedLikeCreateServiceW() {
        // 401trg 20171220_smb_psexec_add_user.pcap frame 160 (cleartext).
        Harness h = new Harness();
        AnalysisResult r = h.feed(h.rpc(ATK, SRV, 0, "svcctl", RpcCatalog.SVCCTL, 45,
                new RpcArgs.ScmCreateService("PSEXESVC", "PSEXESVC", "%SystemRoot%\\PSEXESVC.exe", 0x10, 3, 0xF01FF)));
        assertTrue(r.isAttack(), r::toString);
        assertEquals(AttackType.PSEXEC, r.analysis().attackType());
        assertTrue(r.analysis().indicators().contains("PsExec service installed: PSEXESVC"));
        assertTrue(r.analysis().indicators().contains("Service control: CreateServiceWOW64W PSEXESVC"),
                r.analysis().indicators()::toString);
    }

    @Test
    void atJobAddWithoutArgumentsOnTheAtsvcPipeIsAtexec() {
        // 401trg at_schedule: the server accepted NDR64, so NetrJobAdd comes without decoded arguments.
        Harness h = new Harness();
        AnalysisResult r = h.feed(h.create(ATK, SRV, 0, "", "atsvc", true, true),
                h.rpc(ATK, SRV, 1, "atsvc", RpcCatalog.ATSVC, 0, null));
        assertTrue(r.isAttack(), r::toString);
        assertEquals(AttackType.ATEXEC, r.analysis().attackType());
    }
}
