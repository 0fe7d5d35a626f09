package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.testkit.RecordingContext;

import io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcResponse;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.flow.Direction;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stub decoders on synthetic NDR built after the IDL of each operation (MS-SCMR, MS-RRP, MS-TSCH,
 * MS-SAMR, MS-SRVS, MS-LSAT, C706 appendix O/L), through the analyzer so the call-id map and the
 * handle table are exercised too.
 */
class DcerpcStubTest {
    private final RecordingContext ctx = new RecordingContext(1, "10.0.0.2", 50000, "10.0.0.1", 135, new java.util.ArrayList<>(), new java.util.ArrayList<>());
    private final DcerpcAnalyzer a = new DcerpcAnalyzer(ctx, "test", DcerpcLimits.DEFAULTS, new DcerpcCounters(), null);
    private int callId = 1;

    private void bind(int iface) {
        byte[] b = Pdus.bind(callId, RpcInterfaces.uuid(iface));
        assertTrue(a.onData(Direction.TO_SERVER, b, 0, b.length));
        byte[] ack = Pdus.bindAck(callId, 1);
        assertTrue(a.onData(Direction.TO_CLIENT, ack, 0, ack.length));
    }

    private RpcArgs call(int opnum, byte[] stub) {
        int id = ++callId;
        byte[] r = Pdus.request(id, 0, opnum, 3, stub);
        assertTrue(a.onData(Direction.TO_SERVER, r, 0, r.length), ctx.events.toString());
        DcerpcRequest q = (DcerpcRequest) ctx.events.get(ctx.events.size() - 1);
        assertEquals(opnum, q.opnum());
        return q.args();
    }

    private RpcArgs answer(byte[] stub) {
        byte[] r = Pdus.response(callId, 0, 3, stub);
        assertTrue(a.onData(Direction.TO_CLIENT, r, 0, r.length), ctx.events.toString());
        return ((DcerpcResponse) ctx.events.get(ctx.events.size() - 1)).result();
    }

    private static byte[] handle(int tag) {
        byte[] h = new byte[20];
        h[4] = (byte) tag;
        h[19] = 1;
        return h;
    }

    private static Pdus.Stub regString(Pdus.Stub s, String v) {
        int bytes = (v.length() + 1) * 2;
        return s.u16(bytes).u16(bytes).u32(0x20000).wstring(v);
    }

    @Test
    void svcctlNamesTheServiceBehindAHandle() {
        bind(RpcInterfaces.SVCCTL);
        assertEquals(new RpcArgs.ScmOpenService("RemoteRegistry", 0xF01FF),
                call(16, new Pdus.Stub().handle().wstring("RemoteRegistry").u32(0xF01FF).build()));
        assertEquals(new RpcArgs.ReturnStatus(0), answer(new Pdus.Stub().bytes(handle(7)).u32(0).build()));
        assertEquals(new RpcArgs.ScmServiceAction(19, "RemoteRegistry", -1),
                call(19, new Pdus.Stub().bytes(handle(7)).u32(0).u32(0).build()));
        assertEquals(new RpcArgs.ScmServiceAction(1, "RemoteRegistry", 1),
                call(1, new Pdus.Stub().bytes(handle(7)).u32(1).build()));
        assertEquals(new RpcArgs.ScmChangeServiceConfig(-1, 3, null),
                call(11, new Pdus.Stub().bytes(handle(7)).u32(0xFFFFFFFFL).u32(3).u32(0xFFFFFFFFL).u32(0).build()));
        assertEquals(new RpcArgs.ScmServiceAction(2, null, -1), call(2, new Pdus.Stub().bytes(handle(9)).build()));
    }

    @Test
    void winregKeyPathsFollowTheHandles() {
        bind(RpcInterfaces.WINREG);
        call(2, new Pdus.Stub().u32(0).u32(0x02000000).build());
        answer(new Pdus.Stub().bytes(handle(1)).u32(0).build());
        assertEquals(new RpcArgs.RegOpenKey(false, "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\JD"),
                call(15, regString(new Pdus.Stub().bytes(handle(1)), "SYSTEM\\CurrentControlSet\\Control\\Lsa\\JD")
                        .u32(0).u32(0x02000000).build()));
        answer(new Pdus.Stub().bytes(handle(2)).u32(0).build());
        assertEquals(new RpcArgs.RegQueryValue("NoLmHash", "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\JD"),
                call(17, regString(new Pdus.Stub().bytes(handle(2)), "NoLmHash").u32(0).build()));
        assertEquals(new RpcArgs.RegOpenKey(true, "HKLM\\SAM"),
                call(6, regString(new Pdus.Stub().bytes(handle(1)), "SAM").build()));
        answer(new Pdus.Stub().bytes(handle(3)).u32(0).u32(0).build());
        assertEquals(new RpcArgs.RegSaveKey("..\\Temp\\abcdefgh.tmp", "HKLM\\SAM"),
                call(20, regString(new Pdus.Stub().bytes(handle(3)), "..\\Temp\\abcdefgh.tmp").u32(0).build()));
    }

