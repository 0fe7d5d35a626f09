package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.pipeline.CounterSnapshot;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EVE lines: protocol records from events, the stats record's nesting, and {@code --eve -}. */
class EveWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anEventBecomesOneLineWithTheCommonHeader() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (EveWriter w = new EveWriter(out, false)) {
            w.accept(new ProtocolAnomaly(new EventHeader(1_764_252_202_123_456_789L, 42,
                    InetAddress.getByName("10.99.0.2"), 35110, InetAddress.getByName("10.99.0.1"), 445, Transport.TCP),
                    "smb2.malformed_header", "structure size 9"));
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size());
        JsonNode n = JSON.readTree(lines.get(0));
        assertEquals("2025-11-27T14:03:22.123456+0000", n.get("timestamp").asText());
        // A hash of the flow (51 bits), not the sensor's internal id.
        long flowId = n.get("flow_id").asLong();
        assertEquals(io.impacketsensor.detection.eve.EveCommon.flowId(new EventHeader(0, 42,
                InetAddress.getByName("10.99.0.2"), 35110, InetAddress.getByName("10.99.0.1"), 445, Transport.TCP)), flowId);
        assertTrue(flowId > 0 && flowId < 1L << 51 && flowId != 42, "flow_id " + flowId);
        assertEquals("anomaly", n.get("event_type").asText());
        assertEquals("10.99.0.2", n.get("src_ip").asText());
        assertEquals(445, n.get("dest_port").asInt());
        assertEquals("TCP", n.get("proto").asText());
        assertEquals("smb2", n.get("app_proto").asText());
        assertEquals("applayer", n.get("anomaly").get("type").asText());
        assertEquals("smb2.malformed_header", n.get("anomaly").get("event").asText());
        assertEquals("structure size 9", n.get("impacket_sensor").get("detail").asText());
        assertEquals(2, n.get("impacket_sensor").get("eve_version").asInt());
    }

    @Test
    void statsNestOnDotsAndWorkersBecomeAnArray() throws Exception {
        CounterSnapshot s = new CounterSnapshot();
        s.counter("packets", 10);
        s.counter("flow.tcp", 2);
        s.counter("flow.tcp", 3); // a second worker: summed
        s.counter("tcp.gaps", 1);
        s.counter("worker.1.packets", 4);
        s.counter("worker.0.packets", 6);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (EveWriter w = new EveWriter(out, false)) {
            w.writeStats(new StatsRecord("replay", 0, 1.5, s));
        }
        JsonNode n = JSON.readTree(out.toString(StandardCharsets.UTF_8).strip());
        assertEquals("stats", n.get("event_type").asText());
        JsonNode st = n.get("impacket_sensor");
        assertEquals(10, st.get("packets").asLong());
        assertEquals(5, st.get("flow").get("tcp").asLong());
        assertEquals(1, st.get("tcp").get("gaps").asLong());
        assertEquals(0, st.get("workers").get(0).get("worker").asInt());
        assertEquals(6, st.get("workers").get(0).get("packets").asLong());
        assertEquals(4, st.get("workers").get(1).get("packets").asLong());
    }

    @Test
    void eveDashWritesToStdoutAndTheSummaryToStderr() throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                    "replay", "--eve", "-", Path.of("..", "samples", "atk_psexec.pcap").toString());
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code, err.toString());
        List<JsonNode> stats = new java.util.ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).lines().toList()) {
            JsonNode n = JSON.readTree(line); // every stdout line is one JSON object
            if (n.get("event_type").asText().equals("stats")) {
                stats.add(n);
            }
        }
        assertEquals(1, stats.size());
        assertEquals(119, stats.get(0).get("impacket_sensor").get("packets").asLong());
        assertTrue(err.toString().contains("119 packets"));
    }
}
