package io.impacketsensor.cli;

import io.impacketsensor.core.testkit.Captures;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Impacket examples proven on their lab runs: mssqlinstance.py asking the SQL Server Browser for
 * every instance (and FreeTDS asking the same), and kintercept.py rewriting a service's S4U2self on
 * its way to the KDC.
 */
class BrowserAndKerberosProxyCapturesTest {

    /**
     * mssqlinstance.py (both versions) sends CLNT_UCAST_EX, one byte 0x03, to ws01's UDP 1434: the
     * listing is recorded at monitor level, no alert.
     */
    @Test
    void mssqlinstanceListingIsRecordedBelowTheAlertThreshold() throws Exception {
        for (String c : new String[] {"atk_mssqlinstance.i010.pcap", "atk_mssqlinstance.i014.pcap"}) {
            CaptureRun r = CaptureRun.of(Captures.lab(c));
            assertEquals(Set.of(), r.types(), c);
            assertEquals(Set.of("sql_browser_instance_listing"), r.rules(), c);
        }
    }

    /**
     * FreeTDS's tsql -L sends the same byte (the same rule at monitor level); its lookup of one named
     * instance (CLNT_UCAST_INST) is no listing.
     */
    @Test
    void freeTdsSendsTheSameListingRequest() throws Exception {
        CaptureRun r = CaptureRun.of(Captures.lab("ben_sql_browser_tsql.pcap"));
        assertEquals(Set.of(), r.types());
        assertEquals(Set.of("sql_browser_instance_listing"), r.rules());
    }

    /**
     * kintercept.py between svc_web on ws01 and dc1: the victim's leg (PA-FOR-USER alice, HMAC-MD5)
     * raises nothing; the leg the proxy opens to the KDC carries Administrator with a CRC32 checksum
     * (tshark: kerberos.cksumtype 1 in frame 56 of the current version's run) and is the alert, whose
     * source is the proxy.
     */
    @Test
    void aRewrittenPaForUserIsRaisedOnTheProxysLeg() throws Exception {
        for (String c : new String[] {"atk_kintercept.i010.pcap", "atk_kintercept.i014.pcap"}) {
            CaptureRun r = CaptureRun.of(Captures.lab(c));
            assertTrue(r.rules().contains("s4u_for_user_unkeyed_checksum"), c + ": " + r.rules());
            assertEquals(Set.of("s4u_delegation_abuse@10.99.0.2"), r.attackers(), c);
        }
    }

    /** Every S4U2self of the other lab runs carries the keyed checksum: the rule stays silent there. */
    @Test
    void ordinaryS4u2selfRequestsKeepTheKeyedChecksum() throws Exception {
        for (String c : new String[] {"atk_getST_variants.i014.pcap", "atk_getPac.i010.pcap", "atk_getPac.i014.pcap",
                "atk_s4u_delegation.pcap"}) {
            assertFalse(CaptureRun.of(Captures.lab(c)).rules().contains("s4u_for_user_unkeyed_checksum"), c);
        }
    }
}