    @Test
    void taskSchedulerRegisterTaskPathAndXml() {
        bind(RpcInterfaces.TSCH);
        String xml = "<Task><Actions><Exec><Command>cmd.exe</Command></Exec></Actions></Task>";
        assertEquals(new RpcArgs.TaskRegister(1, "\\abcdefgh", xml),
                call(1, new Pdus.Stub().u32(0x20000).wstring("\\abcdefgh").wstring(xml).u32(6).build()));
        assertEquals(new RpcArgs.TaskRegister(12, "\\abcdefgh", null),
                call(12, new Pdus.Stub().wstring("\\abcdefgh").u32(0).build()));
    }

    @Test
    void atsvcJobAddCommand() {
        bind(RpcInterfaces.ATSVC);
        assertEquals(new RpcArgs.AtJobAdd("cmd.exe /c whoami > c:\\x.txt"), call(0, new Pdus.Stub().u32(0)
                .u32(3_600_000).u32(0).u8(0).u8(0x10).u32(0x20000).wstring("cmd.exe /c whoami > c:\\x.txt").build()));
    }

    @Test
    void samrSetInformationAndSrvsvcSessionEnumAndLsaLookupNames() {
        bind(RpcInterfaces.SAMR);
        assertEquals(new RpcArgs.SamrSetUserInfo(23), call(58, new Pdus.Stub().handle().u16(23).u16(23).build()));
        assertEquals(new RpcArgs.SamrCreateUser("svc$", 0x10, 0xF07FF),
                call(12, regString(new Pdus.Stub().handle(), "svc$").u32(0xF07FF).build()));
        bind(RpcInterfaces.SRVSVC);
        assertEquals(new RpcArgs.SrvsvcEnum(12, 10), call(12, new Pdus.Stub().u32(0x20000).wstring("\\\\dc1")
                .u32(0).u32(0).u32(10).u32(10).build()));
        bind(RpcInterfaces.LSARPC);
        Pdus.Stub s = new Pdus.Stub().handle().u32(2).u32(2);
        s.u16(26).u16(26).u32(0x20000).u16(12).u16(12).u32(0x20004);
        s.wstring("Administrator").wstring("krbtgt");
        assertEquals(new RpcArgs.LookupNames(List.of("Administrator", "krbtgt")), call(14, s.build()));
        assertTrue(ctx.events.stream().noneMatch(ProtocolAnomaly.class::isInstance));
    }

    /** Synthetic: a stub that is not laid out as the IDL says still gives its strings, without arguments. */
    @Test
    void dcomStubStringsAreExtracted() {
        bind(RpcInterfaces.WBEM_SERVICES);
        byte[] wide = "Win32_Process".getBytes(StandardCharsets.UTF_16LE);
        byte[] narrow = "cmd.exe /Q /c whoami".getBytes(StandardCharsets.ISO_8859_1);
        RpcArgs.DcomStrings d = (RpcArgs.DcomStrings) call(24, new Pdus.Stub().u32(5).u32(0).bytes(wide).u32(0)
                .u8(0).bytes(narrow).u8(0).build());
        assertEquals(List.of("Win32_Process", "cmd.exe /Q /c whoami"), d.strings());
        assertNull(d.call());
        assertTrue(ctx.events.stream().noneMatch(ProtocolAnomaly.class::isInstance));
    }

    /** Synthetic, after MS-WMI 3.1.4.3.22 (IWbemServices::ExecMethod): object path and method name. */
    @Test
    void wmiExecMethodNamesTheClassAndMethod() {
        bind(RpcInterfaces.WBEM_SERVICES);
        RpcArgs.DcomStrings d = (RpcArgs.DcomStrings) call(24, new Pdus.Stub().orpcThis().bstr("Win32_Process")
                .bstr("Create").u32(0).u32(0).u32(0).build());
        assertEquals(new RpcArgs.DcomCall(null, "Win32_Process", "Create", null, List.of(), -1), d.call());
        assertTrue(d.strings().contains("Win32_Process"));
        assertEquals("Win32_Process", d.call().className());
    }

