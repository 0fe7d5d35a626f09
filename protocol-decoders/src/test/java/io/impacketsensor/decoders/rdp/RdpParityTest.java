package io.impacketsensor.decoders.rdp;

import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.RdpEvent;
import io.impacketsensor.core.event.RdpEvent.RdpConnectConfirm;
import io.impacketsensor.core.event.RdpEvent.RdpConnectRequest;
import io.impacketsensor.core.event.RdpEvent.RdpTlsHandshake;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.decoders.Decoders;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parity with tshark 4.0 on every committed capture with RDP: the Connection Request's cookie,
 * negotiation flags and requested protocols, the Confirm's negotiation type, flags and selected
 * protocol, the ClientHello's version, cipher suites, extension types, server name and supported
 * versions and JA3 hash, and the server's chosen version and suite must equal tshark's, as written by
 * {@code scripts/rdp-parity-expected.py} into {@code src/test/resources/rdp-parity/lab/<capture>.expected}.
 */
class RdpParityTest {

    static Set<String> lines(List<SensorEvent> events) {
        Set<String> out = new TreeSet<>();
        for (SensorEvent e : events) {
            if (!(e instanceof RdpEvent r)) {
                continue;
            }
            String port = String.valueOf(r.header().clientPort());
            if (r instanceof RdpConnectRequest q) {
                out.add(String.join("\t", port, "rdp_request",
                        q.cookie() != null ? q.cookie() : q.routingToken() != null ? q.routingToken() : "-",
                        hex(q.negFlags()), hex(q.requestedProtocols())));
            } else if (r instanceof RdpConnectConfirm c) {
                out.add(String.join("\t", port, "rdp_confirm", String.valueOf(c.negType()),
                        hex(c.flags()), hex(c.negType() == 2 ? c.selectedProtocol() : c.failureCode())));
            } else if (r instanceof RdpTlsHandshake t) {
                RdpEvent.ClientHello h = t.clientHello();
                if (h != null) {
                    out.add(String.join("\t", port, "tls_client_hello", hex(h.version()), hexes(h.cipherSuites()),
                            h.extensions().stream().map(String::valueOf).collect(Collectors.joining(",")),
                            h.serverName().isEmpty() ? "-" : h.serverName(), hexes(h.versions()), h.ja3Hash()));
                }
                if (t.cipherSuite() >= 0) {
                    out.add(String.join("\t", port, "tls_server_hello", hex(t.serverVersion()), hex(t.cipherSuite())));
                }
            }
        }
        return out;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String hexes(List<Integer> v) {
        return v.isEmpty() ? "-" : v.stream().map(RdpParityTest::hex).collect(Collectors.joining(","));
    }

    @TestFactory
    Stream<DynamicTest> committedCapturesMatchTshark() throws Exception {
        Path root = Path.of(RdpParityTest.class.getResource("/rdp-parity").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> p.toString().endsWith(".expected")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        return files.stream().map(exp -> DynamicTest.dynamicTest(exp.getFileName().toString(), () -> {
            String rel = root.relativize(exp).toString().replace('\\', '/').replaceAll("\\.expected$", "");
            List<SensorEvent> ev = Replay.events(Captures.path("/pcaps/" + rel), Decoders.forWorker());
            String expected = Files.readAllLines(exp, StandardCharsets.UTF_8).stream().filter(l -> !l.isEmpty())
                    .collect(Collectors.joining("\n"));
            assertEquals(expected, String.join("\n", lines(ev)), rel);
            assertTrue(RecordingContext.of(ev, ProtocolAnomaly.class).stream().noneMatch(a -> a.name().startsWith("rdp.")),
                    rel);
        }));
    }

    /** Every connection of the lab's RDP captures ends its cleartext part with one handshake record. */
    @Test
    void oneHandshakeRecordPerConnection() throws Exception {
        for (String name : List.of("atk_rdp_check.i010.pcap", "atk_rdp_check.i014.pcap", "ben_rdp_xfreerdp.pcap")) {
            List<SensorEvent> ev = Replay.events(Captures.lab(name), Decoders.forWorker());
            List<RdpTlsHandshake> t = RecordingContext.of(ev, RdpTlsHandshake.class);
            assertEquals(2, t.size(), name);
            for (RdpTlsHandshake h : t) {
                assertEquals(2, h.txId());
                assertEquals(2, h.selectedProtocol(), "PROTOCOL_HYBRID (CredSSP)");
                assertEquals(List.of(), h.x509Serials(), "TLS 1.3: the certificate is encrypted");
            }
        }
    }
}
