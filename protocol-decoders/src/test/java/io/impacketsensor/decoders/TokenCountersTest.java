package io.impacketsensor.decoders;

import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.Replay;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared token decoder's counters ({@code proto.gssapi.*}, {@code proto.ntlmssp.*}) are
 * reported once per worker with the other decoders' counters, and move with the tokens of a lab
 * capture.
 */
class TokenCountersTest {

    private static Map<String, Long> replay(String capture, List<SensorEvent> events) throws Exception {
        List<AnalyzerFactory> factories = Decoders.forWorker();
        events.addAll(Replay.events(Captures.lab(capture), factories));
        Map<String, Long> counters = new HashMap<>();
        for (AnalyzerFactory f : factories) {
            f.reportCounters((name, value) -> {
                Long old = counters.put(name, value);
                assertEquals(null, old, name + " reported twice in one worker");
            });
        }
        return counters;
    }

    private static long count(List<SensorEvent> events, Class<?> type) {
        return events.stream().filter(type::isInstance).count();
    }

    @Test
    void ntlmLoginsOverSmb2MoveTheGssapiAndNtlmsspCounters() throws Exception {
        List<SensorEvent> events = new java.util.ArrayList<>();
        // lab: smbclient with a password against Samba, NTLMSSP inside SPNEGO in SESSION_SETUP.
        Map<String, Long> c = replay("ben_smb_ntlm_files.pcap", events);
        long ntlm = count(events, NtlmEvent.NtlmNegotiate.class) + count(events, NtlmEvent.NtlmChallenge.class)
                + count(events, NtlmEvent.NtlmAuthenticate.class);
        assertTrue(ntlm >= 3, "NTLM events " + ntlm);
        assertEquals(ntlm, c.get("proto.ntlmssp.pdus"), "every NTLMSSP message becomes one event");
        assertEquals(count(events, NtlmEvent.NtlmAuthenticate.class), c.get("proto.ntlmssp.authenticate"));
        assertEquals(0L, c.get("proto.ntlmssp.parser_error"));
        assertEquals(ntlm, c.get("proto.gssapi.ntlmssp"), "each NTLMSSP message came in one token");
        assertTrue(c.get("proto.gssapi.pdus") >= ntlm, "tokens " + c.get("proto.gssapi.pdus"));
        assertEquals(0L, c.get("proto.gssapi.kerberos"));
        assertEquals(0L, c.get("proto.gssapi.parser_error"));
    }

    @Test
    void kerberosLoginsOverSmb2CountGssapiKerberosTokens() throws Exception {
        List<SensorEvent> events = new java.util.ArrayList<>();
        // lab: smbclient --use-kerberos against Samba, a KRB5 AP-REQ inside SPNEGO in SESSION_SETUP.
        Map<String, Long> c = replay("ben_smb_kerberos.pcap", events);
        assertTrue(count(events, KerberosEvent.KerberosApRequest.class) > 0, "AP-REQ events");
        assertTrue(c.get("proto.gssapi.kerberos") >= count(events, KerberosEvent.KerberosApRequest.class),
                "gssapi kerberos tokens " + c.get("proto.gssapi.kerberos"));
        assertEquals(0L, c.get("proto.ntlmssp.pdus"));
    }
}
