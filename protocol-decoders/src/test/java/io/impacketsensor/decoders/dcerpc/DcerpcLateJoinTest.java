package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest;
import io.impacketsensor.core.event.DcerpcEvent.InterfaceSource;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests whose BIND was not captured, on real captures with frames left out ({@link Cuts}): the
 * lab's secretsdump DCSync (Impacket 0.10.0 against Samba AD: ept_map on 135 for DRSUAPI, then
 * one connection to 49153 binding it and calling DsBind, DsDomainControllerInfo, DsCrackNames,
 * DsGetNCChanges) and the lab's psexec and lookupsid (SMB2 pipes svcctl and lsarpc).
 */
class DcerpcLateJoinTest {
    private static final UUID DRSUAPI = RpcInterfaces.uuid(RpcInterfaces.DRSUAPI);
    private static final UUID SVCCTL = RpcInterfaces.uuid(RpcInterfaces.SVCCTL);
    private static final UUID LSARPC = RpcInterfaces.uuid(RpcInterfaces.LSARPC);

    private static List<Replay.Frame> dcsync() throws Exception {
        return Replay.frames(Captures.lab("atk_secretsdump_dcsync.pcap"));
    }

    /**
     * The requests of a replay, after the events thread's {@link EndpointInterfaces} (as
     * {@code replay} passes every event through it before the engine and the EVE writer).
     */
    static List<DcerpcRequest> requests(List<Replay.Frame> frames) {
        List<SensorEvent> events = new ArrayList<>();
        EndpointInterfaces endpoints = new EndpointInterfaces();
        Replay.run(frames, Decoders.forWorker(), FlowLimits.DEFAULTS, e -> events.add(endpoints.resolve(e)), (n, v) -> { });
        List<DcerpcRequest> out = new ArrayList<>();
        for (SensorEvent e : events) {
            if (e instanceof DcerpcRequest r) {
                out.add(r);
            }
        }
        return out;
    }

    /** "opnum interface source" of each request to DRSUAPI's port. */
    private static List<String> drs(List<DcerpcRequest> requests) {
        List<String> out = new ArrayList<>();
        for (DcerpcRequest r : requests) {
            if (r.header().serverPort() == 49153) {
                out.add(r.opnum() + " " + (r.interfaceUuid() == null ? "-" : RpcInterfaces.name(r.interfaceUuid()))
                        + " " + (r.interfaceSource() == null ? "-" : r.interfaceSource().wireName()));
            }
        }
        return out;
    }

    @Test
    void theWholeCaptureNamesEveryRequestFromItsBind() throws Exception {
        assertEquals(List.of("0 drsuapi bind", "16 drsuapi bind", "12 drsuapi bind", "3 drsuapi bind"),
                drs(requests(dcsync())));
    }

    @Test
    void withoutTheBindTheEndpointMapperAnswerNamesDrsuapi() throws Exception {
        // The BIND, its ack and the AUTH3 of the DRSUAPI connection dropped: the ept_map answer on 135
        // said DRSUAPI listens on 49153.
        List<Replay.Frame> cut = Cuts.without(dcsync(), drsBind());
        assertEquals(List.of("0 drsuapi endpoint", "16 drsuapi endpoint", "12 drsuapi endpoint", "3 drsuapi endpoint"),
                drs(requests(cut)));
    }

    @Test
    void withoutTheBindAndTheEndpointMapperTheCallsAreInferred() throws Exception {
        // Nothing but the DRSUAPI calls themselves: DsBind, DsDomainControllerInfo and DsCrackNames
        // single out DRSUAPI; DsGetNCChanges is named.
        List<Replay.Frame> frames = dcsync();
        List<Replay.Frame> cut = Cuts.without(frames, drsBind().or(f -> Cuts.dstPort(f) == 135 || port(f, 135)));
        assertEquals(List.of("0 - -", "16 - -", "12 drsuapi inferred", "3 drsuapi inferred"), drs(requests(cut)));
    }

