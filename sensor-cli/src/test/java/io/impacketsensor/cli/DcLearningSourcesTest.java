package io.impacketsensor.cli;

import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.config.EngineConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What showed each learned domain controller to be one, counted in the engine's statistics
 * ({@code dcs_learned} of the stats record, {@code impacket_sensor_dcs_learned} of /metrics), on real
 * captures through the whole packet path.
 */
class DcLearningSourcesTest {

    private static Map<String, Long> learned(Path pcap) throws Exception {
        AtomicReference<ImpacketProtection> engine = new AtomicReference<>();
        CaptureDetection.Result r = CaptureDetection.run(List.of(pcap), CaptureConfig.DEFAULTS, EngineConfig.defaults(),
                engine::set);
        assertNull(r.failure());
        return engine.get().getStatistics().dcsLearned();
    }

    @Test
    void aCldapPingAnsweredWithDsDsFlagShowsADc() throws Exception {
        // suricata-verify ldap-udp: one CLDAP ping, answered by the Samba DC with flags 0x11bd.
        Map<String, Long> m = learned(Captures.pub("OISF_suricata-verify/tests/ldap-udp/cldap.pcap"));
        assertEquals(1L, m.get("cldap"), m.toString());
        assertEquals(1L, m.values().stream().mapToLong(Long::longValue).sum(), m.toString());
    }

    @Test
    void aRootDseNamingItsNtdsSettingsShowsADc() throws Exception {
        // ntlmrelayx reads the rootDSE anonymously before its relayed bind, which the DC refuses.
        Map<String, Long> m = learned(Captures.lab("atk_ntlmrelayx_ldap.pcap"));
        assertEquals(1L, m.get("rootdse"), m.toString());
    }

    @Test
    void theJoiningDcIsLearnedByItsPromotionAndDc1ByItsDrsuapiBind() throws Exception {
        Map<String, Long> m = learned(Captures.fixture("lab_dc2_join_dcsync.pcap"));
        assertEquals(1L, m.get("promotion"), m.toString());
        assertEquals(1L, m.get("drsuapi_bind"), m.toString());
    }
}
