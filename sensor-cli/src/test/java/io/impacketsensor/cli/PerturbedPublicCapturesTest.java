package io.impacketsensor.cli;

import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real Windows captures of the public set kept in the test resources, replayed as imperfect copies
 * deliver them ({@code evaluate --perturb}, seed 1), where the evidence survives only through the
 * decoders' handling of a stream taken up late or out of order:
 * <ul>
 *   <li>Covenant's LDAP search under {@code reorder:16} and {@code loss:5%}: the connection is taken
 *       up (or resumes after a gap) inside the SASL integrity layer its Kerberos bind set up; the
 *       SASL buffers are recognised by their GSS wrap token and the identity filter is read;</li>
 *   <li>Empire's psexec over TCP under {@code late-join:30%}: the SVCCTL BIND is dropped, and the
 *       calls are named by the port the endpoint mapper's NDR64 ept_map answer mapped SVCCTL to;</li>
 *   <li>Covenant's DCOM activation under {@code late-join:30%}: the ISystemActivator BIND on 135 is
 *       dropped, and RemoteGetClassObject is recognised by its stub (ORPCTHIS, then the activation
 *       properties' custom OBJREF with the class).</li>
 * </ul>
 */
class PerturbedPublicCapturesTest {
    private static final String OTRF = "OTRF_Security-Datasets/datasets/atomic/windows/";

    @ParameterizedTest
    @CsvSource({
            "discovery/network/covenant_ldap_searchrequest_domainuser.cap, reorder:16, ldap_recon",
            "discovery/network/covenant_ldap_searchrequest_domainuser.cap, loss:5%, ldap_recon",
            "lateral_movement/network/empire_psexec_dcerpc_tcp_svcctl_WORKSTATION5_2020-09-20121608.cap, late-join:30%, psexec",
            "lateral_movement/network/covenant_dcom_iertutil_dll_hijack_WORKSTATION5_2020-10-09183000.cap, late-join:30%, dcomexec",
    })
    void theAttackIsStillDetected(String capture, String mode, String type) throws Exception {
        Path pcap = Captures.pub(OTRF + capture);
        CaptureDetection.Result r = CaptureDetection.run(List.of(pcap), CaptureConfig.DEFAULTS, EngineConfig.defaults(),
                p -> { }, Perturbation.parse(mode), 1);
        assertNull(r.failure());
        Set<String> raised = new TreeSet<>();
        for (Alert a : r.alerts()) {
            raised.add(a.analysis().attackType().id());
        }
        assertTrue(raised.contains(type), capture + " under " + mode + ": raised " + raised);
    }
}
