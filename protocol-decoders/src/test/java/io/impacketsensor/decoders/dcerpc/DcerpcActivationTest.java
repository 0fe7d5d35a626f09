package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.decoders.Decoders;

import io.impacketsensor.core.testkit.Replay;

import io.impacketsensor.core.testkit.RecordingContext;

import io.impacketsensor.core.testkit.Captures;

import io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.Direction;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DCOM activation requests (MS-DCOM 3.1.2.5) and the svcctl service-creating variants (MS-SCMR
 * RCreateServiceA 24, RCreateServiceWOW64W 45): synthetic NDR after the IDL, real stubs from public
 * captures, and the trimmed OTRF captures through the real packet path.
 */
class DcerpcActivationTest {
    private static final UUID SHELL_WINDOWS = UUID.fromString("9ba05972-f6a8-11cf-a442-00a0c90a8f39");
    private static final UUID MMC20 = UUID.fromString("49b2791a-b1ae-4c90-9b8e-e860ba07f889");
    private static final UUID IUNKNOWN = UUID.fromString("00000000-0000-0000-c000-000000000046");
    private static final UUID ICLASSFACTORY = UUID.fromString("00000001-0000-0000-c000-000000000046");
    private static final UUID IDISPATCH = UUID.fromString("00020400-0000-0000-c000-000000000046");
    /** MS-DCOM 1.9 property CLSIDs: SpecialSystemProperties, InstantiationInfo, ActivationContextInfo. */
    private static final UUID SPECIAL_SYSTEM = UUID.fromString("000001b9-0000-0000-c000-000000000046");
    private static final UUID INSTANTIATION = UUID.fromString("000001ab-0000-0000-c000-000000000046");
    private static final UUID CONTEXT_INFO = UUID.fromString("000001a5-0000-0000-c000-000000000046");

    private RecordingContext ctx;
    private DcerpcAnalyzer a;

    @org.junit.jupiter.api.io.TempDir
    Path dir;

    private void fresh(int iface) {
        ctx = new RecordingContext(1, "10.0.0.2", 50000, "10.0.0.1", 135, new java.util.ArrayList<>(), new java.util.ArrayList<>());
        a = new DcerpcAnalyzer(ctx, "test", DcerpcLimits.DEFAULTS, new DcerpcCounters(), null);
        byte[] b = Pdus.bind(1, RpcInterfaces.uuid(iface));
        assertTrue(a.onData(Direction.TO_SERVER, b, 0, b.length));
        byte[] ack = Pdus.bindAck(1, 1);
        assertTrue(a.onData(Direction.TO_CLIENT, ack, 0, ack.length));
    }

    /** Sends one request; returns its decoded arguments (null when none), failing if no request event came out. */
    private RpcArgs call(int opnum, byte[] stub) {
        byte[] r = Pdus.request(2, 0, opnum, 3, stub);
        a.onData(Direction.TO_SERVER, r, 0, r.length);
        SensorEvent last = null;
        for (SensorEvent e : ctx.events) {
            if (e instanceof DcerpcRequest) {
                last = e;
            }
        }
        assertTrue(last instanceof DcerpcRequest, ctx.events.toString());
        return ((DcerpcRequest) last).args();
    }

    /** ORPCTHIS (MS-DCOM 2.2.13.1), optionally with one ORPC_EXTENT (2.2.14.1) in its extent array. */
    private static Pdus.Stub orpcThis(boolean extent) {
        Pdus.Stub s = new Pdus.Stub().u16(5).u16(7).u32(1).u32(0).guid(UUID.randomUUID());
        if (!extent) {
            return s.u32(0);
        }
        s.u32(0x20000).u32(1).u32(0).u32(0x20004); // extensions -> {size 1, reserved, extent[]}
        s.u32(2).u32(0x20008).u32(0); // (size+1)&~1 pointers, the second null
        return s.u32(8).guid(UUID.randomUUID()).u32(8).bytes(new byte[8]); // max_count, id, size, data
    }

