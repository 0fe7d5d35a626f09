package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.RdpEvent;
import io.impacketsensor.core.event.RdpEvent.RdpConnectConfirm;
import io.impacketsensor.core.event.RdpEvent.RdpConnectRequest;
import io.impacketsensor.core.event.RdpEvent.RdpTlsHandshake;
import io.impacketsensor.core.event.Transport;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.List;

import static io.impacketsensor.detection.eve.ProtocolRecordWriterTest.addr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code rdp} records in Suricata's shape, from synthetic events with the values of the lab's
 * atk_rdp_check.i014.pcap (first connection) and of RDP_NEG_FAILURE and correlation-info cases.
 */
class RdpRecordsTest {
    static final EventHeader H = new EventHeader(1_796_635_686_919_651_000L, 3, addr("10.99.0.2"), 47036,
            addr("10.99.0.1"), 3389, Transport.TCP);
    private static final ObjectMapper M = new ObjectMapper();

    private static JsonNode record(RdpEvent e) throws Exception {
        StringWriter s = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(s)) {
            assertEquals(1, new ProtocolRecordWriter().writeRecords(g, e));
        }
        return M.readTree(s.toString().trim());
    }

    @Test
    void theThreeStepsOfAnRdpCheckConnection() throws Exception {
        RdpConnectRequest q = new RdpConnectRequest(H, 0, null, null, 3, 0, false, 0);
        JsonNode r = record(q);
        assertEquals("rdp", r.get("event_type").asText());
        assertEquals("rdp", r.get("app_proto").asText());
        assertEquals(0, r.get("rdp").get("tx_id").asInt());
        assertEquals("initial_request", r.get("rdp").get("event_type").asText());
        assertFalse(r.get("rdp").has("cookie"));
        assertFalse(r.get("rdp").has("flags"), "no flag set: no flags array, as Suricata");
        assertEquals(3, r.get("impacket_sensor").get("rdp").get("requested_protocols").asInt());
        assertEquals("[\"ssl\",\"hybrid\"]", r.get("impacket_sensor").get("rdp").get("requested_protocol_names").toString());

        JsonNode c = record(new RdpConnectConfirm(H, 1, 2, 0x3, 2, 0));
        assertEquals("initial_response", c.get("rdp").get("event_type").asText());
        assertEquals("[\"extended_client_data\",\"dynvc_gfx\"]", c.get("rdp").get("server_supports").toString());
        assertEquals("hybrid", c.get("rdp").get("protocol").asText());

        RdpEvent.ClientHello h = new RdpEvent.ClientHello(0x0303, List.of(0x1302, 0x00a7), List.of(11, 10, 43),
                List.of(0x1d), List.of(0), List.of(0x0304, 0x0303), "", 1, "771,4866-167,11-10-43,29,0",
                "0123456789abcdef0123456789abcdef");
        JsonNode t = record(new RdpTlsHandshake(H, 2, q, 2, h, 0x0304, 0x1302, List.of()));
        assertEquals("tls_handshake", t.get("rdp").get("event_type").asText());
        assertEquals("[]", t.get("rdp").get("x509_serials").toString());
        JsonNode ours = t.get("impacket_sensor").get("rdp");
        assertFalse(ours.get("cookie").asBoolean());
        assertEquals("0x0303", ours.get("client_hello").get("version").asText());
        assertEquals(2, ours.get("client_hello").get("cipher_suite_count").asInt());
        assertEquals(1, ours.get("client_hello").get("anonymous_suites").asInt());
        assertFalse(ours.get("client_hello").has("server_name"));
        assertEquals("0123456789abcdef0123456789abcdef", ours.get("client_hello").get("ja3").get("hash").asText());
        assertEquals("0x0304", ours.get("server_version").asText());
        assertEquals("0x1302", ours.get("cipher_suite").asText());
    }

    @Test
    void cookieFlagsFailureAndCertificates() throws Exception {
        JsonNode r = record(new RdpConnectRequest(H, 0, "alice", null, 0x0b, 0x09, true, 0));
        assertEquals("alice", r.get("rdp").get("cookie").asText());
        assertEquals("[\"restricted_admin_mode_required\",\"correlation_info_present\"]", r.get("rdp").get("flags").toString());
        JsonNode old = record(new RdpConnectRequest(H, 0, null, "Cookie: msts=1.2.3", -1, 0, false, 2));
        assertFalse(old.get("impacket_sensor").get("rdp").get("negotiation_request").asBoolean());
        assertEquals("Cookie: msts=1.2.3", old.get("impacket_sensor").get("rdp").get("routing_token").asText());
        assertEquals(2, old.get("impacket_sensor").get("rdp").get("trailing_bytes").asInt());
        JsonNode f = record(new RdpConnectConfirm(H, 1, 3, 0, -1, 5));
        assertEquals(5, f.get("rdp").get("error_code").asInt());
        assertEquals("hybrid required by server", f.get("rdp").get("reason").asText());
        assertFalse(f.get("rdp").has("protocol"));
        assertEquals("failure", f.get("impacket_sensor").get("rdp").get("negotiation").asText());
        JsonNode t = record(new RdpTlsHandshake(H, 2, null, -1, null, 0x0303, 0xc030, List.of("9a01", "5")));
        assertEquals("[\"9a01\",\"5\"]", t.get("rdp").get("x509_serials").toString());
        assertTrue(t.get("impacket_sensor").get("rdp").has("cipher_suite"));
        assertFalse(t.get("impacket_sensor").get("rdp").has("client_hello"));
    }
}
