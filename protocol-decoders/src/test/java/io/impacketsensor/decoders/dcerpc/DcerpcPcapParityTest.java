package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.decoders.Decoders;

import io.impacketsensor.core.testkit.Replay;

import io.impacketsensor.core.testkit.Captures;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.SensorEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * End to end: each capture under src/test/resources/dcerpc/pcap through the real packet path and
 * decoder registry gives the same bind/op/create sets as tshark (expected files from
 * scripts/dcerpc/tshark_expect.py).
 */
class DcerpcPcapParityTest {
    /** The captures of this test, each stored once in sensor-core's test resources. */
    static final String INDEX = "/dcerpc/pcap/CAPTURES.tsv";

    static Stream<String> captures() throws IOException, URISyntaxException {
        return Captures.index(INDEX).keySet().stream().filter(n -> n.endsWith(".pcap"))
                .map(n -> n.substring(0, n.length() - 5)).sorted().toList().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void pipelineGivesTsharksBindsOperationsAndServices(String capture) throws Exception {
        Path dir = Path.of(Objects.requireNonNull(getClass().getResource("/dcerpc/pcap")).toURI());
        TreeSet<String> ours = DcerpcParityTest.ours(Replay.events(Captures.index(INDEX).get(capture + ".pcap"), Decoders.forWorker()));
        TreeSet<String> want = new TreeSet<>(Files.readAllLines(dir.resolve(capture + ".expected.txt"), StandardCharsets.UTF_8));
        want.remove("");
        assertEquals(String.join("\n", want), String.join("\n", ours), capture);
    }

    @Test
    void ntlmInsideTheDrsuapiBindGivesNtlmEventsThroughTheSharedTokenDecoder() throws Exception {
        List<SensorEvent> events = Replay.events(Captures.lab("atk_secretsdump_dcsync.pcap"), Decoders.forWorker());
        List<String> rpcNtlm = events.stream().filter(NtlmEvent.class::isInstance).map(NtlmEvent.class::cast)
                .filter(n -> n.carrier() == Carrier.DCERPC).map(n -> n.getClass().getSimpleName()).toList();
        assertEquals(List.of("NtlmNegotiate", "NtlmChallenge", "NtlmAuthenticate"), rpcNtlm);
    }

    /**
     * Each SMB1 pipe keeps its own context table: zeek mapi's port-139 connection binds lsarpc on
     * context 0 of eight pipes, and calls opnum 2 on context 0 of FID 0xa00c, opened and bound before
     * the capture (frames 1 and 64, call_ids 152 and 153). Neither call may borrow another pipe's
     * binding (tshark_expect.py used to, keying SMB1 pipes by TCP stream only).
     */
    @Test
    void smb1PipesDoNotShareContextIds() throws Exception {
        List<DcerpcEvent.DcerpcRequest> requests = Replay.events(Captures.fixture("zeek_mapi_smb1.pcap"), Decoders.forWorker()).stream()
                .filter(DcerpcEvent.DcerpcRequest.class::isInstance).map(DcerpcEvent.DcerpcRequest.class::cast).toList();
        List<String> unbound = requests.stream().filter(r -> r.interfaceUuid() == null)
                .map(r -> r.callId() + ":" + r.opnum()).toList();
        assertEquals(List.of("152:2", "153:2"), unbound);
        UUID lsarpc = UUID.fromString("12345778-1234-abcd-ef00-0123456789ab");
        assertEquals(requests.size() - 2, requests.stream().filter(r -> lsarpc.equals(r.interfaceUuid())).count());
    }
}
