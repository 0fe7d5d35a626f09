package io.impacketsensor.cli;

import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lab runs whose only evidence is the Impacket client itself, replayed through the pipeline: what
 * they raise, and what they must not be taken for.
 */
class ImpacketClientCapturesTest {

    private static Set<String> raised(String capture, Set<String> rules) throws Exception {
        CaptureDetection.Result r = CaptureDetection.run(Captures.lab(capture), CaptureConfig.DEFAULTS,
                EngineConfig.defaults());
        assertNull(r.failure());
        Set<String> types = new TreeSet<>();
        for (Alert a : r.alerts()) {
            types.add(a.analysis().attackType().id());
        }
        r.ruleHits().forEach((rule, n) -> {
            if (n > 0) {
                rules.add(rule.name());
            }
        });
        return types;
    }

    /**
     * rpcmap.py -brute-uuids offers IRemoteSCMActivator, among hundreds of UUIDs, on \pipe\lsarpc; the
     * server rejects it. That is not a DCOM activation: the run is the Impacket client and the UUID brute
     * force (rpc_enumeration), not wmiexec.
     */
    @Test
    void rpcmapUuidBruteForceIsNotTakenForDcomLateralMovement() throws Exception {
        for (String c : new String[] {"atk_rpcmap_cut.i010.pcap", "atk_rpcmap_cut.i014.pcap"}) {
            Set<String> rules = new TreeSet<>();
            assertEquals(Set.of("impacket_fingerprint", "rpc_enumeration"), raised(c, rules), c);
            assertTrue(rules.contains("impacket_dcerpc_bind") && rules.contains("impacket_smb_client_guid"), c + rules);
            assertTrue(!rules.contains("impacket_dcom_chain_step2"), c + rules);
        }
    }

    /**
     * Current Impacket's LDAP scripts seal everything after the bind: the bind's random message id and
     * the AUTHENTICATE's MIC without MsvAvFlags are what is left, and they name the client.
     */
    @Test
    void sealedLdapScriptsAreReportedByTheirBind() throws Exception {
        for (String c : new String[] {"atk_dacledit.i014.pcap", "atk_owneredit.i014.pcap", "atk_GetLAPSPassword.i014.pcap"}) {
            Set<String> rules = new TreeSet<>();
            assertEquals(Set.of("impacket_fingerprint"), raised(c, rules), c);
            assertTrue(rules.containsAll(Set.of("impacket_ldap_random_message_id", "impacket_ntlm_mic_without_av_flags")),
                    c + ": " + rules);
        }
        // Samba's own sealed LDAP (samba-tool, NTLM and GSSAPI) raises neither.
        for (String c : new String[] {"ben_samba_tool.pcap", "ben_admin_dsacl.pcap", "ben_ldap_gssapi.pcap"}) {
            Set<String> rules = new TreeSet<>();
            assertEquals(Set.of(), raised(c, rules), c);
            assertTrue(!rules.contains("impacket_ldap_random_message_id")
                    && !rules.contains("impacket_ntlm_mic_without_av_flags"), c + ": " + rules);
        }
    }
}
