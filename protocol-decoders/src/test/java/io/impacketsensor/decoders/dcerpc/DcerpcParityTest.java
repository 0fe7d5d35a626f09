package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.RpcArgs;
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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parity with tshark 4.0 on every capture under src/test/resources/dcerpc: the set of bind interface
 * UUIDs, of (interface, opnum) pairs, and the svcctl CreateServiceW name and binary path we decode
 * equal what scripts/dcerpc/tshark_expect.py recorded from tshark on the same capture.
 */
class DcerpcParityTest {

    static Stream<String> captures() throws IOException, URISyntaxException {
        Path dir = Path.of(Objects.requireNonNull(DcerpcParityTest.class.getResource("/dcerpc/streams")).toURI());
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".dcerpc.txt"))
                    .map(n -> n.substring(0, n.length() - ".dcerpc.txt".length())).sorted().toList().stream();
        }
    }

    /** Our events as the same set lines tshark_expect.py prints. */
    static TreeSet<String> ours(List<?> events) {
        TreeSet<String> out = new TreeSet<>();
        for (Object e : events) {
            if (e instanceof DcerpcEvent.DcerpcBind b) {
                for (DcerpcEvent.Context c : b.contexts()) {
                    out.add("bind " + c.interfaceUuid());
                }
            } else if (e instanceof DcerpcEvent.DcerpcRequest r) {
                // tshark names an interface only from a BIND it saw; an interface the decoder inferred
                // from the calls is checked against the BIND in SequenceInferenceTest instead.
                boolean named = r.interfaceUuid() != null && r.interfaceSource() != DcerpcEvent.InterfaceSource.INFERRED;
                out.add("op " + (named ? r.interfaceUuid() : "-") + " " + r.opnum());
                // tshark 4.0 decodes the arguments of CreateServiceW only (not 24/44/45).
                if (r.opnum() == 12 && r.args() instanceof RpcArgs.ScmCreateService c) {
                    out.add("create " + c.serviceName() + "\t" + c.binaryPath());
                }
                if (r.args() instanceof RpcArgs.DcomActivation d) {
                    out.add("activate " + d.clsid() + " " + d.iids().stream().map(java.util.UUID::toString)
                            .collect(java.util.stream.Collectors.joining(",")));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void sameBindsOperationsAndServicesAsTshark(String capture) throws IOException, URISyntaxException {
        PayloadReplay r = PayloadReplay.run("/dcerpc/streams/" + capture + ".dcerpc.txt");
        Path expected = Path.of(Objects.requireNonNull(
                getClass().getResource("/dcerpc/pcap/" + capture + ".expected.txt")).toURI());
        TreeSet<String> want = new TreeSet<>(Files.readAllLines(expected, StandardCharsets.UTF_8));
        want.remove("");
        assertEquals(String.join("\n", want), String.join("\n", ours(r.events)), capture);
    }

    @Test
    void everyLabCaptureWithDcerpcIsCovered() throws IOException, URISyntaxException {
        assertTrue(captures().count() >= 8, "fixtures missing");
    }
}
