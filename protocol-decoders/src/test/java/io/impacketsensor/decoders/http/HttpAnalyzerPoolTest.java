package io.impacketsensor.decoders.http;

import io.impacketsensor.core.event.HttpEvent.HttpRequest;
import io.impacketsensor.core.event.HttpEvent.HttpResponse;
import io.impacketsensor.core.event.NtlmEvent.NtlmNegotiate;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.testkit.PooledReplay;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.Decoders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP factory hands an ended flow's analyzer to the worker's next flow; it must decode exactly
 * as a new analyzer does.
 */
class HttpAnalyzerPoolTest {

    private static HttpAnalyzerFactory factory() {
        return new HttpAnalyzerFactory(HttpLimits.DEFAULTS, Decoders.tokenDecoder(DecoderConfig.defaults()));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Every project lab capture, each replayed through one factory right after the previous capture
     * cut at half its frames (requests left unanswered, header sections and bodies left half read),
     * and compared with the same capture through a new factory.
     */
    @Test
    void aPooledAnalyzerDecodesAsANewOne() throws Exception {
        HttpAnalyzerFactory http = factory();
        PooledReplay.Result r = PooledReplay.compare(List.of(http), () -> List.of(factory()),
                () -> http.pooled(), e -> true);
        assertTrue(r.reused() > 0, "flows ended with analyzers kept for the next");
        assertTrue(r.counted() > 0, "the captures hold HTTP events to compare");
    }

    /**
     * synthetic: a flow that used up its anomaly events and was left with a request unanswered and a
     * header section half read hands a clean analyzer to the next flow; a second close neither
     * flushes nor hands it out twice; the pool is bounded.
     */
    @Test
    void aReusedAnalyzerStartsClean() {
        HttpAnalyzerFactory factory = factory();
        RecordingContext first = new RecordingContext(Transport.TCP, 80);
        FlowAnalyzer a = factory.create(first);
        byte[] badToken = ascii("GET /a HTTP/1.1\r\nHost: srv\r\nAuthorization: NTLM !!!!\r\n\r\n");
        byte[] ok = ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        for (int i = 0; i < HttpAnalyzer.MAX_ANOMALY_EVENTS + 2; i++) {
            a.onData(Direction.TO_SERVER, badToken, 0, badToken.length);
            a.onData(Direction.TO_CLIENT, ok, 0, ok.length);
        }
        assertEquals(HttpAnalyzer.MAX_ANOMALY_EVENTS, RecordingContext.of(first.events, ProtocolAnomaly.class).size(),
                first.events::toString);
        byte[] get = ascii("GET /b HTTP/1.1\r\nHost: srv\r\n\r\n");
        a.onData(Direction.TO_SERVER, get, 0, get.length);
        a.onData(Direction.TO_SERVER, get, 0, 9);
        a.onClose();
        int firstEvents = first.events.size();
        a.onClose();
        assertEquals(firstEvents, first.events.size(), "a second close flushes nothing");
        assertEquals(1, factory.pooled());

        RecordingContext second = new RecordingContext(Transport.TCP, 80);
        assertSame(a, factory.create(second), "the ended flow's analyzer is reused");
        a.onData(Direction.TO_SERVER, badToken, 0, 20);
        a.onData(Direction.TO_SERVER, badToken, 20, badToken.length - 20);
        a.onData(Direction.TO_CLIENT, ok, 0, ok.length);
        assertEquals(firstEvents, first.events.size(), "nothing more goes to the ended flow");
        List<HttpRequest> requests = second.of(HttpRequest.class);
        assertEquals(1, requests.size(), "the split header section is read anew: " + second.events);
        assertEquals("/a", requests.get(0).uri());
        assertEquals(1, requests.get(0).txId(), "transactions are counted from the flow's start");
        assertEquals(200, second.of(HttpResponse.class).get(0).status());
        assertEquals(1, RecordingContext.of(second.events, ProtocolAnomaly.class).size(),
                "the next flow reports its own anomaly: " + second.events);

        assertNotSame(factory.create(new RecordingContext(Transport.TCP, 80)),
                factory.create(new RecordingContext(Transport.TCP, 80)), "handed out once");
        List<FlowAnalyzer> open = new ArrayList<>();
        for (int i = 0; i < HttpAnalyzerFactory.POOLED + 5; i++) {
            open.add(factory.create(new RecordingContext(Transport.TCP, 80)));
        }
        open.forEach(FlowAnalyzer::onClose);
        assertEquals(HttpAnalyzerFactory.POOLED, factory.pooled());
    }

    /**
     * synthetic NTLM NEGOTIATE (MS-NLMP 2.2.1.1) naming an OEM domain and workstation: flags
     * NEGOTIATE_OEM, NTLM, OEM_DOMAIN_SUPPLIED, OEM_WORKSTATION_SUPPLIED; the two names after the
     * 32-byte header.
     */
    private static String negotiate(String domain, String workstation) {
        ByteBuffer b = ByteBuffer.allocate(32 + domain.length() + workstation.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("NTLMSSP\0")).putInt(1).putInt(0x3202);
        b.putShort((short) domain.length()).putShort((short) domain.length()).putInt(32);
        b.putShort((short) workstation.length()).putShort((short) workstation.length()).putInt(32 + domain.length());
        b.put(ascii(domain)).put(ascii(workstation));
        return Base64.getEncoder().encodeToString(b.array());
    }

    /**
     * synthetic: the worker's analyzers decode credentials into one array: a flow's short token
     * after another flow's long one is read at its own length, and each flow's login event names its
     * own client.
     */
    @Test
    void flowsSharingTheTokenArrayEachReadTheirOwnToken() {
        HttpAnalyzerFactory factory = factory();
        RecordingContext first = new RecordingContext(Transport.TCP, 80);
        RecordingContext second = new RecordingContext(Transport.TCP, 80);
        FlowAnalyzer a = factory.create(first);
        FlowAnalyzer b = factory.create(second);
        byte[] longToken = ascii("GET /a HTTP/1.1\r\nHost: srv\r\nAuthorization: NTLM "
                + negotiate("A-VERY-LONG-DOMAIN-NAME", "WORKSTATION-OF-A") + "\r\n\r\n");
        byte[] shortToken = ascii("GET /b HTTP/1.1\r\nHost: srv\r\nAuthorization: NTLM "
                + negotiate("B", "WB") + "\r\n\r\n");
        a.onData(Direction.TO_SERVER, longToken, 0, longToken.length);
        b.onData(Direction.TO_SERVER, shortToken, 0, shortToken.length);
        a.onData(Direction.TO_SERVER, shortToken, 0, shortToken.length);
        List<NtlmNegotiate> firstLogins = first.of(NtlmNegotiate.class);
        assertEquals(2, firstLogins.size(), first.events::toString);
        assertEquals("A-VERY-LONG-DOMAIN-NAME", firstLogins.get(0).domain());
        assertEquals("WORKSTATION-OF-A", firstLogins.get(0).workstation());
        assertEquals("B", firstLogins.get(1).domain());
        assertEquals("WB", firstLogins.get(1).workstation());
        List<NtlmNegotiate> secondLogins = second.of(NtlmNegotiate.class);
        assertEquals(1, secondLogins.size(), second.events::toString);
        assertEquals("B", secondLogins.get(0).domain());
        assertEquals("WB", secondLogins.get(0).workstation());
    }
}
