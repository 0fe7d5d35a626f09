package io.impacketsensor.decoders.smb1;

import io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest;
import io.impacketsensor.core.event.RpcArgs;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A copy of the client's side alone of an SMB1 session: the NT_CREATE_ANDX of {@code \svcctl} is
 * there, the response carrying the pipe's FID is not. The first WRITE_ANDX on that FID holds a
 * verified DCE/RPC BIND, so the FID is taken as a pipe and its calls are decoded (Metasploit psexec,
 * 401TRG's public capture).
 */
class Smb1ClientOnlyPipeTest {
    private static final String METERPRETER =
            "401trg_detections/pcaps/20171220_smb_metasploit_psexec_pth_download_meterpreter.pcap";

    private static List<DcerpcRequest> requests(List<Replay.Frame> frames) {
        List<SensorEvent> events = new ArrayList<>();
        Replay.run(frames, Decoders.forWorker(), FlowLimits.DEFAULTS, events::add, (n, v) -> { });
        List<DcerpcRequest> out = new ArrayList<>();
        for (SensorEvent e : events) {
            if (e instanceof DcerpcRequest r) {
                out.add(r);
            }
        }
        return out;
    }

    @Test
    void metasploitPsexecsServiceCreationIsDecodedFromTheClientsSideAlone() throws Exception {
        List<Replay.Frame> all = Replay.frames(Captures.pub(METERPRETER));
        List<DcerpcRequest> whole = requests(all);
        List<DcerpcRequest> client = requests(Cuts.clientSide(all));
        RpcArgs.ScmCreateService created = null;
        for (DcerpcRequest r : client) {
            if (r.args() instanceof RpcArgs.ScmCreateService c) {
                created = c;
            }
        }
        assertTrue(created != null && created.binaryPath() != null && created.binaryPath().contains("powershell"),
                String.valueOf(created));
        // The pipe is named by its BIND as in the whole capture: the same SVCCTL calls, in order.
        List<Integer> wholeOps = new ArrayList<>();
        whole.stream().filter(r -> RpcInterfaces.uuid(RpcInterfaces.SVCCTL).equals(r.interfaceUuid()))
                .forEach(r -> wholeOps.add(r.opnum()));
        List<Integer> clientOps = new ArrayList<>();
        client.stream().filter(r -> RpcInterfaces.uuid(RpcInterfaces.SVCCTL).equals(r.interfaceUuid()))
                .forEach(r -> clientOps.add(r.opnum()));
        assertEquals(wholeOps, clientOps);
    }
}
