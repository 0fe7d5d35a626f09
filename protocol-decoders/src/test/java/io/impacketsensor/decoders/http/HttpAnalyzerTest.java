package io.impacketsensor.decoders.http;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.HttpEvent.HttpRequest;
import io.impacketsensor.core.event.HttpEvent.HttpResponse;
import io.impacketsensor.core.event.HttpEvent.UriClass;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.Decoders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP analyzer: framing of synthetic messages (split anywhere, pipelined, chunked, over the
 * limits, malformed) and the NTLM and Kerberos logins of the lab and public captures.
 */
class HttpAnalyzerTest {

    private final HttpCounters counters = new HttpCounters();

    private HttpAnalyzer analyzer(RecordingContext ctx, HttpLimits limits) {
        return new HttpAnalyzer(ctx, limits, counters, Decoders.tokenDecoder(DecoderConfig.defaults()));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Delivers {@code data} in pieces of {@code step} bytes; false when the analyzer gave the flow up. */
    private static boolean feed(HttpAnalyzer a, Direction d, byte[] data, int step) {
        for (int i = 0; i < data.length; i += step) {
            if (!a.onData(d, data, i, Math.min(step, data.length - i))) {
                return false;
            }
        }
        return true;
    }

    // Synthetic: a keep-alive connection with three pipelined requests (a body by Content-Length, a
    // chunked body with an extension and a trailer, none) and their responses (chunked, by length, HEAD).
    private static final String REQUESTS = "POST /certsrv/certfnsh.asp HTTP/1.1\r\nHost: dc1.lab.test\r\n"
            + "Content-Length: 11\r\n\r\nMode=newreq"
            + "PUT /EWS/Exchange.asmx HTTP/1.1\r\nHost: mail\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4;ext=1\r\nabcd\r\n0\r\nX-Trailer: y\r\n\r\n"
            + "HEAD /wsman HTTP/1.1\r\nHost: srv:5985\r\nUser-Agent: Microsoft WinRM Client\r\n\r\n";
    private static final String RESPONSES = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n"
            + "HTTP/1.1 100 Continue\r\n\r\n"
            + "HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhello"
            + "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n";

    @Test
    void pipelinedMessagesStayInStepWhateverTheSegmentation() {
        for (int step : new int[]{1, 3, 7, 64, 10_000}) {
            RecordingContext ctx = new RecordingContext(Transport.TCP, 80);
            HttpAnalyzer a = analyzer(ctx, HttpLimits.DEFAULTS);
            assertTrue(feed(a, Direction.TO_SERVER, ascii(REQUESTS), step));
            assertTrue(feed(a, Direction.TO_CLIENT, ascii(RESPONSES), step));
            a.onClose();
            List<HttpRequest> req = ctx.of(HttpRequest.class);
            assertEquals(List.of("POST", "PUT", "HEAD"), req.stream().map(HttpRequest::method).toList(), "step " + step);
            assertEquals(List.of(UriClass.ADCS, UriClass.EWS, UriClass.WINRM),
                    req.stream().map(HttpRequest::uriClass).toList());
            assertEquals(11, req.get(0).contentLength());
            assertEquals(-2, req.get(1).contentLength());
            assertEquals("srv:5985", req.get(2).host());
            assertEquals("Microsoft WinRM Client", req.get(2).userAgent());
            List<HttpResponse> resp = ctx.of(HttpResponse.class);
            assertEquals(List.of(200, 201, 200), resp.stream().map(HttpResponse::status).toList(), "step " + step);
            for (int i = 0; i < 3; i++) {
                assertEquals(req.get(i), resp.get(i).request(), "response " + i + " answers request " + i);
            }
            assertEquals(List.of(), ctx.anomalies());
        }
    }

    @Test
    void webDavIsTheMiniRedirectorsPropfindOrOptions() {
        RecordingContext ctx = new RecordingContext(Transport.TCP, 80);
        HttpAnalyzer a = analyzer(ctx, HttpLimits.DEFAULTS);
        // Synthetic requests: the agent makes the class, the method too.
        String all = "PROPFIND /share HTTP/1.1\r\nUser-Agent: Microsoft-WebDAV-MiniRedir/10.0.19045\r\n\r\n"
                + "GET /share HTTP/1.1\r\nUser-Agent: Microsoft-WebDAV-MiniRedir/10.0.19045\r\n\r\n"
                + "OPTIONS / HTTP/1.1\r\nUser-Agent: Microsoft-WebDAV-MiniRedir/10.0\r\n\r\n"
                + "GET /certsrvx HTTP/1.1\r\n\r\nGET http://proxy.example/CertSrv/ HTTP/1.1\r\n\r\n";
        byte[] b = ascii(all);
        assertTrue(a.onData(Direction.TO_SERVER, b, 0, b.length));
        assertEquals(List.of(UriClass.WEBDAV, UriClass.NONE, UriClass.WEBDAV, UriClass.NONE, UriClass.ADCS),
                ctx.of(HttpRequest.class).stream().map(HttpRequest::uriClass).toList());
    }

    @Test
    void aHeaderSectionOverTheLimitIsReportedAndTheFlowSkipped() {
        RecordingContext ctx = new RecordingContext(Transport.TCP, 80);
        HttpAnalyzer a = analyzer(ctx, new HttpLimits(256, 8, 64, 1));
        // Synthetic: a 300-byte field, split over two deliveries.
        byte[] b = ascii("GET / HTTP/1.1\r\nX-Long: " + "a".repeat(300) + "\r\n\r\n");
        assertTrue(a.onData(Direction.TO_SERVER, b, 0, 100));
        assertFalse(a.onData(Direction.TO_SERVER, b, 100, b.length - 100));
        assertEquals(List.of("http.header_too_long"), ctx.anomalies());
        assertEquals(1, counters.skippedFlows);
    }

    @Test
    void tooManyFieldsBadFramingAndBadChunksSkipTheFlow() {
        String[][] cases = {
                {"GET / HTTP/1.1\r\n" + "A: b\r\n".repeat(9) + "\r\n", "http.too_many_fields"},
                {"POST / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n", "http.bad_framing"},
                {"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "http.bad_framing"},
                {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "http.bad_framing"},
                {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "http.bad_chunk"},
                {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX", "http.bad_chunk"},
                {"GET / HTTP/1.1\r\nNo colon here\r\n\r\n", "http.malformed_field"},
                {"GET / HTTP/1.1\r\nName : value\r\n\r\n", "http.malformed_field"},
                {"GET /\r\n\r\n", "http.malformed_start_line"},
                {"GET / HTTP/2.0\r\n\r\n", "http.malformed_start_line"},
        };
        for (String[] c : cases) {
            RecordingContext ctx = new RecordingContext(Transport.TCP, 80);
            HttpAnalyzer a = analyzer(ctx, new HttpLimits(4096, 8, 64, 4));
            byte[] b = ascii(c[0]); // synthetic
            assertFalse(a.onData(Direction.TO_SERVER, b, 0, b.length), c[0]);
            assertEquals(List.of(c[1]), ctx.anomalies(), c[0]);
            // Given up: nothing more is read.
            assertFalse(a.onData(Direction.TO_SERVER, b, 0, b.length));
            a.onClose();
        }
    }

    @Test
    void credentialsThatAreNotBase64AreReportedAndTheFlowGoesOn() {
        RecordingContext ctx = new RecordingContext(Transport.TCP, 80);
        HttpAnalyzer a = analyzer(ctx, HttpLimits.DEFAULTS);
        byte[] b = ascii("GET / HTTP/1.1\r\nAuthorization: NTLM !!!notbase64\r\n\r\nGET /next HTTP/1.1\r\n\r\n"); // synthetic
        assertTrue(a.onData(Direction.TO_SERVER, b, 0, b.length));
        assertEquals(List.of("http.bad_auth_token"), ctx.anomalies());
        assertEquals(2, ctx.of(HttpRequest.class).size());
        assertEquals("NTLM", ctx.of(HttpRequest.class).get(0).authScheme());
    }

    @Test
    void aGapResynchronisesAtTheNextRequestAndForgetsThePairing() {
        RecordingContext ctx = new RecordingContext(Transport.TCP, 80);
        HttpAnalyzer a = analyzer(ctx, HttpLimits.DEFAULTS);
        byte[] first = ascii("POST /a HTTP/1.1\r\nContent-Length: 100\r\n\r\n0123"); // synthetic
        byte[] rest = ascii("tail of the lost body\r\nGET /b HTTP/1.1\r\n\r\n");
        byte[] next = ascii("GET /c HTTP/1.1\r\n\r\n");
        assertTrue(a.onData(Direction.TO_SERVER, first, 0, first.length));
        assertTrue(a.onGap(Direction.TO_SERVER, 50));
        assertTrue(a.onData(Direction.TO_SERVER, rest, 0, rest.length));
        assertTrue(a.onData(Direction.TO_SERVER, next, 0, next.length));
        assertEquals(List.of("/a", "/c"), ctx.of(HttpRequest.class).stream().map(HttpRequest::uri).toList());
        // The request before the gap is reported without its response.
        assertEquals(-1, ctx.of(HttpResponse.class).get(0).status());
        assertEquals(List.of("http.gap"), ctx.anomalies());
    }

    @Test
    void tlsIsCountedAndNotInspected() {
        RecordingContext ctx = new RecordingContext(Transport.TCP, 443);
        HttpAnalyzer a = analyzer(ctx, HttpLimits.DEFAULTS);
        byte[] hello = {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00}; // synthetic record header
        assertFalse(a.onData(Direction.TO_SERVER, hello, 0, hello.length));
        assertEquals(1, counters.tls);
        assertEquals(List.of(), ctx.events);
        // TLS on a port that is not HTTPS's (the any-port probe found it): skipped, not counted as HTTPS.
        HttpAnalyzer other = analyzer(new RecordingContext(Transport.TCP, 636), HttpLimits.DEFAULTS);
        assertFalse(other.onData(Direction.TO_SERVER, hello, 0, hello.length));
        assertEquals(1, counters.tls);
        assertEquals(1, counters.skippedFlows);
    }

    @Test
    void theProbeTakesRequestLinesStatusLinesAndTls() {
        HttpAnalyzerFactory f = new HttpAnalyzerFactory(HttpLimits.DEFAULTS, null);
        assertEquals("MATCH", f.probe(Transport.TCP, Direction.TO_SERVER, ascii("GET /x HTTP/1.1\r\n"), 0, 17).name());
        assertEquals("NEED_MORE", f.probe(Transport.TCP, Direction.TO_SERVER, ascii("GET /x HT"), 0, 9).name());
        assertEquals("NO_MATCH", f.probe(Transport.TCP, Direction.TO_SERVER, ascii("get /x HTTP/1.1\r\n"), 0, 17).name());
        assertEquals("NO_MATCH", f.probe(Transport.TCP, Direction.TO_SERVER, new byte[]{5, 0, 11, 3, 16, 0, 0, 0}, 0, 8).name());
        assertEquals("MATCH", f.probe(Transport.TCP, Direction.TO_CLIENT, ascii("HTTP/1.1 401 x"), 0, 14).name());
        assertEquals("MATCH", f.probe(Transport.TCP, Direction.TO_SERVER, new byte[]{0x16, 0x03, 0x01}, 0, 3).name());
        assertTrue(f.wantsPort(Transport.TCP, 5985) && f.wantsPort(Transport.TCP, 47001) && !f.wantsPort(Transport.UDP, 80));
    }

    /** Lab: two plain HTTP NTLM logins to an intranet site, each accepted (200). */
    @Test
    void labHttpNtlmLoginsAreNtlmEventsCarriedByHttpWithTheirOutcome() throws Exception {
        List<SensorEvent> ev = Replay.events(Captures.lab("ben_http_ntlm.pcap"), Decoders.forWorker());
        List<NtlmEvent.NtlmAuthenticate> auth = RecordingContext.of(ev, NtlmEvent.NtlmAuthenticate.class);
        assertEquals(List.of("da_carol", "alice"), auth.stream().map(NtlmEvent.NtlmAuthenticate::user).toList());
        for (NtlmEvent.NtlmAuthenticate x : auth) {
            assertEquals(Carrier.HTTP, x.carrier());
            assertEquals(0, x.status(), "200 after the AUTHENTICATE: accepted");
            assertEquals(2, x.ntlmVersion());
        }
        assertTrue(RecordingContext.of(ev, HttpRequest.class).stream().allMatch(r -> r.uriClass() == UriClass.ADCS));
    }

    /** Lab: an administrator's WinRM client (pywinrm) authenticating with NTLM to /wsman on 5985. */
    @Test
    void labWinRmNtlmLoginIsAnNtlmEventOnTheWinRmEndpoint() throws Exception {
        List<SensorEvent> ev = Replay.events(Captures.lab("ben_winrm_ntlm.pcap"), Decoders.forWorker());
        List<NtlmEvent.NtlmAuthenticate> auth = RecordingContext.of(ev, NtlmEvent.NtlmAuthenticate.class);
        assertEquals(1, auth.size());
        assertEquals("Administrator", auth.get(0).user());
        assertEquals(Carrier.HTTP, auth.get(0).carrier());
        assertEquals(0, auth.get(0).status(), "200 after the AUTHENTICATE: accepted");
        List<HttpRequest> req = RecordingContext.of(ev, HttpRequest.class);
        assertTrue(!req.isEmpty() && req.stream().allMatch(r -> r.uriClass() == UriClass.WINRM && r.method().equals("POST")
                && r.header().serverPort() == 5985), req.toString());
    }

    /** Lab: ntlmrelayx relays an SMB victim to AD CS web enrolment and posts a certificate request. */
    @Test
    void labRelayToWebEnrolmentPostsToCertfnsh() throws Exception {
        List<SensorEvent> ev = Replay.events(Captures.lab("atk_relay_smb_to_http.i014.pcap"),
                Decoders.forWorker());
        HttpRequest post = RecordingContext.of(ev, HttpRequest.class).stream().filter(r -> r.method().equals("POST"))
                .findFirst().orElseThrow();
        assertEquals("/certsrv/certfnsh.asp", post.uri());
        assertEquals(UriClass.ADCS, post.uriClass());
        List<NtlmEvent.NtlmAuthenticate> http = RecordingContext.of(ev, NtlmEvent.NtlmAuthenticate.class).stream()
                .filter(x -> x.carrier() == Carrier.HTTP).toList();
        assertEquals(1, http.size());
        assertEquals("da_carol", http.get(0).user());
        assertEquals(0, http.get(0).status());
    }

    /** Public (OTRF): WinRM with Kerberos, the scheme WinRM names "Kerberos". */
    @Test
    void winRmKerberosTokensAreApRequestsCarriedByHttp() throws Exception {
        List<SensorEvent> ev = Replay.events(Captures.pub("OTRF_Security-Datasets/datasets/atomic/windows/lateral_movement/"
                + "network/purplesharp_ad_playbook_I_2020-10-22042947.cap"), Decoders.forWorker());
        List<KerberosEvent.KerberosApRequest> ap = RecordingContext.of(ev, KerberosEvent.KerberosApRequest.class).stream()
                .filter(x -> x.carrier() == Carrier.HTTP).toList();
        assertEquals(12, ap.size(), "tshark: 12 AP-REQs in HTTP frames");
        assertTrue(RecordingContext.of(ev, HttpRequest.class).stream().allMatch(r -> r.uriClass() == UriClass.WINRM));
    }
}
