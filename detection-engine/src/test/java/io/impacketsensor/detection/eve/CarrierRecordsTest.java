package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.HttpEvent.HttpRequest;
import io.impacketsensor.core.event.HttpEvent.HttpResponse;
import io.impacketsensor.core.event.HttpEvent.UriClass;
import io.impacketsensor.core.event.MssqlEvent;
import io.impacketsensor.core.event.MssqlEvent.MssqlBatch;
import io.impacketsensor.core.event.MssqlEvent.MssqlLogin;
import io.impacketsensor.core.event.MssqlEvent.MssqlPrelogin;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static io.impacketsensor.detection.eve.ProtocolRecordWriterTest.addr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code http} and {@code mssql} records and the HTTP context of an NTLM record, from synthetic
 * events with the values of the lab's ben_http_ntlm.pcap and atk_mssqlclient.i014.pcap.
 */
class CarrierRecordsTest {
    static final EventHeader H = new EventHeader(1_795_791_059_151_264_000L, 9, addr("10.99.0.3"), 41000,
            addr("10.99.0.1"), 80, Transport.TCP);
    private static final ObjectMapper M = new ObjectMapper();

    private static List<JsonNode> records(ProtocolRecordWriter w, SensorEvent... events) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (SensorEvent e : events) {
            StringWriter s = new StringWriter();
            try (JsonGenerator g = new JsonFactory().createGenerator(s)) {
                w.writeRecords(g, e);
            }
            for (String line : s.toString().split("\n")) {
                if (!line.isBlank()) {
                    out.add(M.readTree(line));
                }
            }
        }
        return out;
    }

    @Test
    void anHttpTransactionIsOneRecordInSuricatasShapeAndNtlmRecordsCarryTheirRequest() throws Exception {
        HttpRequest q = new HttpRequest(H, 2, "GET", "/certsrv/", "dc1.lab.test:80", "python-requests/2.28.1",
                "HTTP/1.1", "NTLM", false, UriClass.ADCS, -1);
        HttpResponse r = new HttpResponse(H, q, 200, "HTTP/1.1", "", 1256, "Microsoft-IIS/10.0");
        NtlmEvent.NtlmAuthenticate a = new NtlmEvent.NtlmAuthenticate(H, Carrier.HTTP, 0xE2888215, 24, 334, 2, "LAB",
                "da_carol", "", true, null, true, 2, "HTTP/dc1.lab.test", new byte[16], new byte[8], false, 0);
        List<JsonNode> j = records(new ProtocolRecordWriter(), q, r, a);
        assertEquals(2, j.size(), "the request alone writes nothing");
        JsonNode http = j.get(0);
        assertEquals("http", http.get("event_type").asText());
        assertEquals("http", http.get("app_proto").asText());
        assertEquals("dc1.lab.test", http.get("http").get("hostname").asText());
        assertEquals(80, http.get("http").get("http_port").asInt());
        assertEquals("/certsrv/", http.get("http").get("url").asText());
        assertEquals("GET", http.get("http").get("http_method").asText());
        assertEquals("python-requests/2.28.1", http.get("http").get("http_user_agent").asText());
        assertEquals("HTTP/1.1", http.get("http").get("protocol").asText());
        assertEquals(200, http.get("http").get("status").asInt());
        assertEquals(1256, http.get("http").get("length").asInt());
        assertEquals("adcs", http.get("impacket_sensor").get("uri_class").asText());
        assertEquals("NTLM", http.get("impacket_sensor").get("auth_scheme").asText());
        JsonNode ntlm = j.get(1).get("impacket_sensor").get("ntlm");
        assertEquals("http", ntlm.get("carrier").asText());
        assertEquals("success", ntlm.get("status").asText());
        assertEquals("0", ntlm.get("status_code").asText());
        assertEquals("/certsrv/", ntlm.get("http").get("url").asText());
        assertEquals(200, ntlm.get("http").get("status").asInt());
        assertEquals("adcs", ntlm.get("http").get("uri_class").asText());
        assertEquals("http", j.get(1).get("app_proto").asText());
    }

    @Test
    void aRequestWithoutResponseIsWrittenWithoutStatus() throws Exception {
        HttpRequest q = new HttpRequest(H, 1, "PROPFIND", "/share", "", "Microsoft-WebDAV-MiniRedir/10.0", "HTTP/1.1",
                "", false, UriClass.WEBDAV, -1);
        JsonNode j = records(new ProtocolRecordWriter(), q, new HttpResponse(H, q, -1, "", "", -1, "")).get(0);
        assertFalse(j.get("http").has("status"));
        assertFalse(j.get("http").has("hostname"));
        assertEquals(0, j.get("http").get("length").asInt());
        assertEquals("webdav", j.get("impacket_sensor").get("uri_class").asText());
    }

    @Test
    void mssqlRecordsNeverCarryAPasswordAndSayWhatWasEncrypted() throws Exception {
        EventHeader h = new EventHeader(1_795_791_059_151_264_000L, 11, addr("10.99.0.2"), 48488, addr("10.99.0.3"),
                1433, Transport.TCP);
        List<JsonNode> j = records(new ProtocolRecordWriter(),
                new MssqlPrelogin(h, "8.0.341.0", 0, "15.0.2000.0", 2, "MSSQLServer", MssqlEvent.ENCRYPTION_NONE),
                new MssqlPrelogin(h, "15.0.2000.0", 1, "15.0.2000.0", 0, "", MssqlEvent.ENCRYPTION_FULL),
                new MssqlLogin(h, 0x71000000L, "DESKTOP-97356E43", "", "Microsoft SQL Server Management Studio - Query",
                        "10.99.0.3", "Framework Microsoft SqlClient Data Provider for SQL Server", "", true, false, true,
                        0, "", "Microsoft SQL Server", true),
                new MssqlLogin(h, 0x74000004L, "ws01", "sa", "app", "db1", "ODBC", "master", false, false, false, 18456,
                        "Login failed for user 'sa'.", "", true),
                new MssqlBatch(h, "exec master..xp_cmdshell 'whoami'\r\n", false));
        JsonNode pre = j.get(0).get("impacket_sensor").get("mssql");
        assertEquals("mssql", j.get(0).get("event_type").asText());
        assertEquals("prelogin", pre.get("message").asText());
        assertEquals("off", pre.get("client_encryption").asText());
        assertEquals("not_supported", pre.get("server_encryption").asText());
        assertEquals("none", pre.get("encryption").asText());
        assertEquals("encrypted, not inspected", j.get(1).get("impacket_sensor").get("mssql").get("encryption").asText());
        JsonNode ok = j.get(2).get("impacket_sensor").get("mssql");
        assertEquals("sspi", ok.get("auth").asText());
        assertEquals("success", ok.get("result").asText());
        assertEquals("DESKTOP-97356E43", ok.get("hostname").asText());
        JsonNode bad = j.get(3).get("impacket_sensor").get("mssql");
        assertEquals("sql", bad.get("auth").asText());
        assertEquals("sa", bad.get("username").asText());
        assertEquals("failure", bad.get("result").asText());
        assertEquals(18456, bad.get("error_number").asInt());
        for (JsonNode n : j) {
            assertFalse(n.toString().toLowerCase().contains("password"), n.toString());
        }
        assertEquals("exec master..xp_cmdshell 'whoami'\r\n", j.get(4).get("impacket_sensor").get("mssql").get("text").asText());
        assertTrue(j.stream().allMatch(n -> n.get("app_proto").asText().equals("mssql")));
    }
}
