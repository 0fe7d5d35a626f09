package io.impacketsensor.decoders.smb2;

import io.impacketsensor.core.event.NtlmEvent.NtlmAuthenticate;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent.SmbSessionSetup;
import io.impacketsensor.core.event.SmbEvent.SmbTreeConnect;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.Cuts;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.decoders.Decoders;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lab's psexec (Impacket 0.10.0 against Samba, NTLM) with the frame of the final SESSION_SETUP
 * response left out ({@link Cuts}), as a lossy copy drops it: the server's success answer to the
 * TREE_CONNECT on that SessionId proves the session was established (MS-SMB2 3.3.5.2.9), so the
 * SESSION_SETUP and its AUTHENTICATE are reported as successful before the tree, not at close.
 */
class Smb2SessionResyncTest {
    private static List<SensorEvent> events(List<Replay.Frame> frames) {
        List<SensorEvent> out = new ArrayList<>();
        Replay.run(frames, Decoders.forWorker(), FlowLimits.DEFAULTS, out::add, (n, v) -> { });
        return out;
    }

    private static int index(List<SensorEvent> events, Class<?> type) {
        for (int i = 0; i < events.size(); i++) {
            if (type.isInstance(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aLostSessionSetupResponseIsProvedByTheNextSuccessOnTheSession() throws Exception {
        List<Replay.Frame> all = Replay.frames(Captures.lab("atk_psexec.pcap"));
        List<Replay.Frame> cut = Cuts.without(all, Cuts.smb2Success(Cuts.SMB2_SESSION_SETUP));
        assertEquals(all.size() - 1, cut.size(), "exactly the one successful SESSION_SETUP response is dropped");
        List<SensorEvent> ev = events(cut);
        int tree = index(ev, SmbTreeConnect.class);
        assertTrue(tree > 0);
        List<SmbSessionSetup> setups = new ArrayList<>();
        for (SensorEvent e : ev.subList(0, tree)) {
            if (e instanceof SmbSessionSetup s) {
                setups.add(s);
            }
        }
        assertEquals(2, setups.size(), ev.toString());
        assertEquals(Smb2Analyzer.STATUS_MORE_PROCESSING, setups.get(0).status());
        assertEquals(0, setups.get(1).status());
        assertEquals(((SmbTreeConnect) ev.get(tree)).sessionId(), setups.get(1).sessionId());
        int auth = index(ev, NtlmAuthenticate.class);
        assertTrue(auth >= 0 && auth < tree, "the AUTHENTICATE comes before the tree, not at close");
        assertEquals(0, ((NtlmAuthenticate) ev.get(auth)).status());
    }

    @Test
    void aFailureOnTheSessionProvesNothing() throws Exception {
        // Without the SESSION_SETUP response and every later response, nothing answers on the
        // session: the SESSION_SETUP stays without a status until the connection closes.
        List<Replay.Frame> all = Replay.frames(Captures.lab("atk_psexec.pcap"));
        int setup = Cuts.first(all, Cuts.smb2Success(Cuts.SMB2_SESSION_SETUP));
        List<Replay.Frame> cut = new ArrayList<>(all.subList(0, setup));
        for (Replay.Frame f : all.subList(setup + 1, all.size())) {
            if (Cuts.dstPort(f) == 445) {
                cut.add(f);
            }
        }
        List<SmbSessionSetup> setups = new ArrayList<>();
        for (SensorEvent e : events(cut)) {
            if (e instanceof SmbSessionSetup s) {
                setups.add(s);
            }
        }
        assertEquals(2, setups.size(), setups.toString());
        assertEquals(Smb2Analyzer.STATUS_MORE_PROCESSING, setups.get(0).status());
        assertEquals(SensorEvent.NO_STATUS, setups.get(1).status());
    }
}
