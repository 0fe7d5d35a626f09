package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.wire.Hex;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Synthetic events (values as in lab atk_psexec.pcap) written as EVE records and read back. */
class ProtocolRecordWriterTest {
    static final EventHeader H = new EventHeader(1_795_791_059_151_264_000L, 7, addr("10.99.0.2"), 35110,
            addr("10.99.0.1"), 445, Transport.TCP);
    private static final ObjectMapper M = new ObjectMapper();

    static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode eve(SensorEvent e) throws Exception {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            assertTrue(ProtocolRecordWriter.write(g, e));
        }
        assertFalse(w.toString().contains("\n"), "one line");
        return M.readTree(w.toString());
    }

    @Test
    void smbCreateRecord() throws Exception {
        JsonNode j = eve(new SmbEvent.SmbCreate(H, 910273309L, 0xCC9E6AB5, "\\\\10.99.0.1\\ADMIN$", "XAsDIoMW.exe",
                false, 0x2, 5, 0x40, 0, 2, 0, 2928143248L, 0));
        assertEquals("smb", j.get("event_type").asText());
        assertEquals("10.99.0.2", j.get("src_ip").asText());
        assertEquals(445, j.get("dest_port").asInt());
        JsonNode s = j.get("smb");
        assertEquals(1, s.get("id").asInt());
        assertEquals("unknown", s.get("dialect").asText());
        assertEquals("SMB2_COMMAND_CREATE", s.get("command").asText());
        assertEquals("STATUS_SUCCESS", s.get("status").asText());
        assertEquals("0x0", s.get("status_code").asText());
        assertEquals(910273309L, s.get("session_id").asLong());
        assertEquals(0xCC9E6AB5L, s.get("tree_id").asLong());
        assertEquals("XAsDIoMW.exe", s.get("filename").asText());
        assertEquals("normal", s.get("access").asText());
        assertEquals("FILE_OVERWRITE_IF", s.get("disposition").asText());
        assertEquals(0, s.get("size").asLong());
        JsonNode x = j.get("impacket_sensor");
        assertEquals(2, x.get("eve_version").asInt());
        assertEquals("smb2", x.get("version").asText());
        assertEquals("\\\\10.99.0.1\\ADMIN$", x.get("share").asText());
        assertFalse(x.get("named_pipe").asBoolean());
        assertEquals("0x00000002", x.get("desired_access").asText());
        // FileId bytes 00 01 .. 0f on the wire (Persistent 0x0706050403020100, Volatile 0x0f0e0d0c0b0a0908):
        // Suricata's fuid groups them as a GUID with each run's bytes reversed.
        JsonNode f = eve(new SmbEvent.SmbCreate(H, 1, 2, "\\\\h\\C$", "a.txt", false, 0x2, 1, 0x40, 0, 1, 10,
                0x0f0e0d0c0b0a0908L, 0, SmbEvent.NOT_SMB1, 0x0706050403020100L)).get("smb");
        assertEquals("03020100-0504-0706-0908-0b0a0f0e0d0c", f.get("fuid").asText());
        assertFalse(eve(new SmbEvent.SmbCreate(H, 1, 2, "\\\\h\\C$", "a.txt", false, 0x2, 1, 0x40, 0, -1, -1, 0,
                0xC0000034L)).get("smb").has("fuid"), "a failed open has no FileId");
        JsonNode del = eve(new SmbEvent.SmbCreate(H, 1, 2, "\\\\h\\C$", "", false, 0x10000, 1, 0x1001, 0, -1, -1, 0,
                SensorEvent.NO_STATUS)).get("smb");
        assertEquals("delete on close", del.get("access").asText());
        assertEquals("<share_root>", del.get("directory").asText(), "FILE_DIRECTORY_FILE");
        assertFalse(del.has("status"));
    }

    @Test
    void smbNegotiateRecordAndUnansweredRequest() throws Exception {
        byte[] guid = Hex.decode("00112233445566778899aabbccddeeff");
        JsonNode n = eve(new SmbEvent.Smb2Negotiate(H, List.of(0x202, 0x210, 0x300, 0x311), 0x311, 1, 0x7f, guid,
                3, 0x2f, guid, 2, List.of(1), 32, new byte[32], List.of(2, 1), 0));
        JsonNode s = n.get("smb");
        assertEquals("SMB2_COMMAND_NEGOTIATE_PROTOCOL", s.get("command").asText());
        assertEquals("3.11", s.get("dialect").asText());
        assertEquals("[\"2.02\",\"2.10\",\"3.00\",\"3.11\"]", s.get("client_dialects").toString());
        assertEquals("33221100-5544-7766-8899-aabbccddeeff", s.get("client_guid").asText());
        assertEquals(32, n.get("impacket_sensor").get("salt_length").asInt());
        JsonNode noRequest = eve(new SmbEvent.Smb2Negotiate(H, List.of(), 0x2FF, -1, 0, null, 1, 3, guid, 0, List.of(),
                -1, null, List.of(), 0)).get("smb");
        assertFalse(noRequest.has("client_dialects"), "Suricata's client_dialects has at least one item");
        assertEquals("2.??", noRequest.get("dialect").asText());
        JsonNode r = eve(new SmbEvent.SmbRead(H, 1, 2, "\\\\h\\IPC$", "svcctl", true, 0, 1048576, -1,
                SensorEvent.NO_STATUS));
        assertFalse(r.get("smb").has("status"));
        assertEquals("svcctl", r.get("smb").get("filename").asText());
        assertTrue(r.get("impacket_sensor").get("named_pipe").asBoolean());
        assertEquals(1048576, r.get("impacket_sensor").get("length").asInt());
        JsonNode d = eve(new SmbEvent.Smb2SetInfo(H, 1, 2, "\\\\h\\C$", "a.exe", 1, 10, false, "b.exe", 0xC0000022L))
                .get("smb");
        assertEquals("STATUS_ACCESS_DENIED", d.get("status").asText());
        assertEquals("0xc0000022", d.get("status_code").asText());
        assertEquals("a.exe", d.get("rename").get("from").asText());
        assertEquals("b.exe", d.get("rename").get("to").asText());
        assertEquals("SMB2_FILE_RENAME_INFO", d.get("set_info").get("info_level").asText());
        JsonNode enc = eve(new SmbEvent.Smb2Encrypted(H, 5, false)).get("impacket_sensor");
        assertTrue(enc.get("encrypted").asBoolean());
    }

    @Test
    void treeConnectNamesThePipeShareAndSuricataCommandNames() throws Exception {
        JsonNode ipc = eve(new SmbEvent.SmbTreeConnect(H, 1, 1, "\\\\10.160.65.202\\IPC$", 2, 0)).get("smb");
        assertEquals("\\\\10.160.65.202\\IPC$", ipc.get("named_pipe").asText());
        assertEquals("PIPE", ipc.get("share_type").asText());
        assertFalse(ipc.has("share"));
        JsonNode disk = eve(new SmbEvent.SmbTreeConnect(H, 1, 2, "\\\\h\\C$", 1, 0)).get("smb");
        assertEquals("\\\\h\\C$", disk.get("share").asText());
        assertEquals("FILE", disk.get("share_type").asText());
        assertEquals("SMB2_COMMAND_FIND", SmbNames.command(14));
        assertEquals("SMB2_COMMAND_GET_INFO", SmbNames.command(16));
        assertEquals("SMB2_COMMAND_SESSION_LOGOFF", SmbNames.command(2));
        assertEquals("SMB2_COMMAND_KEEPALIVE", SmbNames.command(13));
        assertEquals("19", SmbNames.command(19));
        assertEquals("SMB1_COMMAND_TRANS", SmbNames.smb1Command(0x25));
        assertEquals("SMB1_COMMAND_NT_TRANS", SmbNames.smb1Command(0xA0));
        assertEquals("34", SmbNames.smb1Command(0x22), "Suricata does not name SET_INFORMATION2");
    }

    @Test
    void sessionSetupNestsItsNtlmsspAndTheFlowIsNumbered() throws Exception {
        NtlmEvent.NtlmAuthenticate auth = new NtlmEvent.NtlmAuthenticate(H, Carrier.SMB2, 0xE0888235, 24, 152, 2,
                "lab.test", "Administrator", "WS1", true, new NtlmEvent.Version(10, 0, 10586, 15), false, -1, "",
                null, null, false, 0);
        StringWriter w = new StringWriter();
        ProtocolRecordWriter writer = new ProtocolRecordWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            writer.writeRecords(g, new SmbEvent.Smb2Negotiate(H, List.of(0x311), 0x311, 1, 0x7f, null, 1, 0x2f, null,
                    0, List.of(), -1, null, List.of(), 0));
            writer.writeRecords(g, auth);
            writer.writeRecords(g, new SmbEvent.SmbSessionSetup(H, 77, 1, 0, "ntlmssp", 300, 0, 0));
            writer.writeRecords(g, new SmbEvent.SmbCommand(H, 2, 77, 0, "", 0));
        }
        String[] lines = w.toString().split("\n");
        assertEquals(4, lines.length);
        JsonNode setup = M.readTree(lines[2]).get("smb");
        assertEquals(2, setup.get("id").asInt());
        assertEquals("3.11", setup.get("dialect").asText());
        assertEquals("Administrator", setup.get("ntlmssp").get("user").asText());
        assertEquals("lab.test", setup.get("ntlmssp").get("domain").asText());
        assertEquals("WS1", setup.get("ntlmssp").get("host").asText());
        assertEquals("10.0 build 10586 rev 15", setup.get("ntlmssp").get("version").asText());
        JsonNode logoff = M.readTree(lines[3]).get("smb");
        assertEquals(3, logoff.get("id").asInt());
        assertFalse(logoff.has("ntlmssp"), "the token belongs to the session setup only");
        assertEquals("ntlm", M.readTree(lines[1]).get("event_type").asText());
    }

    @Test
    void untilFlowEndARequestWaitsForItsFlowsEndNotForAnAge() throws Exception {
        EventHeader later = new EventHeader(H.timestampNanos() + 3_600_000_000_000L, 9, H.clientIp(), 40000,
                H.serverIp(), 135, Transport.TCP);
        StringWriter w = new StringWriter();
        ProtocolRecordWriter writer = new ProtocolRecordWriter();
        writer.untilFlowEnd();
        int n = 0;
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            n += writer.writeRecords(g, new io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest(H, null, 7, 0, null,
                    15, null, false, 152, 1, 0, 0, null));
            // An hour later on another flow: with an age limit the request would be written as UNREPLIED here.
            n += writer.writeRecords(g, new io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest(later, null, 1, 0,
                    null, 2, null, false, 8, 1, 0, 0, null));
            assertEquals(0, n);
            n += writer.flowEnded(g, 9);
            assertEquals(1, n, "the other flow's request, at its end");
            n += writer.writeRecords(g, new io.impacketsensor.core.event.DcerpcEvent.DcerpcResponse(H, null, 7, null,
                    15, false, 4, null));
        }
        String[] lines = w.toString().split("\n");
        assertEquals(2, lines.length);
        JsonNode pair = M.readTree(lines[1]).get("dcerpc");
        assertEquals("REQUEST", pair.get("request").asText());
        assertEquals("RESPONSE", pair.get("response").asText());
    }

    @Test
    void fileRecordsCarryTheFuidOfTheirCreate() throws Exception {
        String share = "\\\\h\\C$";
        StringWriter w = new StringWriter();
        ProtocolRecordWriter writer = new ProtocolRecordWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            writer.writeRecords(g, new SmbEvent.SmbCreate(H, 1, 2, share, "a.txt", false, 0x2, 1, 0x40, 0, 1, 10,
                    0x0f0e0d0c0b0a0908L, 0, SmbEvent.NOT_SMB1, 0x0706050403020100L));
            writer.writeRecords(g, new SmbEvent.SmbRead(H, 1, 2, share, "a.txt", false, 0, 10, 10, 0));
            writer.writeRecords(g, new SmbEvent.SmbWrite(H, 1, 2, share, "a.txt", false, 0, 10, 0));
            writer.writeRecords(g, new SmbEvent.Smb2SetInfo(H, 1, 2, share, "a.txt", 1, 10, false, "b.txt", 0));
            writer.writeRecords(g, new SmbEvent.SmbWrite(H, 1, 2, share, "other.txt", false, 0, 10, 0));
            writer.writeRecords(g, new SmbEvent.SmbClose(H, 1, 2, share, "a.txt", false, 0));
            writer.writeRecords(g, new SmbEvent.SmbRead(H, 1, 2, share, "a.txt", false, 0, 10, 10, 0));
        }
        String[] lines = w.toString().split("\n");
        assertEquals(7, lines.length);
        String fuid = "03020100-0504-0706-0908-0b0a0f0e0d0c";
        for (int i = 0; i < 4; i++) {
            assertEquals(fuid, M.readTree(lines[i]).get("smb").get("fuid").asText(), lines[i]);
        }
        assertFalse(M.readTree(lines[4]).get("smb").has("fuid"), "a file whose CREATE was not seen");
        assertFalse(M.readTree(lines[5]).get("smb").has("fuid"), "CLOSE is a generic transaction in Suricata");
        assertFalse(M.readTree(lines[6]).get("smb").has("fuid"), "the open ended at its CLOSE");
    }

    @Test
    void onlySuricataTransactionsBecomeSmbRecords() throws Exception {
        String share = "\\\\h\\C$";
        StringWriter w = new StringWriter();
        ProtocolRecordWriter writer = new ProtocolRecordWriter();
        int n = 0;
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            n += writer.writeRecords(g, new SmbEvent.SmbCommand(H, 16, 1, 2, share, 0)); // GET_INFO
            n += writer.writeRecords(g, new SmbEvent.Smb2SetInfo(H, 1, 2, share, "a.txt", 1, 20, false, null, 0));
            n += writer.writeRecords(g, new SmbEvent.SmbRead(H, 1, 2, share, "a.txt", false, 0, 65536, 65536, 0));
            n += writer.writeRecords(g, new SmbEvent.SmbRead(H, 1, 2, share, "a.txt", false, 65536, 65536, 100, 0));
            n += writer.writeRecords(g, new SmbEvent.SmbRead(H, 1, 2, share, "a.txt", false, 65636, 65536, -1,
                    0xC0000011L)); // STATUS_END_OF_FILE
            n += writer.writeRecords(g, new SmbEvent.SmbWrite(H, 1, 2, share, "a.txt", false, 0, 10, 0));
            n += writer.writeRecords(g, new SmbEvent.SmbClose(H, 1, 2, share, "a.txt", false, 0));
            n += writer.writeRecords(g, new SmbEvent.SmbRead(H, 1, 2, share, "a.txt", false, 0, 10, 10, 0));
            n += writer.writeRecords(g, new SmbEvent.Smb1Usage(H, 0x73));
            // Pipe I/O: its DCE/RPC call is the record (smb.dcerpc), as Suricata logs it.
            String ipc = "\\\\h\\IPC$";
            n += writer.writeRecords(g, new SmbEvent.SmbWrite(H, 1, 3, ipc, "svcctl", true, 0, 72, 0));
            n += writer.writeRecords(g, new SmbEvent.SmbRead(H, 1, 3, ipc, "svcctl", true, 0, 1024, 60, 0));
            n += writer.writeRecords(g, new SmbEvent.SmbIoctl(H, 1, 3, ipc, "svcctl", 0x0011C017, 72, 0));
        }
        String[] lines = w.toString().split("\n");
        assertEquals(4, n);
        assertEquals(4, lines.length);
        assertEquals("SMB2_COMMAND_READ", M.readTree(lines[0]).get("smb").get("command").asText(),
                "the first READ of the file; the second is folded, the failed one has no transaction");
        assertEquals("SMB2_COMMAND_WRITE", M.readTree(lines[1]).get("smb").get("command").asText(),
                "writes are the other direction's file transaction");
        assertEquals("SMB2_COMMAND_CLOSE", M.readTree(lines[2]).get("smb").get("command").asText());
        assertEquals("SMB2_COMMAND_READ", M.readTree(lines[3]).get("smb").get("command").asText(), "reopened file");
    }

    @Test
    void ntlmAuthenticateRecord() throws Exception {
        JsonNode j = eve(new NtlmEvent.NtlmAuthenticate(H, Carrier.SMB2, 0xE0888235, 24, 152, 2, "lab.test",
                "Administrator", "", true, null, false, -1, "cifs/DC1", Hex.decode("21654c451e51de235341a2245a4a4bdb"),
                Hex.decode("b7c0561afe7bd826"), false, 0));
        assertEquals("ntlm", j.get("event_type").asText());
        assertEquals("smb", j.get("app_proto").asText());
        assertFalse(j.has("ntlm"), "ours, under the extension key");
        JsonNode n = j.get("impacket_sensor").get("ntlm");
        assertEquals("authenticate", n.get("message").asText());
        assertEquals(0xE0888235L, n.get("flags").asLong());
        assertTrue(n.get("flag_names").toString().contains("NEGOTIATE_KEY_EXCH"));
        assertTrue(n.get("flag_names").toString().contains("NEGOTIATE_UNICODE"));
        assertEquals("lab.test", n.get("domain").asText());
        assertEquals("Administrator", n.get("user").asText());
        assertEquals("", n.get("host").asText());
        assertEquals("b7c0561afe7bd826", n.get("server_challenge").asText());
        assertEquals("v2", n.get("ntlm_version").asText());
        assertFalse(n.get("mic_present").asBoolean());
        assertFalse(n.has("msv_av_flags"));
        assertEquals("21654c451e51de235341a2245a4a4bdb", n.get("ntproofstr").asText());
        JsonNode ch = eve(new NtlmEvent.NtlmChallenge(H, Carrier.DCERPC, 0x62898215, Hex.decode("b7c0561afe7bd826"),
                "LAB", "LAB", "DC1", "lab.test", "dc1.lab.test", 0, new NtlmEvent.Version(6, 1, 0, 15), null))
                .get("impacket_sensor").get("ntlm");
        assertEquals("challenge", ch.get("message").asText());
        assertEquals("6.1.0", ch.get("version").asText());
        assertEquals("dcerpc", ch.get("carrier").asText());
    }

    @Test
    void smb1CarriedRecordsSayVersionSmb1AndTheSmb1Command() throws Exception {
        // Values as in 401trg 20171220_smb_metasploit_psexec_pth_download_meterpreter.pcap frames 36-37.
        JsonNode c = eve(new SmbEvent.SmbCreate(H, 2048, 2050, "\\\\192.168.10.31\\IPC$", "\\svcctl", true,
                0x02000000, 1, 0, 0, 1, 0, 0x4001, 0, 0xA2));
        JsonNode s = c.get("smb");
        assertEquals("smb1", c.get("impacket_sensor").get("version").asText());
        assertEquals("NT LM 0.12", s.get("dialect").asText());
        assertEquals("SMB1_COMMAND_NT_CREATE_ANDX", s.get("command").asText());
        assertEquals("\\svcctl", s.get("filename").asText());
        assertTrue(c.get("impacket_sensor").get("named_pipe").asBoolean());
        assertEquals("4001", s.get("fuid").asText());
        JsonNode t = eve(new SmbEvent.SmbCommand(H, 4, 2048, 2050, "", 0x0002_0001L, 0x71)).get("smb");
        assertEquals("SMB1_COMMAND_TREE_DISCONNECT", t.get("command").asText());
        assertEquals("0x20001", t.get("status_code").asText());
        assertEquals("SMB1_COMMAND_SESSION_SETUP_ANDX", eve(new SmbEvent.Smb1Usage(H, 0x73)).get("smb").get("command").asText());
        assertEquals("254", eve(new SmbEvent.Smb1Usage(H, 0xFE)).get("smb").get("command").asText());
        assertEquals("smb2", eve(new SmbEvent.SmbCommand(H, 4, 1, 1, "", 0)).get("impacket_sensor").get("version").asText());
    }

    @Test
    void anomalyRecord() throws Exception {
        JsonNode j = eve(new ProtocolAnomaly(H, "smb2.pdu_too_large", "TO_SERVER 16777215"));
        assertEquals("anomaly", j.get("event_type").asText());
        assertEquals("smb2.pdu_too_large", j.get("anomaly").get("event").asText());
        assertEquals("TO_SERVER 16777215", j.get("impacket_sensor").get("detail").asText());
    }
}
