package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The specification's examples ({@code samples/specification-examples.jsonl}) reach the confidences
 * it states ({@code samples/specification-examples.expected.tsv}) through {@code analyze} and
 * through {@code POST /events}; {@code selftest} ends with the specification's summary lines.
 */
class SpecificationSeedTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path EXAMPLES = Path.of("..", "samples", "specification-examples.jsonl");
    static final Path EXPECTED = Path.of("..", "samples", "specification-examples.expected.tsv");

    @TempDir
    Path dir;

    /** Checks one analysis (the {@code analyze} / API JSON form) against each expectation of the file. */
    static void check(List<JsonNode> analyses) throws IOException {
        int checked = 0;
        for (String s : Files.readAllLines(EXPECTED)) {
            if (s.isBlank() || s.startsWith("#")) {
                continue;
            }
            String[] f = s.split("\t");
            int line = Integer.parseInt(f[0]);
            JsonNode a = analyses.get(line - 1);
            double c = a.get("confidence").asDouble();
            String at = "line " + line + " (" + f[3] + "): " + a;
            if (!"none".equals(f[1])) {
                assertEquals(f[1], a.get("attack_type").asText(), at);
            } else {
                assertTrue(!a.get("is_attack").asBoolean(), at);
            }
            if (f[2].startsWith(">=")) {
                assertTrue(c >= Double.parseDouble(f[2].substring(2)), at);
            } else if (f[2].startsWith("<")) {
                assertTrue(c < Double.parseDouble(f[2].substring(1)), at);
            } else {
                assertEquals(Double.parseDouble(f[2].substring(1)), c, 1e-9, at);
            }
            checked++;
        }
        assertEquals(11, checked);
        assertEquals("critical", analyses.get(15).get("severity").asText(), "secretsdump 1.0 is critical");
    }

    @Test
    void analyzeCommand() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AnalyzeCommand cmd = new AnalyzeCommand(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, new CommandLine(cmd).execute(EXAMPLES.toString()), err.toString(StandardCharsets.UTF_8));
        List<JsonNode> analyses = new ArrayList<>();
        for (String l : out.toString(StandardCharsets.UTF_8).split("\n")) {
            analyses.add(JSON.readTree(l));
        }
        assertEquals(Files.readAllLines(EXAMPLES).size(), analyses.size());
        check(analyses);
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("total_events 18 (engine_events "), e);
        assertTrue(e.contains("attacks detected 9 (SMB 2, Kerberos 1, NTLM relay 1, secret dumps 1)"), e);
    }

    @Test
    void httpPostEvents() throws Exception {
        SensorConfig cfg = SensorConfig.defaults().withOverrides(null, null, null, null, null, null, null, dir,
                "127.0.0.1:0", false);
        try (Service service = new Service(cfg)) {
            InetSocketAddress a = service.startHttp();
            String base = "http://127.0.0.1:" + a.getPort();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String body = "[" + String.join(",", Files.readAllLines(EXAMPLES)) + "]";
            HttpResponse<String> r = client.send(request(base + "/events").POST(HttpRequest.BodyPublishers.ofString(body))
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode arr = JSON.readTree(r.body());
            List<JsonNode> analyses = new ArrayList<>();
            arr.forEach(analyses::add);
            assertEquals(18, analyses.size());
            check(analyses);

            JsonNode det = JSON.readTree(client.send(request(base + "/stats").GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("detection");
            assertEquals(18, det.get("total_events").asLong(), det.toString());
            assertTrue(det.get("engine_events").asLong() > 18, det.toString());
            assertEquals(9, det.get("attacks_detected").asLong());
            assertEquals(2, det.get("smb_attacks").asLong());
            assertEquals(1, det.get("kerberos_attacks").asLong());
            assertEquals(1, det.get("ntlm_relay_attempts").asLong());
            assertEquals(1, det.get("secret_dumps").asLong());
        }
    }

    /**
     * A request carrying the API's bearer token when the daemon made one: it writes it to
     * {@code api-token} in the state directory at first start, and clients read it from there.
     */
    private HttpRequest.Builder request(String uri) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10));
        Path token = dir.resolve("api-token");
        if (Files.exists(token)) {
            b.header("Authorization", "Bearer " + Files.readString(token).strip());
        }
        return b;
    }

    @Test
    void selftestEndsWithTheSpecificationsSummaryAndRecommendations() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, new CommandLine(new SelftestCommand(o, o)).execute());
        String s = out.toString(StandardCharsets.UTF_8);
        String[] lines = s.split("\n");
        int n = lines.length;
        // The specification's closing shape: the statistics, then the blocks.
        assertEquals("SELFTEST PASSED", lines[n - 1]);
        assertTrue(lines[n - 2].matches("Total Blocks: [1-9][0-9]*"), lines[n - 2]);
        assertTrue(lines[n - 3].matches("Secret Dumps Detected: [1-9][0-9]*"), lines[n - 3]);
        assertTrue(lines[n - 4].matches("NTLM Relay Attempts: [1-9][0-9]*"), lines[n - 4]);
        assertTrue(lines[n - 5].matches("Kerberos Attacks Detected: [1-9][0-9]*"), lines[n - 5]);
        assertTrue(lines[n - 6].matches("SMB Attacks Detected: [1-9][0-9]*"), lines[n - 6]);
        assertTrue(lines[n - 7].matches("Attacks Detected: [1-9][0-9]*"), lines[n - 7]);
        assertTrue(lines[n - 8].matches("Total Events: [1-9][0-9]*"), lines[n - 8]);
        // The specification's psexec example as written, at its 90 %+, with the recommendations.
        int psexec = s.indexOf("PsExec Detection: BLOCKED\n  Confidence: 99.00%");
        assertTrue(psexec >= 0, s);
        int next = s.indexOf("Secretsdump chain:", psexec);
        String block = s.substring(psexec, next);
        assertTrue(block.contains("  Recommendation: Enable and require SMB signing"), block);
        assertTrue(s.contains("Pass-the-Hash Detection: BLOCKED\n  Confidence: 90.00%"), s);
        assertTrue(s.contains("DCOM MMC20.Application Detection: BLOCKED\n  Confidence: 80.00%"), s);
        assertTrue(s.contains("  Step 4: BLOCKED (SMB file_read \\Temp\\qwertyui.tmp)\n  Confidence: 100.00%"), s);
        // Every detected attack prints its recommendations; benign sequences print none.
        int attacks = 0;
        String header = null;
        boolean recommended = false;
        for (String l : lines) {
            if (l.startsWith("  ")) {
                recommended |= l.startsWith("  Recommendation: ");
                continue;
            }
            if (header != null) {
                assertTrue(recommended, "no recommendation after " + header);
            }
            // An attack's header: "<name>: BLOCKED|ALERTED", or "<name>:" when its steps follow.
            boolean attack = l.endsWith(": BLOCKED") || l.endsWith(": ALERTED") || l.endsWith(":");
            header = attack ? l : null;
            attacks += header != null ? 1 : 0;
            recommended = false;
        }
        assertEquals(17, attacks, s);
    }
}