    /** Synthetic, after MS-WMI 3.1.4.3.20 (ExecNotificationQuery): the WQL text. */
    @Test
    void wmiNotificationQueryGivesTheWql() {
        bind(RpcInterfaces.WBEM_SERVICES);
        String wql = "SELECT * FROM __InstanceModificationEvent WITHIN 60 WHERE TargetInstance ISA 'Win32_PerfFormattedData_PerfOS_System'";
        RpcArgs.DcomStrings d = (RpcArgs.DcomStrings) call(22, new Pdus.Stub().orpcThis().bstr("WQL").bstr(wql)
                .u32(0).u32(0).build());
        assertEquals(wql, d.call().query());
    }

    /** Synthetic, after MS-OAUT 3.1.4.3/3.1.4.4: GetIDsOfNames names, Invoke dispid. */
    @Test
    void dispatchGetIdsOfNamesAndInvoke() {
        bind(RpcInterfaces.IDISPATCH);
        RpcArgs.DcomStrings names = (RpcArgs.DcomStrings) call(5, new Pdus.Stub().orpcThis()
                .guid(new UUID(0, 0)).u32(1).u32(0x20000).wstring("ExecuteShellCommand").u32(1).u32(0x409).build());
        assertEquals(List.of("ExecuteShellCommand"), names.call().names());
        RpcArgs.DcomStrings invoke = (RpcArgs.DcomStrings) call(6, new Pdus.Stub().orpcThis().u32(0x60030001L)
                .guid(new UUID(0, 0)).u32(0x409).u32(1).build());
        assertEquals(0x60030001L, invoke.call().dispid());
    }

    /** Synthetic: a BSTR whose length runs past the stub gives the strings without the arguments. */
    @Test
    void bstrPastTheStubDropsOnlyTheArguments() {
        bind(RpcInterfaces.WBEM_SERVICES);
        byte[] stub = new Pdus.Stub().orpcThis().u32(0x20000).u32(4000).u32(8000).u32(4000).bytes("W\0Q\0L\0".getBytes(StandardCharsets.ISO_8859_1)).build();
        RpcArgs.DcomStrings d = (RpcArgs.DcomStrings) call(20, stub);
        assertNull(d.call());
        assertTrue(ctx.events.stream().noneMatch(ProtocolAnomaly.class::isInstance));
    }

    /** A tower: floor count, then per floor lhs_length, lhs, rhs_length, rhs (C706 appendix L). */
    private static byte[] tower(UUID iface, int port, byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 5);
        b.putShort((short) 19).put((byte) 0x0d);
        Pdus.uuid(b, iface);
        b.putShort((short) 4).putShort((short) 2).putShort((short) 0);
        b.putShort((short) 19).put((byte) 0x0d);
        Pdus.uuid(b, Pdus.NDR);
        b.putShort((short) 2).putShort((short) 2).putShort((short) 0);
        b.putShort((short) 1).put((byte) 0x0b).putShort((short) 2).putShort((short) 0);
        b.putShort((short) 1).put((byte) 0x07).putShort((short) 2).order(ByteOrder.BIG_ENDIAN).putShort((short) port)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 1).put((byte) 0x09).putShort((short) 4).put(ip);
        byte[] out = new byte[b.position()];
        System.arraycopy(b.array(), 0, out, 0, out.length);
        return out;
    }

    @Test
    void eptMapAnswerWithAnAddressIsExpectedThere() {
        bind(RpcInterfaces.EPMAPPER);
        UUID drs = RpcInterfaces.uuid(RpcInterfaces.DRSUAPI);
        byte[] t = tower(drs, 0, new byte[4]);
        assertEquals(new RpcArgs.EpmMapRequest(drs, 4), call(3, new Pdus.Stub().u32(1).bytes(new byte[16]).u32(2)
                .u32(t.length).u32(t.length).bytes(t).align(4).handle().u32(4).build()));
        byte[] ans = tower(drs, 49667, new byte[] {10, 99, 0, 7});
        RpcArgs r = answer(new Pdus.Stub().handle().u32(1).u32(4).u32(0).u32(1).u32(3).u32(ans.length).u32(ans.length)
                .bytes(ans).align(4).u32(0).build());
        assertEquals(new RpcArgs.EpmMapResult(drs, 49667, "10.99.0.7"), r);
        assertEquals(List.of("10.99.0.7:49667:dcerpc"), ctx.expectations);
    }
}
