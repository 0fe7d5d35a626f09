package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.impacketsensor.detection.state.FileBlocklistStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API as an attacker meets it: without the token, from a browser, from the future, slowly. */
class ApiSecurityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** synthetic: the psexec event of the engine's usage example, from {@code src}. */
    static String psexec(String src) {
        return "{\"source_ip\":\"" + src + "\",\"dest_ip\":\"10.1.1.10\",\"protocol\":\"smb\","
                + "\"event_type\":\"service_creation\",\"share\":\"ADMIN$\",\"path\":\"\\\\PIPE\\\\PSEXESVC\","
                + "\"service_name\":\"PSEXESVC\",\"command\":\"cmd.exe\"}";
    }

    @TempDir
    Path dir;
    private Service service;
    private int port;
    private String token;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private void start(String yaml) throws Exception {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml.isEmpty() ? "{}" : yaml);
        SensorConfig cfg = SensorConfig.fromRoot(root).withOverrides(null, null, null, null, null, null, null,
                dir, "127.0.0.1:0", false);
        service = new Service(cfg);
        port = service.startHttp().getPort();
        token = Files.readString(dir.resolve(ApiToken.FILE)).strip();
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private HttpResponse<String> send(String method, String path, String body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One raw HTTP/1.1 request (headers as given, so Host and Origin can be forged); the status code. */
    private int raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(head.substring(9, 12));
        }
    }

    private List<String> blocked() throws Exception {
        List<String> out = new ArrayList<>();
        JSON.readTree(send("GET", "/blocklist", null, token).body()).get("entries").forEach(e -> out.add(e.get("ip").asText()));
        return out;
    }

    @Test
    void withoutTheTokenEveryStateChangingCallIs401AndChangesNothing() throws Exception {
        start("");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(ApiToken.FILE))),
                "the generated token is owner-only");
        assertTrue(token.length() >= 40, "256 random bits");
        assertEquals(200, send("POST", "/events", psexec("10.1.1.5"), token).statusCode());
        assertEquals(List.of("10.1.1.5"), blocked());
        String before = Files.readString(dir.resolve(FileBlocklistStore.FILE));
        HttpResponse<String> st = send("GET", "/stats", null, null);
        assertEquals(200, st.statusCode(), st.body());
        String stats = JSON.readTree(st.body()).get("detection").toString();

        for (String bearer : new String[] {null, "", "x", token.substring(1), token + "x", token.toUpperCase()}) {
            HttpResponse<String> r = send("POST", "/events", psexec("10.1.1.6"), bearer);
            assertEquals(401, r.statusCode(), "POST /events with " + bearer);
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), r.headers().toString());
            assertTrue(JSON.readTree(r.body()).get("error").asText().length() > 0);
            assertEquals(401, send("DELETE", "/blocklist/10.1.1.5", null, bearer).statusCode(), "DELETE with " + bearer);
            assertEquals(401, send("PUT", "/blocklist/10.1.1.5", "{}", bearer).statusCode());
        }
        assertEquals(List.of("10.1.1.5"), blocked(), "nothing blocked, nothing unblocked");
        assertEquals(before, Files.readString(dir.resolve(FileBlocklistStore.FILE)));
        assertEquals(stats, JSON.readTree(send("GET", "/stats", null, null).body()).get("detection").toString(),
                "no event was analysed");
        // reads are open on a loopback listener (http.read_auth: auto); /health always
        assertEquals(200, send("GET", "/blocklist", null, null).statusCode());
        assertEquals(200, send("GET", "/metrics", null, null).statusCode());
        assertEquals(200, send("GET", "/health", null, null).statusCode());
        assertEquals(200, send("DELETE", "/blocklist/10.1.1.5", null, token).statusCode());
        assertEquals(List.of(), blocked());
    }

    @Test
    void blocklistRemoveSendsTheTokenFromTheStateDirectory() throws Exception {
        start("");
        assertEquals(200, send("POST", "/events", psexec("10.1.1.5"), token).statusCode());
        Path wrong = dir.resolve("wrong-token");
        Files.writeString(wrong, "not-the-token-0123456789");
        Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
        java.io.StringWriter out = new java.io.StringWriter();
        int rc = Main.execute(new java.io.PrintWriter(out, true), new java.io.PrintWriter(new java.io.StringWriter()),
                "blocklist", "remove", "10.1.1.5", "--http", "127.0.0.1:" + port, "--token-file", wrong.toString());
        assertEquals(Main.EXIT_FAILURE, rc, out.toString());
        assertTrue(out.toString().contains("wrong bearer token"), out.toString());
        assertEquals(List.of("10.1.1.5"), blocked());
        out = new java.io.StringWriter();
        rc = Main.execute(new java.io.PrintWriter(out, true), new java.io.PrintWriter(new java.io.StringWriter()),
                "blocklist", "remove", "10.1.1.5", "--http", "127.0.0.1:" + port, "--state-dir", dir.toString());
        assertEquals(Main.EXIT_OK, rc, out.toString());
        assertEquals(List.of(), blocked());
    }

    @Test
    void readAuthTokenClosesTheReadsButNotHealth() throws Exception {
        start("http:\n  read_auth: token\n");
        for (String p : List.of("/stats", "/blocklist", "/metrics")) {
            assertEquals(401, send("GET", p, null, null).statusCode(), p);
            assertEquals(200, send("GET", p, null, token).statusCode(), p);
        }
        assertEquals(200, send("GET", "/health", null, null).statusCode());
    }

    @Test
    void aConfiguredTokenFileIsUsedAndAWorldReadableOneRefused() throws Exception {
        Path f = dir.resolve("my-token");
        Files.writeString(f, "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree("http:\n  token_file: " + f + "\n");
        SensorConfig cfg = SensorConfig.fromRoot(root).withOverrides(null, null, null, null, null, null, null,
                dir, "127.0.0.1:0", false);
        service = new Service(cfg);
        port = service.startHttp().getPort();
        assertEquals(200, send("POST", "/events", psexec("10.1.1.5"), "0123456789abcdef0123456789abcdef").statusCode());
        assertFalse(Files.exists(dir.resolve(ApiToken.FILE)), "no token generated when one is configured");
        service.close();
        service = null;

        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        String m = assertThrowsUsage(cfg);
        assertTrue(m.contains("readable by every user"), m);
        Files.writeString(f, "short");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        m = assertThrowsUsage(cfg);
        assertTrue(m.contains("16..4096 characters"), m);
        Files.delete(f);
        m = assertThrowsUsage(cfg);
        assertTrue(m.contains("no such file") && !m.contains("\n"), m);
    }

    private static String assertThrowsUsage(SensorConfig cfg) throws Exception {
        Service s = new Service(cfg);
        try {
            s.startHttp();
            throw new AssertionError("the API started without a usable token");
        } catch (UsageException e) {
            return e.getMessage();
        } finally {
            s.close();
        }
    }

    @Test
    void liveWithoutAUsableTokenRefusesToStartWithOneLineAndExit2() throws Exception {
        Path cfg = dir.resolve("sensor.yaml");
        Files.writeString(cfg, "http:\n  token_file: " + dir.resolve("missing-token") + "\n");
        for (String listen : List.of("0.0.0.0:0", "127.0.0.1:0")) {
            java.io.StringWriter err = new java.io.StringWriter();
            int rc = Main.execute(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err, true),
                    "live", "-i", "lo", "--config", cfg.toString(), "--state-dir", dir.resolve("s").toString(),
                    "--http", listen, "--eve", "");
            assertEquals(Main.EXIT_USAGE, rc, err.toString());
            assertEquals("live: http.token_file " + dir.resolve("missing-token") + ": no such file", err.toString().strip(),
                    listen);
        }
    }

    @Test
    void browsersAndRebindingNamesAreRefusedBeforeAnythingElse() throws Exception {
        start("http:\n  allowed_hosts: [sensor.mgmt.example]\n");
        String body = psexec("10.1.1.7");
        String auth = "Authorization: Bearer " + token + "\r\n";
        String post = "POST /events HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\n" + auth;
        assertEquals(200, raw(post + "Host: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n" + body));
        assertEquals(403, raw(post + "Host: attacker.example:" + port + "\r\nConnection: close\r\n\r\n" + body),
                "DNS rebinding: the page's own name");
        assertEquals(403, raw("GET /stats HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n"));
        assertEquals(403, raw(post + "Host: 127.0.0.1:" + port + "\r\nOrigin: http://attacker.example\r\n"
                + "Connection: close\r\n\r\n" + body), "a browser's cross-site request");
        assertEquals(403, raw(post + "Host: localhost\r\nOrigin: null\r\nConnection: close\r\n\r\n" + body));
        String form = "POST /events HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: "
                + body.length() + "\r\n" + auth + "Connection: close\r\n\r\n" + body;
        assertEquals(415, raw(form), "a form-encodable body type");
        assertEquals(200, raw("GET /health HTTP/1.1\r\nHost: sensor.mgmt.example:9470\r\nConnection: close\r\n\r\n"));
        assertEquals(200, raw("GET /health HTTP/1.1\r\nHost: [::1]:9470\r\nConnection: close\r\n\r\n"));
        assertEquals(403, raw("GET /health HTTP/1.1\r\nHost: localhost:80x\r\nConnection: close\r\n\r\n"));
        assertEquals(413, raw("POST /events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 99999999999\r\n" + auth + "Connection: close\r\n\r\n"), "declared length over the cap");
        assertEquals(List.of("10.1.1.7"), blocked(), "only the well-formed request had an effect");
    }

    @Test
    void aFarFutureEventIsRejectedAndTheBlocklistStaysAsItWas() throws Exception {
        start("");
        assertEquals(200, send("POST", "/events", psexec("10.1.1.5"), token).statusCode());
        String file = Files.readString(dir.resolve(FileBlocklistStore.FILE));
        String future = psexec("10.1.1.6").replace("}", ",\"timestamp\":\"2100-01-01T00:00:00Z\"}");
        HttpResponse<String> r = send("POST", "/events", "[" + psexec("10.1.1.8") + "," + future + "]", token);
        assertEquals(400, r.statusCode());
        assertEquals("event 1: timestamp: 2100-01-01T00:00:00Z is more than 300 s ahead of the sensor clock "
                + "(http.max_clock_skew_seconds)", JSON.readTree(r.body()).get("error").asText());
        for (String ts : List.of("1e300", "-1", "\"+100000-01-01T00:00:00Z\"", "\"soon\"")) {
            r = send("POST", "/events", psexec("10.1.1.6").replace("}", ",\"timestamp\":" + ts + "}"), token);
            assertEquals(400, r.statusCode(), ts);
            assertTrue(JSON.readTree(r.body()).get("error").asText().startsWith("timestamp: "), r.body());
        }
        assertEquals(List.of("10.1.1.5"), blocked(), "nothing analysed, nothing expired");
        assertEquals(file, Files.readString(dir.resolve(FileBlocklistStore.FILE)));
        // within the skew is fine
        String soon = psexec("10.1.1.9").replace("}", ",\"timestamp\":\"" + Instant.now().plusSeconds(60) + "\"}");
        assertEquals(200, send("POST", "/events", soon, token).statusCode());
        assertEquals(List.of("10.1.1.5", "10.1.1.9"), blocked());
    }

    @Test
    void loopbackAConfiguredDcAndProtectedNetworksCannotBeBlocked() throws Exception {
        start("engine:\n  domain_controllers: [10.1.1.10]\nresponse:\n  protected: [192.0.2.0/24]\n");
        for (String ip : List.of("127.0.0.1", "10.1.1.10", "192.0.2.77", "::1")) {
            HttpResponse<String> r = send("POST", "/events", psexec(ip), token);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode a = JSON.readTree(r.body()).get(0);
            assertTrue(a.get("is_attack").asBoolean(), ip);
            assertFalse(a.get("blocked").asBoolean(), ip + " reported blocked: " + r.body());
        }
        assertEquals(List.of(), blocked());
        assertTrue(FileBlocklistStore.read(dir.resolve(FileBlocklistStore.FILE)).isEmpty());
        JsonNode svc = JSON.readTree(send("GET", "/stats", null, token).body()).get("service");
        assertTrue(svc.get("blocks_refused_protected").asLong() >= 4, svc.toString());
        assertTrue(send("GET", "/metrics", null, token).body().contains("impacket_sensor_blocks_refused_protected_total"));
        assertTrue(service.protectedAddresses().containsKey("127.0.0.0/8"));
        assertEquals("domain controller", service.protectedAddresses().get("10.1.1.10/32"));
    }

    @Test
    void newBlocksOverTheRateCapAreRefusedAndCounted() throws Exception {
        start("response:\n  max_blocks_per_minute: 2\n");
        for (int i = 1; i <= 4; i++) {
            assertEquals(200, send("POST", "/events", psexec("10.2.0." + i), token).statusCode());
        }
        assertEquals(List.of("10.2.0.1", "10.2.0.2"), blocked());
        JsonNode svc = JSON.readTree(send("GET", "/stats", null, token).body()).get("service");
        assertTrue(svc.get("blocks_rate_limited").asLong() >= 2, svc.toString());
        assertTrue(send("GET", "/metrics", null, token).body().contains("impacket_sensor_blocks_rate_limited_total"));
    }

    @Test
    void slowClientsDoNotStallOthersAndAreCutOff() throws Exception {
        start("");
        List<Socket> slow = new ArrayList<>();
        try {
            // one trickles its headers, the other (authorised) its body
            Socket headers = new Socket("127.0.0.1", port);
            write(headers.getOutputStream(), "GET /stats HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            slow.add(headers);
            Socket body = new Socket("127.0.0.1", port);
            write(body.getOutputStream(), "POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + token + "\r\nContent-Length: 4000\r\n\r\n[");
            slow.add(body);
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                // the slow ones trickle a header byte between the others' requests
                for (Socket s : slow) {
                    s.getOutputStream().write('X');
                }
                long t = System.nanoTime();
                assertEquals(200, send("GET", "/health", null, null).statusCode());
                assertTrue(System.nanoTime() - t < 2_000_000_000L, "a request waited behind the slow clients");
            }
            assertTrue(System.nanoTime() - start < 20_000_000_000L);
            // clients that never finish their requests are cut off after the request timeout
            long t0 = System.nanoTime();
            for (Socket s : slow) {
                s.setSoTimeout((HttpApi.REQUEST_TIMEOUT_SECONDS + 10) * 1000);
                InputStream in = s.getInputStream();
                int r;
                try {
                    do {
                        r = in.read();
                    } while (r >= 0);
                } catch (java.net.SocketException reset) {
                    r = -1;
                }
                assertEquals(-1, r);
            }
            long waited = (System.nanoTime() - t0) / 1_000_000_000L;
            assertTrue(waited <= HttpApi.REQUEST_TIMEOUT_SECONDS + 3, "closed after " + waited + " s");
            assertEquals(List.of(), blocked(), "the unfinished POST analysed nothing");
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    static void write(OutputStream o, String s) throws IOException {
        o.write(s.getBytes(StandardCharsets.US_ASCII));
    }
}
