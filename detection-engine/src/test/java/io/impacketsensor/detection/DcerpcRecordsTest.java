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

    private static JsonNode write(SensorEvent e) throws Exception {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            assertTrue(ProtocolRecordWriter.write(g, e));
        }
        JsonNode n = EveSchema.validate(w.toString()).get(0);
        assertEquals("dcerpc", n.get("event_type").asText());
        assertEquals("dcerpc", n.get("app_proto").asText());
        return n.get("dcerpc");
    }

    @Test
    void psexecCreateServiceRequestOnTheSvcctlPipe() throws Exception {
        JsonNode d = write(new DcerpcRequest(header(445), "svcctl", 3, 0, SVCCTL, 12, null, false, 180, 1, 0, 0,
                new RpcArgs.ScmCreateService("elfh", "elfh", "%systemroot%\\XAsDIoMW.exe", 0x10, 3, 0xF01FF)));
        assertEquals("request", d.get("pdu").asText());
        assertEquals("svcctl", d.get("named_pipe").asText());
        assertEquals(SVCCTL.toString(), d.get("interface_uuid").asText());
        assertEquals("svcctl", d.get("interface").asText());
        assertEquals(12, d.get("opnum").asInt());
        assertEquals("CreateServiceW", d.get("operation").asText());
        assertEquals(3, d.get("call_id").asInt());
        assertEquals(0, d.get("auth_type").asInt());
        assertFalse(d.get("sealed").asBoolean());
        assertEquals("elfh", d.get("args").get("service_name").asText());
        assertEquals("%systemroot%\\XAsDIoMW.exe", d.get("args").get("binary_path").asText());
        assertEquals(3, d.get("args").get("start_type").asInt());
    }

    @Test
    void dcomActivationNamesTheClass() throws Exception {
        UUID activator = UUID.fromString("000001a0-0000-0000-c000-000000000046");
        JsonNode d = write(new DcerpcRequest(header(135), null, 14, 0, activator, 3, null, false, 796, 1, 0, 0,
                new RpcArgs.DcomActivation(3, UUID.fromString("9ba05972-f6a8-11cf-a442-00a0c90a8f39"),
                        List.of(UUID.fromString("00000001-0000-0000-c000-000000000046")))));
        assertEquals("RemoteGetClassObject", d.get("operation").asText());
        assertEquals("9ba05972-f6a8-11cf-a442-00a0c90a8f39", d.get("args").get("clsid").asText());
        assertEquals("ShellWindows", d.get("args").get("clsid_name").asText());
        assertEquals("00000001-0000-0000-c000-000000000046", d.get("args").get("iids").get(0).asText());
        JsonNode unknown = write(new DcerpcRequest(header(135), null, 15, 0, activator, 4, null, false, 796, 1, 0, 0,
                new RpcArgs.DcomActivation(4, new UUID(1, 2), List.of())));
        assertNull(unknown.get("args").get("clsid_name"));
        assertEquals(0, unknown.get("args").get("iids").size());
    }

    @Test
    void sealedDrsuapiBindAndGetNcChanges() throws Exception {
        JsonNode b = write(new DcerpcBind(header(49153), null, false, 1, 4280, 4280,
                List.of(new Context(0, DRSUAPI, 4, 0, List.of(NDR), 0)), 10, 6, 79231, false));
        assertEquals("bind", b.get("pdu").asText());
        assertEquals("drsuapi", b.get("interface").asText());
        assertEquals("ntlmssp", b.get("auth_type_name").asText());
        assertEquals("privacy", b.get("auth_level_name").asText());
        assertTrue(b.get("sealed").asBoolean());
        assertEquals(79231, b.get("auth_context_id").asInt());
        assertEquals("acceptance", b.get("contexts").get(0).get("result_name").asText());
        assertEquals("4.0", b.get("contexts").get(0).get("version").asText());
        assertNull(b.get("named_pipe"));

        JsonNode r = write(new DcerpcRequest(header(49153), null, 5, 0, DRSUAPI, 3, null, true, 292, 1, 10, 6,
                new RpcArgs.DrsGetNcChanges()));
        assertEquals("DRSGetNCChanges", r.get("operation").asText());
        assertTrue(r.get("sealed").asBoolean());
        assertTrue(r.get("args").get("replication").asBoolean());
    }

    @Test
    void eptMapAnswerAndReturnStatusAndFault() throws Exception {
        JsonNode m = write(new DcerpcResponse(header(135), null, 1, EPM, 3, false, 128,
                new RpcArgs.EpmMapResult(DRSUAPI, 49153, "0.0.0.0")));
        assertEquals("ept_map", m.get("operation").asText());
        assertEquals(49153, m.get("args").get("tcp_port").asInt());
        assertEquals("drsuapi", m.get("args").get("map_interface").asText());

        JsonNode s = write(new DcerpcResponse(header(445), "samr", 6, UUID.fromString("12345778-1234-abcd-ef00-0123456789ac"),
                50, false, 32, new RpcArgs.ReturnStatus(0xC0000022L)));
        assertEquals(0xC0000022L, s.get("status").asLong());
        assertEquals("SamrCreateUser2InDomain", s.get("operation").asText());
        assertNull(s.get("args"));

        JsonNode f = write(new DcerpcFault(header(445), "svcctl", 3, SVCCTL, 12, 0x1C010002L));
        assertEquals("fault", f.get("pdu").asText());
        assertEquals(0x1C010002L, f.get("status").asLong());
    }

    @Test
    void unknownInterfaceKeepsRawValuesWithoutNames() throws Exception {
        UUID unknown = UUID.fromString("11111111-2222-3333-4444-555555555555");
        JsonNode d = write(new DcerpcRequest(header(49999), null, 9, 1, unknown, 77, unknown, false, 10, 1, 0, 0, null));
        assertEquals(unknown.toString(), d.get("interface_uuid").asText());
        assertNull(d.get("interface"));
        assertEquals(77, d.get("opnum").asInt());
        assertNull(d.get("operation"));
        assertEquals(unknown.toString(), d.get("object_uuid").asText());
        JsonNode none = write(new DcerpcRequest(header(49999), null, 9, 1, null, 2, null, false, 10, 1, 0, 0, null));
        assertNull(none.get("interface_uuid"));
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
            JsonNode d = write(new DcerpcRequest(header(445), "x", 1, 0, SVCCTL, 0, null, false, 1, 1, 0, 0, a));
            assertTrue(d.get("args").size() > 0, a.toString());
        }
    }
}
