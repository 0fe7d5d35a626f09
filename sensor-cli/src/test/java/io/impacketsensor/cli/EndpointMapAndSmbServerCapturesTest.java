package io.impacketsensor.cli;

import io.impacketsensor.core.testkit.Captures;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Impacket examples proven on their lab runs: rpcdump.py's endpoint-map listing (and Outlook's
 * lookup by interface, which is not one), Impacket as the SMB server (smbserver.py, karmaSMB.py)
 * with a Samba client connecting to it, sambaPipe.py's CVE-2017-7494 pipe open, and mimikatz.py
 * asking the endpoint mapper for mimikatz's RPC server.
 */
class EndpointMapAndSmbServerCapturesTest {

    /** rpcdump.py on 135 and over \pipe\epmapper, Impacket 0.10 and current, and the shared lab's older run. */
    @Test
    void rpcdumpListingTheEndpointMapIsRpcEnumeration() throws Exception {
        for (String c : new String[] {"atk_rpcdump.i010.pcap", "atk_rpcdump.i014.pcap", "atk_rpcdump.pcap"}) {
            CaptureRun r = CaptureRun.of(Captures.lab(c));
            assertTrue(r.types().contains("rpc_enumeration"), c + ": " + r.types());
            assertTrue(r.rules().containsAll(Set.of("epm_lookup_all_entries", "epm_lookup_all_entries_bulk")),
                    c + ": " + r.rules());
        }
    }

    /**
     * An administrator listing the same map with Samba's rpcclient epmlookup (one entry per call):
     * the listing is recorded at monitor level, no alert.
     */
    @Test
    void anAdministratorsEndpointMapListingStaysBelowTheAlertThreshold() throws Exception {
        CaptureRun r = CaptureRun.of(Captures.lab("ben_admin_epmlookup.pcap"));
        assertEquals(Set.of(), r.types());
        assertTrue(r.rules().contains("epm_lookup_all_entries"), r.rules().toString());
        assertFalse(r.rules().contains("epm_lookup_all_entries_bulk"), r.rules().toString());
    }

    /** Outlook's ept_lookup by interface (NSPI) and its ept_map calls are name resolution, not a listing. */
    @Test
    void outlookLookingUpOneInterfaceIsNot() throws Exception {
        CaptureRun r = CaptureRun.of(Captures.pub("zeek_zeek/testing/btest/Traces/dce-rpc/mapi.pcap"));
        assertFalse(r.rules().contains("epm_lookup_all_entries"), r.rules().toString());
        assertEquals(Set.of(), r.types());
    }

    /**
     * smbserver.py and karmaSMB.py answer ws01's Samba client: the alert names the attacker's server
     * (10.99.0.2) by its ServerGuid, its constant NTLM challenge and its CHALLENGE VERSION.
     */
    @Test
    void impacketSmbServersAreRecognisedByTheirAnswers() throws Exception {
        for (String c : new String[] {"atk_smbserver.i010.pcap", "atk_smbserver.i014.pcap", "atk_karmaSMB.i010.pcap",
                "atk_karmaSMB.i014.pcap"}) {
            CaptureRun r = CaptureRun.of(Captures.lab(c));
            assertEquals(Set.of("impacket_fingerprint"), r.types(), c);
            assertTrue(r.rules().containsAll(Set.of("impacket_smbserver", "impacket_smbserver_challenge",
                    "impacket_smbserver_ntlm_version")), c + ": " + r.rules());
            assertEquals(Set.of("impacket_fingerprint@10.99.0.2"), r.attackers(), c);
        }
    }

    /**
     * sambaPipe.py uploads lab.so to ADMIN$ and opens //(share path)/lab.so as a pipe on IPC$ (tshark
     * frame 38 of the current version's run); the patched Samba answers STATUS_OBJECT_NAME_NOT_FOUND.
     */
    @Test
    void sambaPipeOpeningALibraryAsAPipeIsTheExploit() throws Exception {
        for (String c : new String[] {"atk_sambaPipe.i010.pcap", "atk_sambaPipe.i014.pcap"}) {
            CaptureRun r = CaptureRun.of(Captures.lab(c));
            assertTrue(r.types().contains("samba_pipe_exploit"), c + ": " + r.types());
            assertTrue(r.rules().contains("samba_pipe_path"), c + ": " + r.rules());
            assertTrue(r.attackers().contains("samba_pipe_exploit@10.99.0.2"), c + ": " + r.attackers());
        }
        // the same administrator's ordinary SMB work (shares, put, get, SYSVOL listing) opens no pipe by path
        assertFalse(CaptureRun.of(Captures.lab("atk_smbclient_ops.i014.pcap")).rules().contains("samba_pipe_path"));
    }

    /**
     * mimikatz.py asks the endpoint mapper for interface 17fc11e9-c258-4b8d-8d07-2f4125156244 over
     * \pipe\epmapper and then on 135 (tshark: "EPM Map request"); no server registered it in the lab.
     */
    @Test
    void mimikatzClientLookingUpItsServerIsNamed() throws Exception {
        for (String c : new String[] {"atk_mimikatz.i010.pcap", "atk_mimikatz.i014.pcap"}) {
            CaptureRun r = CaptureRun.of(Captures.lab(c));
            assertTrue(r.types().contains("mimikatz_rpc"), c + ": " + r.types());
            assertTrue(r.rules().contains("mimikatz_rpc_lookup"), c + ": " + r.rules());
        }
        // rpcdump lists the map and secretsdump maps DRSUAPI: neither asks for mimikatz's interface
        assertFalse(CaptureRun.of(Captures.lab("atk_rpcdump.i014.pcap")).rules().contains("mimikatz_rpc_lookup"));
        assertFalse(CaptureRun.of(Captures.lab("atk_secretsdump_modes.i014.pcap")).rules().contains("mimikatz_rpc_lookup"));
    }
}
