package io.impacketsensor.detection;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.impacketsensor.core.event.DcerpcEvent.Context;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcBind;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcFault;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcResponse;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.detection.eve.ProtocolRecordWriter;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.net.InetAddress;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** dcerpc EVE protocol records, validated against the committed schema. Events modelled on the lab captures. */
class DcerpcRecordsTest {
    private static final JsonFactory JSON = new JsonFactory();
    private static final UUID SVCCTL = UUID.fromString("367abb81-9844-35f1-ad32-98f038001003");
    private static final UUID DRSUAPI = UUID.fromString("e3514235-4b06-11d1-ab04-00c04fc2dcd2");
    private static final UUID EPM = UUID.fromString("e1af8308-5d1f-11c9-91a4-08002b14a0fa");
    private static final UUID NDR = UUID.fromString("8a885d04-1ceb-11c9-9fe8-08002b104860");

    private static EventHeader header(int port) throws Exception {
        return new EventHeader(1_795_791_153_123_456_000L, 7, InetAddress.getByName("10.99.0.2"), 35110,
                InetAddress.getByName("10.99.0.1"), port, Transport.TCP);
    }

    /** The record of one event alone (schema-validated). */
    private static JsonNode write(SensorEvent e) throws Exception {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            assertTrue(ProtocolRecordWriter.write(g, e));
        }
        return EveSchema.validate(w.toString()).get(0);
    }

    /** The records the pairing writer makes of a sequence of events, flushed at the end (schema-validated). */
    private static List<JsonNode> writeAll(SensorEvent... events) throws Exception {
        StringWriter w = new StringWriter();
        ProtocolRecordWriter writer = new ProtocolRecordWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            for (SensorEvent e : events) {
                writer.writeRecords(g, e);
            }
            writer.flush(g);
        }
        return EveSchema.validate(w.toString());
    }

    /** Suricata's call object: {@code dcerpc}, or {@code smb.dcerpc} over a pipe. */
    private static JsonNode call(JsonNode n) {
        return n.get("event_type").asText().equals("smb") ? n.get("smb").get("dcerpc") : n.get("dcerpc");
    }

    private static JsonNode ours(JsonNode n) {
        return n.get("impacket_sensor");
    }

    @Test
    void psexecCreateServiceRequestOnTheSvcctlPipe() throws Exception {
        JsonNode n = write(new DcerpcRequest(header(445), "svcctl", 3, 0, SVCCTL, 12, null, false, 180, 1, 0, 0,
                new RpcArgs.ScmCreateService("elfh", "elfh", "%systemroot%\\XAsDIoMW.exe", 0x10, 3, 0xF01FF)));
        // Over a pipe Suricata nests the call in the smb record.
        assertEquals("smb", n.get("event_type").asText());
        assertEquals("smb", n.get("app_proto").asText());
        JsonNode d = call(n);
        assertEquals("REQUEST", d.get("request").asText());
        assertEquals("UNREPLIED", d.get("response").asText());
        assertEquals(12, d.get("opnum").asInt());
        assertEquals(180, d.get("req").get("stub_data_size").asInt());
        assertEquals(1, d.get("req").get("frag_cnt").asInt());
        assertEquals(SVCCTL.toString(), d.get("interfaces").get(0).get("uuid").asText());
        assertEquals("svcctl", d.get("interfaces").get(0).get("service").asText());
        assertEquals("CreateServiceW", d.get("interfaces").get(0).get("procedure").asText());
        assertEquals(3, d.get("call_id").asInt());
        JsonNode x = ours(n);
        assertEquals(2, x.get("eve_version").asInt());
        assertEquals("request", x.get("pdu").asText());
        assertEquals("svcctl", x.get("named_pipe").asText());
        assertEquals(0, x.get("auth_type").asInt());
        assertFalse(x.get("sealed").asBoolean());
        assertEquals("elfh", x.get("args").get("service_name").asText());
        assertEquals("%systemroot%\\XAsDIoMW.exe", x.get("args").get("binary_path").asText());
        assertEquals(3, x.get("args").get("start_type").asInt());
    }

    @Test
    void anAckWhoseBindWasNotCapturedIsARequestLostRecordAndNoEvidence() throws Exception {
        DcerpcBind ack = new DcerpcBind(header(49154), null, true, 1, 5840, 5840, List.of(), 0, 0, -1, false, 0, true);
        List<JsonNode> recs = writeAll(ack);
        assertEquals(1, recs.size());
        JsonNode x = call(recs.get(0));
        assertEquals("REQUEST_LOST", x.get("request").asText());
        assertEquals("ALTER_CONTEXT_RESP", x.get("response").asText());
        assertEquals(1, x.get("call_id").asInt());
        assertEquals("5.0", x.get("rpc_version").asText());
        assertFalse(x.has("interfaces"));
        assertEquals("alter_context_resp", ours(recs.get(0)).get("pdu").asText());
        io.impacketsensor.detection.ImpacketProtection engine = new io.impacketsensor.detection.ImpacketProtection(
                io.impacketsensor.detection.config.EngineConfig.defaults());
        assertFalse(engine.analyze(ack).isAttack());
        assertEquals(0, engine.getStatistics().totalEvents(), "not analysed");
    }

    @Test
    void requestAndResponseAreOneRecordWithTheBoundInterfaceVersion() throws Exception {
        List<JsonNode> recs = writeAll(
                new DcerpcBind(header(49153), null, false, 1, 4280, 4280,
                        List.of(new Context(0, DRSUAPI, 4, 0, List.of(NDR), 0)), 10, 6, 79231, false),
                new DcerpcRequest(header(49153), null, 2, 0, DRSUAPI, 3, null, true, 292, 2, 10, 6,
                        new RpcArgs.DrsGetNcChanges()),
                new DcerpcRequest(header(49153), null, 3, 0, DRSUAPI, 4, null, true, 20, 1, 10, 6, null),
                new DcerpcResponse(header(49153), null, 2, DRSUAPI, 3, true, 4000, null, 3, 1));
        assertEquals(3, recs.size());
        JsonNode bind = call(recs.get(0));
        assertEquals("BIND", bind.get("request").asText());
        assertEquals("BINDACK", bind.get("response").asText());
        assertEquals("5.0", bind.get("rpc_version").asText());
        JsonNode pair = call(recs.get(1));
        assertEquals("REQUEST", pair.get("request").asText());
        assertEquals("RESPONSE", pair.get("response").asText());
        assertEquals(3, pair.get("req").get("opnum").asInt());
        assertEquals(2, pair.get("req").get("frag_cnt").asInt());
        // Suricata's count includes each fragment's 8 bytes after the common header; ours is the stub alone.
        assertEquals(4024, pair.get("res").get("stub_data_size").asInt());
        assertEquals(4000, recs.get(1).get("impacket_sensor").get("res_stub_data_size").asInt());
        assertEquals(292, recs.get(1).get("impacket_sensor").get("req_stub_data_size").asInt());
        assertEquals(292, pair.get("req").get("stub_data_size").asInt());
        // The response's own fragment count, and the version of the answer, the exchange's last PDU.
        assertEquals(3, pair.get("res").get("frag_cnt").asInt());
        assertEquals("5.1", pair.get("rpc_version").asText());
        assertEquals("4.0", pair.get("interfaces").get(0).get("version").asText());
        assertEquals(0, pair.get("interfaces").get(0).get("ack_result").asInt());
        assertEquals("DRSGetNCChanges", pair.get("interfaces").get(0).get("procedure").asText());
        assertEquals(2, pair.get("call_id").asInt());
        // The request never answered is written when the output ends.
        JsonNode lone = call(recs.get(2));
        assertEquals(3, lone.get("call_id").asInt());
        assertEquals("UNREPLIED", lone.get("response").asText());
    }

    @Test
    void dcomActivationNamesTheClass() throws Exception {
        UUID activator = UUID.fromString("000001a0-0000-0000-c000-000000000046");
        JsonNode n = write(new DcerpcRequest(header(135), null, 14, 0, activator, 3, null, false, 796, 1, 0, 0,
                new RpcArgs.DcomActivation(3, UUID.fromString("9ba05972-f6a8-11cf-a442-00a0c90a8f39"),
                        List.of(UUID.fromString("00000001-0000-0000-c000-000000000046")))));
        assertEquals("dcerpc", n.get("event_type").asText());
        assertEquals("RemoteGetClassObject", call(n).get("interfaces").get(0).get("procedure").asText());
        assertEquals(3, call(n).get("req").get("opnum").asInt());
        JsonNode d = ours(n);
        assertEquals("9ba05972-f6a8-11cf-a442-00a0c90a8f39", d.get("args").get("clsid").asText());
        assertEquals("ShellWindows", d.get("args").get("clsid_name").asText());
        assertEquals("00000001-0000-0000-c000-000000000046", d.get("args").get("iids").get(0).asText());
        JsonNode unknown = ours(write(new DcerpcRequest(header(135), null, 15, 0, activator, 4, null, false, 796, 1,
                0, 0, new RpcArgs.DcomActivation(4, new UUID(1, 2), List.of()))));
        assertNull(unknown.get("args").get("clsid_name"));
        assertEquals(0, unknown.get("args").get("iids").size());
    }

    @Test
    void sealedDrsuapiBindAndGetNcChanges() throws Exception {
        JsonNode n = write(new DcerpcBind(header(49153), null, false, 1, 4280, 4280,
                List.of(new Context(0, DRSUAPI, 4, 0, List.of(NDR), 0)), 10, 6, 79231, false));
        JsonNode s = call(n);
        assertEquals("drsuapi", s.get("interfaces").get(0).get("service").asText());
        assertEquals("4.0", s.get("interfaces").get(0).get("version").asText());
        assertEquals(0, s.get("interfaces").get(0).get("ack_result").asInt());
        JsonNode b = ours(n);
        assertEquals("bind", b.get("pdu").asText());
        assertEquals("ntlmssp", b.get("auth_type_name").asText());
        assertEquals("privacy", b.get("auth_level_name").asText());
        assertTrue(b.get("sealed").asBoolean());
        assertEquals(79231, b.get("auth_context_id").asInt());
        assertEquals("acceptance", b.get("contexts").get(0).get("result_name").asText());
        assertNull(b.get("named_pipe"));

        JsonNode r = write(new DcerpcRequest(header(49153), null, 5, 0, DRSUAPI, 3, null, true, 292, 1, 10, 6,
                new RpcArgs.DrsGetNcChanges()));
        assertEquals("DRSGetNCChanges", call(r).get("interfaces").get(0).get("procedure").asText());
        assertTrue(ours(r).get("sealed").asBoolean());
        assertTrue(ours(r).get("args").get("replication").asBoolean());
    }

    @Test
    void eptMapAnswerAndReturnStatusAndFault() throws Exception {
        JsonNode m = write(new DcerpcResponse(header(135), null, 1, EPM, 3, false, 128,
                new RpcArgs.EpmMapResult(DRSUAPI, 49153, "0.0.0.0")));
        assertEquals("REQUEST_LOST", call(m).get("request").asText());
        assertEquals("RESPONSE", call(m).get("response").asText());
        assertEquals(3, ours(m).get("opnum").asInt());
        assertEquals(49153, ours(m).get("result").get("args").get("tcp_port").asInt());
        assertEquals("drsuapi", ours(m).get("result").get("args").get("map_interface").asText());

        JsonNode s = ours(write(new DcerpcResponse(header(445), "samr", 6,
                UUID.fromString("12345778-1234-abcd-ef00-0123456789ac"), 50, false, 32,
                new RpcArgs.ReturnStatus(0xC0000022L))));
        assertEquals(0xC0000022L, s.get("status").asLong());
        assertEquals(50, s.get("opnum").asInt());
        assertNull(s.get("result"));

        JsonNode f = write(new DcerpcFault(header(445), "svcctl", 3, SVCCTL, 12, 0x1C010002L));
        assertEquals("FAULT", call(f).get("response").asText());
        assertEquals("fault", ours(f).get("pdu").asText());
        assertEquals(0x1C010002L, ours(f).get("fault_status").asLong());
    }

    @Test
    void unknownInterfaceKeepsRawValuesWithoutNames() throws Exception {
        UUID unknown = UUID.fromString("11111111-2222-3333-4444-555555555555");
        JsonNode n = write(new DcerpcRequest(header(49999), null, 9, 1, unknown, 77, unknown, false, 10, 1, 0, 0, null));
        JsonNode i = call(n).get("interfaces").get(0);
        assertEquals(unknown.toString(), i.get("uuid").asText());
        assertNull(i.get("service"));
        assertNull(i.get("procedure"));
        assertEquals(77, call(n).get("req").get("opnum").asInt());
        assertEquals(unknown.toString(), ours(n).get("object_uuid").asText());
        JsonNode none = write(new DcerpcRequest(header(49999), null, 9, 1, null, 2, null, false, 10, 1, 0, 0, null));
        assertNull(call(none).get("interfaces"));
        assertNull(ours(none).get("interface_uuid"));
    }

    @Test
    void everyArgumentShapeValidates() throws Exception {
        List<RpcArgs> all = List.of(new RpcArgs.ScmOpenManager("DUMMY", "ServicesActive", 0x3f),
                new RpcArgs.ScmOpenService("RemoteRegistry", 0xF01FF), new RpcArgs.ScmChangeServiceConfig(-1, 3, null),
                new RpcArgs.ScmServiceAction(19, "RemoteRegistry", -1), new RpcArgs.ScmServiceAction(1, null, 1),
                new RpcArgs.RegOpenKey(false, "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\JD"),
                new RpcArgs.RegSaveKey("..\\Temp\\abcdefgh.tmp", "HKLM\\SAM"), new RpcArgs.RegQueryValue("NoLmHash", null),
                new RpcArgs.LsaLookupSids(1000, "S-1-5-21-1-2-3", 0, 999), new RpcArgs.LookupNames(List.of("EVILPC$")),
                new RpcArgs.SamrCall(5, "LAB"), new RpcArgs.SamrCreateUser("EVILPC$", 0x80, 0x80),
                new RpcArgs.SamrSetUserInfo(23), new RpcArgs.SrvsvcEnum(15, 1),
                new RpcArgs.EpmMapRequest(DRSUAPI, 4), new RpcArgs.TaskRegister(1, "\\abcdefgh", "<Task/>"),
                new RpcArgs.AtJobAdd("cmd.exe /c whoami"), new RpcArgs.DcomStrings(List.of("Win32_Process", "Create")));
        for (RpcArgs a : all) {
            JsonNode d = ours(write(new DcerpcRequest(header(445), "x", 1, 0, SVCCTL, 0, null, false, 1, 1, 0, 0, a)));
            assertTrue(d.get("args").size() > 0, a.toString());
        }
    }
}
