package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest;
import io.impacketsensor.core.event.EndpointInterfaces;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.Cuts;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.decoders.Decoders;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A DRSUAPI connection picked up without its handshake: the lab's secretsdump DCSync (Impacket
 * 0.10.0 on Linux against Samba AD), whose client port (Linux ephemeral, 32768-60999) is below the
 * dynamic DCE/RPC port the endpoint mapper named (49153). The endpoint-mapper answer, not the
 * higher port, says which side is the server, so the requests are the client's and named by the
 * endpoint's interface.
 */
class MidStreamDirectionTest {
    private static boolean drsuapiPort(Replay.Frame f) {
        return Cuts.dstPort(f) == 49153 || Cuts.srcPort(f) == 49153;
    }

    @Test
    void theAnnouncedEndpointIsTheServerOfAConnectionPickedUpMidStream() throws Exception {
        List<Replay.Frame> frames = Replay.frames(Captures.lab("atk_secretsdump_dcsync.pcap"));
        int firstRequest = Cuts.first(frames, f -> drsuapiPort(f) && Cuts.rpc(Cuts.RPC_REQUEST).test(f));
        assertTrue(firstRequest > 0);
        // Every frame of the DRSUAPI connection before its first request: SYN, SYN-ACK, BIND, AUTH3.
        List<Replay.Frame> cut = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            if (!(i < firstRequest && drsuapiPort(frames.get(i)))) {
                cut.add(frames.get(i));
            }
        }
        List<SensorEvent> events = new ArrayList<>();
        EndpointInterfaces endpoints = new EndpointInterfaces();
        Replay.run(cut, Decoders.forWorker(), FlowLimits.DEFAULTS, e -> events.add(endpoints.resolve(e)), (n, v) -> { });
        List<String> drs = new ArrayList<>();
        for (SensorEvent e : events) {
            if (e instanceof DcerpcRequest r && (r.header().serverPort() == 49153 || r.header().clientPort() == 49153)) {
                assertEquals(49153, r.header().serverPort(), "the requests come from the client: " + r);
                assertTrue(r.header().clientPort() < 49153, "the client's port is the lower one: " + r);
                drs.add(r.opnum() + " " + RpcInterfaces.name(r.interfaceUuid()) + " " + r.interfaceSource().wireName());
            }
        }
        assertEquals(List.of("0 drsuapi endpoint", "16 drsuapi endpoint", "12 drsuapi endpoint", "3 drsuapi endpoint"), drs);
    }
}
