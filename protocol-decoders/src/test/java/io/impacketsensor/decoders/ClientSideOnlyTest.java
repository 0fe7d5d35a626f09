package io.impacketsensor.decoders;

import io.impacketsensor.core.event.DcerpcEvent.DcerpcBind;
import io.impacketsensor.core.event.KerberosEvent.KerberosRequest;
import io.impacketsensor.core.event.LdapEvent.LdapSearch;
import io.impacketsensor.core.event.NtlmEvent.NtlmAuthenticate;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.Cuts;
import io.impacketsensor.core.testkit.Replay;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A copy of the clients' side alone ({@link Cuts#clientSide}: an RX-only mirror on the servers'
 * port, asymmetric routing) of real lab captures: what the client does reaches the engine in the
 * order the client did it, although no answer ever comes.
 */
class ClientSideOnlyTest {

    private static List<SensorEvent> events(List<Replay.Frame> frames) throws Exception {
        List<SensorEvent> events = new ArrayList<>();
        Replay.run(frames, Decoders.forWorker(), FlowLimits.DEFAULTS, events::add, (n, v) -> { });
        return events;
    }

    /** "ntlm 445 STATUS" for the SMB AUTHENTICATE and "bind 135" for the DCOM activator BIND, in event order. */
    private static List<String> authThenActivation(List<SensorEvent> events) {
        List<String> out = new ArrayList<>();
        for (SensorEvent e : events) {
            if (e instanceof NtlmAuthenticate a && a.header().serverPort() == 445) {
                out.add("ntlm 445 " + a.user() + " " + (a.status() == SensorEvent.NO_STATUS ? "unknown" : a.status()));
            } else if (e instanceof DcerpcBind b && b.header().serverPort() == 135) {
                out.add("bind 135");
            }
        }
        return out;
    }

    @Test
    void anAuthenticateTheServerNeverAnswersGoesOutBeforeWhatTheClientDoesNext() throws Exception {
        // wmiexec against Samba (tshark): the SMB2 SESSION_SETUP with lab.test\Administrator's AUTHENTICATE
        // (frame 7 of the client's side) comes before the ISystemActivator BIND on 135 (frame 10); the
        // SMB connection is closed only after it. The server's side is absent: the AUTHENTICATE cannot
        // wait for its SESSION_SETUP result, which would put it after the BIND.
        List<Replay.Frame> all = Replay.frames(Captures.lab("atk_wmiexec.pcap"));
        assertEquals(List.of("ntlm 445 Administrator unknown", "bind 135"),
                authThenActivation(events(Cuts.clientSide(all))));
        // Whole, the AUTHENTICATE waits for its result as before: Samba accepted it.
        List<String> whole = authThenActivation(events(all));
        assertTrue(whole.contains("ntlm 445 Administrator 0"), whole.toString());
    }

    @Test
    void ldapRequestsAfterAnUnansweredBindGoOutBeforeWhatTheClientDoesNext() throws Exception {
        // GetNPUsers.py with alice's password (tshark, client's side): SASL BindRequest on 389 (frame 30), the
        // DONT_REQ_PREAUTH search (frame 33), then the AS-REQ for roast_me on 88 (frame 36). A client sends
        // nothing after a BindRequest until its BindResponse (RFC 4511 4.2.1): a request after an unanswered
        // bind shows that the copy has no server side, and the search is not held until the connection closes.
        List<Replay.Frame> all = Replay.frames(Captures.lab("atk_GetNPUsers_compat.pcap"));
        List<String> order = new ArrayList<>();
        for (SensorEvent e : events(Cuts.clientSide(all))) {
            if (e instanceof LdapSearch s && s.filter() != null && s.filter().contains("4194304")) {
                order.add("search " + (s.resultCode() == -1 ? "no result" : s.resultCode()));
            } else if (e instanceof KerberosRequest k && k.msgType() == 10 && k.cname() != null
                    && k.cname().toString().equals("roast_me")) {
                order.add("as-req roast_me");
            }
        }
        assertEquals(List.of("search no result", "as-req roast_me"), order);
        // Whole, the search waits for its result as before.
        List<String> whole = new ArrayList<>();
        for (SensorEvent e : events(all)) {
            if (e instanceof LdapSearch s && s.filter() != null && s.filter().contains("4194304")) {
                whole.add("search " + s.resultCode());
            }
        }
        assertEquals(List.of("search 0"), whole);
    }
}
