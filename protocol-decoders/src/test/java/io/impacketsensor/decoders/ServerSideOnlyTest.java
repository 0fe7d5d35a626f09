package io.impacketsensor.decoders;

import io.impacketsensor.core.event.DcerpcEvent.DcerpcBind;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcResponse;
import io.impacketsensor.core.event.EndpointInterfaces;
import io.impacketsensor.core.event.KerberosEvent.KerberosReply;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.Cuts;
import io.impacketsensor.core.testkit.Replay;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A copy of the servers' side alone ({@link Cuts#serverSide}: an RX-only mirror, asymmetric routing)
 * of real lab captures: the answers are decoded without their requests. Expected values are
 * tshark's on the same frames.
 */
class ServerSideOnlyTest {
    private static final UUID DRSUAPI = RpcInterfaces.uuid(RpcInterfaces.DRSUAPI);

    /** The events of the servers' side of a lab capture, after the events thread's endpoint knowledge. */
    private static List<SensorEvent> serverSide(String capture) throws Exception {
        return serverSide(Captures.lab(capture));
    }

    private static List<SensorEvent> serverSide(java.nio.file.Path capture) throws Exception {
        List<SensorEvent> events = new ArrayList<>();
        EndpointInterfaces endpoints = new EndpointInterfaces();
        Replay.run(Cuts.serverSide(Replay.frames(capture)), Decoders.forWorker(), FlowLimits.DEFAULTS,
                e -> events.add(endpoints.resolve(e)), (n, v) -> { });
        return events;
    }

    private static List<DcerpcResponse> responses(List<SensorEvent> events) {
        List<DcerpcResponse> out = new ArrayList<>();
        for (SensorEvent e : events) {
            if (e instanceof DcerpcResponse r) {
                out.add(r);
            }
        }
        return out;
    }

    @Test
    void endpointMapperAnswerNamesDrsuapiAndItsPortNamesTheAnswersThere() throws Exception {
        // secretsdump DCSync: tshark reads the 135 answer's tower as e3514235-... (DRSUAPI), port 49153;
        // the four answers on 49153 (alloc_hint 84, 900, 164, 156) answer DsBind, DsDomainControllerInfo,
        // DsCrackNames and DsGetNCChanges, which only the requests name.
        List<DcerpcResponse> rs = responses(serverSide("atk_secretsdump_dcsync.pcap"));
        List<String> epm = new ArrayList<>();
        List<String> drs = new ArrayList<>();
        for (DcerpcResponse r : rs) {
            if (r.header().serverPort() == 135) {
                RpcArgs.EpmMapResult m = (RpcArgs.EpmMapResult) r.result();
                epm.add(r.opnum() + " " + m.interfaceUuid() + " " + m.tcpPort());
            } else if (r.header().serverPort() == 49153) {
                drs.add((DRSUAPI.equals(r.interfaceUuid()) ? "drsuapi " : r.interfaceUuid() + " ") + r.opnum() + " "
                        + r.stubLength() + (r.sealed() ? " sealed" : ""));
            }
        }
        assertEquals(List.of("3 " + DRSUAPI + " 49153"), epm);
        assertEquals(List.of("drsuapi -1 84 sealed", "drsuapi -1 900 sealed", "drsuapi -1 164 sealed",
                "drsuapi -1 156 sealed"), drs);
    }

    @Test
    void pipeAnswersReadOverSmbAreNamedByTheBindAckPipe() throws Exception {
        // psexec: the READ answers carry no FileId; tshark: BIND_ACK secondary address \pipe\srvsvc, then
        // NetShareEnumAll's answer (alloc_hint 512); \pipe\svcctl, then OpenSCManagerW and OpenServiceW
        // (24 each) and a FAULT for CreateServiceW (Samba does not implement it).
        List<SensorEvent> events = serverSide("atk_psexec.pcap");
        int acks = 0;
        for (SensorEvent e : events) {
            if (e instanceof DcerpcBind b && b.requestLost()) {
                acks++;
            }
        }
        assertEquals(2, acks);
        List<String> answers = new ArrayList<>();
        for (DcerpcResponse r : responses(events)) {
            answers.add(RpcInterfaces.name(r.interfaceUuid()) + " " + r.opnum() + " " + r.stubLength());
        }
        assertEquals(List.of("srvsvc -1 512", "svcctl -1 24", "svcctl -1 24"), answers);
    }

    @Test
    void windowsSvcctlAnswersOverTransceiveAndTheCreatedService() throws Exception {
        // OTRF covenant SharpSC create (Windows): ept_map answers on 135 (tshark: SVCCTL, port 50115,
        // 172.18.39.6), then two associations on \pipe\ntsvcs (the BIND_ACK's secondary address) over
        // FSCTL_PIPE_TRANSCEIVE; tshark names the answers ROpenSCManager2 (64), OpenServiceA, CloseServiceHandle,
        // then ROpenSCManager2, CreateServiceA (28 bytes: null tag pointer, a handle, ERROR_SUCCESS), two
        // CloseServiceHandle.
        List<String> epm = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        for (DcerpcResponse r : responses(serverSide(Captures.pub("OTRF_Security-Datasets/datasets/atomic/windows/"
                + "lateral_movement/network/covenant_sharpsc_create_dcerpc_smb_svcctl_2020-08-06022635.cap")))) {
            if (r.result() instanceof RpcArgs.EpmMapResult m) {
                epm.add(RpcInterfaces.name(r.interfaceUuid()) + " " + r.stubLength() + " " + RpcInterfaces.name(m.interfaceUuid())
                        + " " + m.tcpPort() + " " + m.ip());
            } else {
                answers.add(RpcInterfaces.name(r.interfaceUuid()) + " " + r.namedPipe() + " " + r.stubLength()
                        + (r.result() instanceof RpcArgs.ScmCreateServiceAnswer ? " created" : ""));
            }
        }
        assertEquals(List.of("epmapper 148 svcctl 50115 172.18.39.6", "epmapper 148 svcctl 50115 172.18.39.6"), epm);
        assertEquals(List.of("svcctl ntsvcs 24", "svcctl ntsvcs 24", "svcctl ntsvcs 24", "svcctl ntsvcs 24",
                "svcctl ntsvcs 28 created", "svcctl ntsvcs 24", "svcctl ntsvcs 24"), answers);
    }

    @Test
    void asRepWithoutItsRequestKeepsItsPaData() throws Exception {
        // GetNPUsers -k: tshark lists the AS-REP for roast_me's PA-DATA as 16, 15, 147, 2, 136, 655, 19, 11
        // (the methods Heimdal accepts, offered because the AS-REQ did not pre-authenticate); alice's
        // pre-authenticated AS-REP carries PA-ETYPE-INFO2 (19) only.
        List<String> replies = new ArrayList<>();
        for (SensorEvent e : serverSide("atk_GetNPUsers_compat.pcap")) {
            if (e instanceof KerberosReply r && r.msgType() == 11) {
                assertTrue(r.request() == null);
                replies.add(r.cname() + " " + r.padataTypes() + " " + r.encPartEtype());
            }
        }
        assertEquals(List.of("alice [19] 18", "roast_me [16, 15, 147, 2, 136, 655, 19, 11] 23"), replies);
    }
}
