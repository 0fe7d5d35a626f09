package io.impacketsensor.cli;

import io.impacketsensor.core.testkit.Captures;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * netview.py's sweep on its lab runs: NetrSessionEnum to dc1 and four file servers from one client
 * (tshark: "NetSessEnum request" to 10.99.0.1, .3, .5, .6, .7), and an administrator asking two
 * servers the same.
 */
class NetviewSweepCapturesTest {

    @Test
    void sessionsAskedOfFiveServersIsASweep() throws Exception {
        for (String c : new String[] {"atk_netview_sweep.i010.pcap", "atk_netview_sweep.i014.pcap"}) {
            CaptureRun r = CaptureRun.of(Captures.lab(c));
            assertTrue(r.rules().contains("behaviour_session_enum_sweep"), c + ": " + r.rules());
            assertTrue(r.attackers().contains("rpc_enumeration@10.99.0.2"), c + ": " + r.attackers());
        }
    }

    /** One target (the earlier single-host run) and an administrator's two servers stay below the sweep. */
    @Test
    void oneOrTwoServersAreNot() throws Exception {
        for (String c : new String[] {"atk_netview.i010.pcap", "atk_netview.i014.pcap", "ben_admin_sessions.pcap",
                "ben_admin_sessions_two.pcap"}) {
            CaptureRun r = CaptureRun.of(Captures.lab(c));
            assertFalse(r.rules().contains("behaviour_session_enum_sweep"), c + ": " + r.rules());
        }
        assertEquals(Set.of(), CaptureRun.of(Captures.lab("ben_admin_sessions_two.pcap")).attackers());
    }
}