    @Test
    void aSecondSessionReusingTheContextIsNamedFromTheFirstConnectionsBind() throws Exception {
        // The same client to the same endpoint twice: first the whole DRSUAPI connection, then the same
        // connection's frames again, later (the client port reused), without its BIND, ack and AUTH3
        // (a second session on a context bound where the sensor did not see it). The second
        // connection's requests are named by what the first one bound there.
        List<Replay.Frame> frames = dcsync();
        List<Replay.Frame> drsuapi = new ArrayList<>();
        for (Replay.Frame f : frames) {
            if (Cuts.dstPort(f) == 49153 || port(f, 49153)) {
                drsuapi.add(f);
            }
        }
        List<Replay.Frame> second = new ArrayList<>();
        long later = 600_000_000_000L;
        for (Replay.Frame f : Cuts.without(drsuapi, drsBind())) {
            second.add(new Replay.Frame(f.linkType(), f.tsNanos() + later, f.data(), f.wirelen()));
        }
        List<Replay.Frame> both = new ArrayList<>(drsuapi);
        both.addAll(second);
        assertEquals(List.of("0 drsuapi bind", "16 drsuapi bind", "12 drsuapi bind", "3 drsuapi bind",
                "0 drsuapi endpoint", "16 drsuapi endpoint", "12 drsuapi endpoint", "3 drsuapi endpoint"),
                drs(requests(both)));
    }

    @Test
    void pipesWhoseBindWasNotCapturedAreNamedByThePipeOrTheirCalls() throws Exception {
        // psexec: svcctl opened, its BIND lost: the pipe name says SVCCTL (MS-SCMR 2.1).
        List<Replay.Frame> psexec = Replay.frames(Captures.lab("atk_psexec.pcap"));
        List<DcerpcRequest> scm = new ArrayList<>();
        for (DcerpcRequest r : requests(Cuts.without(psexec,
                Cuts.rpcAnywhere(Cuts.RPC_BIND).or(Cuts.rpcAnywhere(Cuts.RPC_BIND_ACK))))) {
            if (SVCCTL.equals(r.interfaceUuid())) {
                scm.add(r);
                assertEquals(InterfaceSource.ENDPOINT, r.interfaceSource(), r.toString());
            }
        }
        assertTrue(scm.stream().anyMatch(r -> r.opnum() == 12 && r.args() != null), "RCreateServiceW decoded: " + scm);
        // lookupsid: lsarpc serves several interfaces, so the calls decide: LsarOpenPolicy2,
        // LsarQueryInformationPolicy2, then the LsarLookupSids walk (two calls of 1000 SIDs each).
        List<Replay.Frame> lookupsid = Replay.frames(Captures.lab("atk_lookupsid.pcap"));
        Map<String, Integer> lsa = sources(requests(Cuts.without(lookupsid,
                Cuts.rpcAnywhere(Cuts.RPC_BIND).or(Cuts.rpcAnywhere(Cuts.RPC_BIND_ACK)))), LSARPC);
        assertEquals(Map.of("inferred", 2), lsa);
    }

    /** The BIND, BIND_ACK and AUTH3 (PTYPE 16) of the DRSUAPI connection. */
    private static Predicate<Replay.Frame> drsBind() {
        Predicate<Replay.Frame> drs = f -> Cuts.dstPort(f) == 49153 || port(f, 49153);
        return drs.and(Cuts.rpc(Cuts.RPC_BIND).or(Cuts.rpc(Cuts.RPC_BIND_ACK)).or(Cuts.rpc(16)));
    }

    private static Map<String, Integer> sources(List<DcerpcRequest> requests, UUID iface) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (DcerpcRequest r : requests) {
            if (iface.equals(r.interfaceUuid())) {
                InterfaceSource s = r.interfaceSource();
                out.merge(s == null ? "-" : s.wireName(), 1, Integer::sum);
            }
        }
        return out;
    }

    private static boolean port(Replay.Frame f, int port) {
        int p = Cuts.tcpPayload(f);
        if (p < 0) {
            return false;
        }
        byte[] b = f.data();
        int l4 = 14 + (b[14] & 0x0F) * 4;
        return ((b[l4] & 0xFF) << 8 | (b[l4 + 1] & 0xFF)) == port;
    }

}