    /** A type-serialized property (MS-RPCE 2.2.6): common and private header, then {@code data}, padded to 8. */
    private static byte[] serialized(byte[] data) {
        int padded = (data.length + 7) & ~7;
        Pdus.Stub s = new Pdus.Stub().u8(1).u8(0x10).u16(8).u32(0xCCCCCCCCL).u32(padded).u32(0).bytes(data);
        return s.align(8).build();
    }

    /** InstantiationInfoData (MS-DCOM 2.2.22.2.1). */
    private static byte[] instantiationInfo(UUID clsid, List<UUID> iids) {
        Pdus.Stub s = new Pdus.Stub().guid(clsid).u32(0x10).u32(0).u32(0).u32(iids.size()).u32(0).u32(0x20000)
                .u32(88).u16(5).u16(7).u32(iids.size());
        iids.forEach(s::guid);
        return serialized(s.build());
    }

    /** The activation properties BLOB (MS-DCOM 2.2.22): dwSize, dwReserved, CustomHeader, properties. */
    private static byte[] blob(List<UUID> propertyIds, List<byte[]> properties) {
        int n = properties.size();
        Pdus.Stub h = new Pdus.Stub().u32(0).u32(0).u32(0).u32(2).u32(n).guid(new UUID(0, 0)).u32(0x20000)
                .u32(0x20004).u32(0).u32(n);
        propertyIds.forEach(h::guid);
        h.u32(n);
        properties.forEach(p -> h.u32(p.length));
        byte[] header = serialized(h.build());
        Pdus.Stub b = new Pdus.Stub().u32(0).u32(0).bytes(header);
        properties.forEach(b::bytes);
        byte[] out = b.build();
        // totalSize and headerSize (CustomHeader's first two fields, after dwSize/dwReserved and the 16-byte headers)
        java.nio.ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, out.length - 8)
                .putInt(24, out.length - 8).putInt(28, header.length);
        return out;
    }

    /** pActProperties: a unique pointer to an MInterfacePointer holding a custom OBJREF (MS-DCOM 2.2.18.6). */
    private static Pdus.Stub actProperties(Pdus.Stub s, byte[] blob) {
        int len = 48 + blob.length;
        s.u32(0x20000).u32(len).u32(len).u32(0x574F454DL).u32(4)
                .guid(UUID.fromString("000001a2-0000-0000-c000-000000000046"))
                .guid(UUID.fromString("00000338-0000-0000-c000-000000000046")).u32(0).u32(blob.length);
        return s.bytes(blob);
    }

    private static byte[] createInstance(UUID clsid, List<UUID> iids) {
        byte[] blob = blob(List.of(SPECIAL_SYSTEM, CONTEXT_INFO, INSTANTIATION),
                List.of(serialized(new byte[88]), serialized(new byte[40]), instantiationInfo(clsid, iids)));
        Pdus.Stub s = orpcThis(true).u32(0x20004).u32(8).u32(8).bytes(new byte[8]); // pUnkOuter, 8 bytes
        return actProperties(s, blob).build();
    }

    @Test
    void remoteCreateInstanceNamesTheClassAndInterfacesBehindExtentsAndOtherProperties() {
        fresh(RpcInterfaces.REMOTE_SCM_ACTIVATOR);
        assertEquals(new RpcArgs.DcomActivation(4, MMC20, List.of(IUNKNOWN, IDISPATCH)),
                call(4, createInstance(MMC20, List.of(IUNKNOWN, IDISPATCH))));
        assertTrue(ctx.events.stream().noneMatch(ProtocolAnomaly.class::isInstance));
    }

    @Test
    void remoteGetClassObjectWithInstantiationInfoFirst() {
        fresh(RpcInterfaces.REMOTE_SCM_ACTIVATOR);
        byte[] blob = blob(List.of(INSTANTIATION, SPECIAL_SYSTEM),
                List.of(instantiationInfo(SHELL_WINDOWS, List.of(ICLASSFACTORY)), serialized(new byte[88])));
        assertEquals(new RpcArgs.DcomActivation(3, SHELL_WINDOWS, List.of(ICLASSFACTORY)),
                call(3, actProperties(orpcThis(false), blob).build()));
    }

    @Test
    void remoteActivationClsidArgument() {
        fresh(RpcInterfaces.IACTIVATION);
        // MS-DCOM 3.1.2.5.1.1: Clsid, pwszObjectName (null), pObjectStorage (null), ClientImpLevel, Mode,
        // Interfaces, pIIDs, cRequestedProtseqs, aRequestedProtseqs.
        byte[] stub = orpcThis(false).guid(SHELL_WINDOWS).u32(0).u32(0).u32(2).u32(0).u32(1).u32(0x20000).u32(1)
                .guid(IDISPATCH).u16(1).u32(1).u16(7).build();
        assertEquals(new RpcArgs.DcomActivation(0, SHELL_WINDOWS, List.of(IDISPATCH)), call(0, stub));
    }

    @Test
    void anotherObjrefKindOrNoInstantiationInfoGivesNoArgumentsWithoutAnAnomaly() {
        fresh(RpcInterfaces.REMOTE_SCM_ACTIVATOR);
        byte[] standard = orpcThis(false).u32(0x20000).u32(8).u32(8).u32(0x574F454DL).u32(1).build();
        assertNull(call(3, standard));
        byte[] none = actProperties(orpcThis(false), blob(List.of(SPECIAL_SYSTEM), List.of(serialized(new byte[88]))))
                .build();
        assertNull(call(3, none));
        assertTrue(ctx.events.stream().noneMatch(ProtocolAnomaly.class::isInstance));
    }

    @Test
    void everyTruncationDecodesNothingWrongAndNeverThrows() {
        byte[] full = createInstance(MMC20, List.of(IUNKNOWN, IDISPATCH));
        RpcArgs want = new RpcArgs.DcomActivation(4, MMC20, List.of(IUNKNOWN, IDISPATCH));
        for (int len = 0; len < full.length; len++) {
            fresh(RpcInterfaces.REMOTE_SCM_ACTIVATOR);
            byte[] cut = java.util.Arrays.copyOf(full, len);
            RpcArgs got = call(4, cut);
            assertTrue(got == null || got.equals(want), "length " + len + ": " + got);
        }
        // The counts in the stub say more than it holds: reported, the request still comes out.
        fresh(RpcInterfaces.REMOTE_SCM_ACTIVATOR);
        assertNull(call(4, java.util.Arrays.copyOf(full, full.length / 2)));
        assertTrue(ctx.events.stream().anyMatch(e -> e instanceof ProtocolAnomaly p && p.name().equals("dcerpc.ndr_malformed")),
                ctx.events.toString());
    }

    @Test
    void createServiceWow64wLikeCreateServiceW() {
        // 401trg 20171220_smb_psexec_add_user.pcap frame 160 (Sysinternals PsExec, cleartext svcctl stub).
        byte[] stub = HexFormat.of().parseHex("00000000c255930e0aaf2c45910fe56e9bc0f915090000000000000009000000500053"
                + "0045005800450053005600430000000000000002000900000000000000090000005000530045005800450053005600430000"
                + "000000ff010f001000000003000000000000001a000000000000001a0000002500530079007300740065006d0052006f006f"
                + "00740025005c00500053004500580045005300560043002e00650078006500000000000000000000000000000000000000"
                + "000000000000000000000000000000");
        fresh(RpcInterfaces.SVCCTL);
        assertEquals(new RpcArgs.ScmCreateService("PSEXESVC", "PSEXESVC", "%SystemRoot%\\PSEXESVC.exe", 0x10, 3,
                0xF01FF), call(45, stub));
    }

    @Test
    void createServiceAWithAnsiStrings() {
        // OTRF covenant_sharpsc_create_dcerpc_smb_svcctl_2020-08-06022635.cap frame 190 (SharpSC, cleartext).
        byte[] stub = HexFormat.of().parseHex("000000008487401e38495a4e98c37bd4d7c8b95a0c000000000000000c000000437962"
                + "337257617264306700000002000400000000000000040000004f545200ff010f001000000002000000010000002300000000"
                + "00000023000000433a5c57696e646f77735c53797374656d33325c4772756e7448545450322e65786500000000000000000000"
                + "0000000000000000000000000000000000000000000000");
        fresh(RpcInterfaces.SVCCTL);
        RpcArgs want = new RpcArgs.ScmCreateService("Cyb3rWard0g", "OTR", "C:\\Windows\\System32\\GruntHTTP2.exe",
                0x10, 2, 0xF01FF);
        assertEquals(want, call(24, stub));
        fresh(RpcInterfaces.SVCCTL);
        assertEquals(want, call(44, stub)); // RCreateServiceWOW64A: the same ANSI layout
    }

    @Test
    void otrfCapturesNameTheActivatedObjects() throws Exception {
        assertEquals(List.of(new RpcArgs.DcomActivation(3, SHELL_WINDOWS, List.of(ICLASSFACTORY))),
                activations(Captures.fixture("otrf_empire_dcom_shellwindows.pcap")));
        assertEquals(List.of(new RpcArgs.DcomActivation(3, UUID.fromString("00024500-0000-0000-c000-000000000046"),
                List.of(ICLASSFACTORY))), activations(Captures.fixture("otrf_covenant_dcom_registerxll.pcap")));
        assertEquals(List.of(new RpcArgs.DcomActivation(3, UUID.fromString("0002df01-0000-0000-c000-000000000046"),
                List.of(ICLASSFACTORY))), activations(Captures.fixture("otrf_covenant_dcom_iertutil.pcap")));
    }

    @Test
    void atJobAddOnAPipeOpenedBeforeTheCaptureStarted() throws Exception {
        // 401trg 20171220_smb_at_schedule.pcap: no SESSION_SETUP/TREE_CONNECT, CREATE "atsvc", bind, JobAdd
        // over NDR64 (the server rejected NDR 2.0); tshark: Command "c:\mimikatz.exe".
        Path pcap = Captures.pub("401trg_detections/pcaps/20171220_smb_at_schedule.pcap");
        List<DcerpcRequest> reqs = Replay.events(pcap, Decoders.forWorker()).stream().filter(DcerpcRequest.class::isInstance)
                .map(DcerpcRequest.class::cast).toList();
        assertEquals(1, reqs.size(), reqs.toString());
        assertEquals("atsvc", reqs.get(0).namedPipe());
        assertEquals(RpcInterfaces.uuid(RpcInterfaces.ATSVC), reqs.get(0).interfaceUuid());
        assertEquals(0, reqs.get(0).opnum());
        assertEquals(new RpcArgs.AtJobAdd("c:\\mimikatz.exe"), reqs.get(0).args());
    }

    @Test
    void ndr64JobAddAtEveryTruncation() {
        // 401trg 20171220_smb_at_schedule.pcap frame 9: the NDR64 JobAdd stub (136 bytes).
        byte[] stub = HexFormat.of().parseHex("00000200000000000b0000000000000000000000000000000b000000000000005c00"
                + "5c00610064006d0069006e002d00700063000000000060b0ce0200000000000000000010000000000200000000001000"
                + "0000000000000000000000000000100000000000000063003a005c006d0069006d0069006b00610074007a002e00650078"
                + "0065000000");
        RpcArgs want = new RpcArgs.AtJobAdd("c:\\mimikatz.exe");
        for (int len = 0; len <= stub.length; len++) {
            freshNdr64(RpcInterfaces.ATSVC);
            RpcArgs got = call(0, java.util.Arrays.copyOf(stub, len));
            assertTrue(len == stub.length ? want.equals(got) : got == null || got.equals(want), len + ": " + got);
        }
    }

    /** A new analyzer with {@code iface} bound on the NDR64 transfer syntax (Windows to Windows). */
    private void freshNdr64(int iface) {
        ctx = new RecordingContext(1, "10.0.0.2", 50000, "10.0.0.1", 135, new java.util.ArrayList<>(), new java.util.ArrayList<>());
        a = new DcerpcAnalyzer(ctx, "test", DcerpcLimits.DEFAULTS, new DcerpcCounters(), null);
        byte[] bind = Pdus.bind(1, RpcInterfaces.uuid(iface));
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bind).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.position(16 + 12 + 4 + 20); // the transfer syntax of context item 0
        Pdus.uuid(b, DcerpcParser.NDR64);
        assertTrue(a.onData(Direction.TO_SERVER, bind, 0, bind.length));
    }

    @Test
    void ndr64SamrLookupDomainAtEveryTruncation() {
        // 401TRG 20171220_smb_net_user.pcap frame 25: SamrLookupDomainInSamServer "CONTOSO" over NDR64 (78 bytes):
        // context handle, pad to 8, RPC_UNICODE_STRING {14, 16, pad, referent 0x20000}, max 8, offset 0, actual 7.
        byte[] stub = HexFormat.of().parseHex("000000006b286c73460fed43b222fbf8b7305709" + "00000000" + "0e001000"
                + "00000000" + "0000020000000000" + "0800000000000000" + "0000000000000000" + "0700000000000000"
                + "43004f004e0054004f0053004f00");
        RpcArgs want = new RpcArgs.SamrCall(5, "CONTOSO");
        for (int len = 0; len <= stub.length; len++) {
            freshNdr64(RpcInterfaces.SAMR);
            RpcArgs got = call(5, java.util.Arrays.copyOf(stub, len));
            assertTrue(len == stub.length ? want.equals(got) : got == null || got.equals(want), len + ": " + got);
        }
    }

    @Test
    void netUserOverNdr64NamesTheServerTheDomainAndTheAccount() throws Exception {
        // 401TRG 20171220_smb_net_user.pcap (in sensor-core's test jar); tshark on the same capture: Connect5
        // System Name \\DC1.contoso.local, LookupDomain CONTOSO, OpenUser RID 1110 — net.exe repeats the sequence.
        Path pcap = dir.resolve("net_user.pcap");
        try (java.io.InputStream in = Objects.requireNonNull(getClass().getResourceAsStream(
                "/pcaps/public/401trg_detections/pcaps/20171220_smb_net_user.pcap"))) {
            java.nio.file.Files.copy(in, pcap);
        }
        List<RpcArgs> samr = Replay.events(pcap, Decoders.forWorker()).stream()
                .filter(e -> e instanceof DcerpcRequest r && RpcInterfaces.uuid(RpcInterfaces.SAMR).equals(r.interfaceUuid())
                        && (r.opnum() == 64 || r.opnum() == 5 || r.opnum() == 34))
                .map(e -> ((DcerpcRequest) e).args()).toList();
        RpcArgs connect = new RpcArgs.SamrCall(64, "\\\\DC1.contoso.local");
        RpcArgs lookup = new RpcArgs.SamrCall(5, "CONTOSO");
        RpcArgs open = new RpcArgs.SamrCall(34, "1110");
        assertEquals(List.of(connect, lookup, open, connect, lookup, connect, connect, lookup, open), samr);
    }

    private static List<RpcArgs> activations(Path pcap) throws Exception {
        List<SensorEvent> events = Replay.events(pcap, Decoders.forWorker());
        assertFalse(events.isEmpty());
        return events.stream().filter(e -> e instanceof DcerpcRequest r && r.args() instanceof RpcArgs.DcomActivation)
                .map(e -> ((DcerpcRequest) e).args()).toList();
    }
}
