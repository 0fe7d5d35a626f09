package io.impacketsensor.cli;

import io.impacketsensor.core.testkit.Captures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rpcmap.py -brute-uuids on its lab runs (the first 140 frames of each: tshark shows 12 (0.10) and
 * 14 (current) BIND_ACKs with provider_rejection / abstract_syntax_not_supported on \pipe\lsarpc
 * within two seconds), against Windows clients whose contexts are rejected for their transfer syntax
 * (kerberos_tso: 11 rejections with reason proposed_transfer_syntaxes_not_supported; net user: 5).
 */
class RpcInterfaceBruteForceCapturesTest {

    @Test
    void rejectedInterfacesOneAfterAnotherAreABruteForce() throws Exception {
        for (String c : new String[] {"atk_rpcmap_cut.i010.pcap", "atk_rpcmap_cut.i014.pcap"}) {
            CaptureRun r = CaptureRun.of(Captures.lab(c));
            assertTrue(r.rules().contains("behaviour_rpc_interface_brute_force"), c + ": " + r.rules());
            assertTrue(r.attackers().contains("rpc_enumeration@10.99.0.2"), c + ": " + r.attackers());
        }
    }

    /**
     * Transfer-syntax rejections, one or two interfaces rejected in an attack, and decoy contexts
     * rejected beside an accepted interface do not count.
     */
    @Test
    void transferSyntaxRejectionsAndSingleInterfacesDoNot() throws Exception {
        for (Path p : new Path[] {
                Captures.pub("zeek_zeek/testing/btest/Traces/krb/kerberos_tso.pcapng"),
                Captures.pub("401trg_detections/pcaps/20171220_smb_net_user.pcap"),
                // one BIND: SVCCTL beside 11 decoy UUIDs rejected as abstract syntax not supported
                Captures.pub("401trg_detections/pcaps/20171220_smb_metasploit_psexec_pth_download_meterpreter.pcap"),
                Captures.lab("atk_coerce.i014.pcap"), Captures.lab("atk_dcomexec.pcap")}) {
            CaptureRun r = CaptureRun.of(p);
            assertFalse(r.rules().contains("behaviour_rpc_interface_brute_force"), p + ": " + r.rules());
        }
    }
}
