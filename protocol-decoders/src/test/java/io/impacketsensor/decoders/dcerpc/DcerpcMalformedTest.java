package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.testkit.RecordingContext;

import io.impacketsensor.core.event.DcerpcEvent.DcerpcBind;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.decoders.pipe.PipeConsumer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed input and limits (STYLE.md 5, 6, 7, 12): each ends in one named anomaly, the PDU is
 * dropped and the association goes on (a header that cannot be trusted makes that direction
 * resynchronise at the next verifiable header), never an exception. All PDUs are synthetic (Pdus).
 */
class DcerpcMalformedTest {
    private static final UUID SVCCTL = RpcInterfaces.uuid(RpcInterfaces.SVCCTL);
    private static final UUID LSARPC = RpcInterfaces.uuid(RpcInterfaces.LSARPC);

    private final RecordingContext ctx = new RecordingContext(1, "10.0.0.2", 50000, "10.0.0.1", 135, new java.util.ArrayList<>(), new java.util.ArrayList<>());

    private DcerpcAnalyzer analyzer(DcerpcLimits limits) {
        return new DcerpcAnalyzer(ctx, null, limits, new DcerpcCounters(), null);
    }

    private List<String> anomalies() {
        List<String> out = new ArrayList<>();
        for (SensorEvent e : ctx.events) {
            if (e instanceof ProtocolAnomaly a) {
                out.add(a.name());
            }
        }
        return out;
    }

    private static boolean feed(DcerpcAnalyzer a, Direction d, byte[] b) {
        return a.onData(d, b, 0, b.length);
    }

    @Test
    void fragLengthShorterThanTheHeaderIsAnAnomaly() {
        DcerpcAnalyzer a = analyzer(DcerpcLimits.DEFAULTS);
        byte[] p = Pdus.bind(1, SVCCTL);
        p[8] = 10;
        p[9] = 0;
        assertTrue(feed(a, Direction.TO_SERVER, p));
        assertEquals(List.of("dcerpc.bad_frag_length"), anomalies());
        assertTrue(feed(a, Direction.TO_SERVER, Pdus.bind(2, SVCCTL)), "the association goes on");
        a.onClose();
        assertEquals(1, ctx.events.stream().filter(DcerpcBind.class::isInstance).count(), "the next bind is decoded");
    }

    @Test
    void fragLengthThatSwallowsTheNextPduLeavesGarbageWhereAHeaderShouldBe() {
        DcerpcAnalyzer a = analyzer(DcerpcLimits.DEFAULTS);
        byte[] bind = Pdus.bind(1, SVCCTL);
        int lie = bind.length + 8;
        bind[8] = (byte) lie;
        bind[9] = (byte) (lie >> 8);
        byte[] stream = Pdus.concat(bind, Pdus.request(1, 0, 15, 3, new byte[16]), Pdus.request(2, 0, 15, 3, new byte[16]));
        assertTrue(feed(a, Direction.TO_SERVER, stream));
        assertEquals("dcerpc.malformed_header", anomalies().get(0));
        // The swallowed bytes end inside the first request; the scan finds the second request.
        assertEquals(List.of(2), ctx.events.stream().filter(DcerpcRequest.class::isInstance)
                .map(e -> ((DcerpcRequest) e).callId()).toList());
    }

    @Test
    void authLengthPastThePduIsAnAnomaly() {
        DcerpcAnalyzer a = analyzer(DcerpcLimits.DEFAULTS);
        assertTrue(feed(a, Direction.TO_SERVER, Pdus.bindWithAuthLength(SVCCTL, 200)));
        assertEquals(List.of("dcerpc.bad_auth_length"), anomalies());
    }

    @Test
    void requestOnAContextNeverBoundIsAnAnomaly() {
        DcerpcAnalyzer a = analyzer(DcerpcLimits.DEFAULTS);
        assertTrue(feed(a, Direction.TO_SERVER, Pdus.bind(1, SVCCTL)));
        assertTrue(feed(a, Direction.TO_CLIENT, Pdus.bindAck(1, 1)));
        assertTrue(feed(a, Direction.TO_SERVER, Pdus.request(2, 7, 15, 3, new byte[8])));
        assertEquals(List.of("dcerpc.unbound_context"), anomalies());
        assertTrue(feed(a, Direction.TO_SERVER, Pdus.request(3, 0, 15, 3, new byte[8])));
        assertEquals(List.of(3), ctx.events.stream().filter(DcerpcRequest.class::isInstance)
                .map(e -> ((DcerpcRequest) e).callId()).toList(), "the next call on the bound context is decoded");
    }

    @Test
    void requestWithoutAnyBindSeenIsAMidstreamPickupNotAnAnomaly() {
        DcerpcAnalyzer a = analyzer(DcerpcLimits.DEFAULTS);
        assertTrue(feed(a, Direction.TO_SERVER, Pdus.request(9, 3, 12, 3, new byte[8])));
        DcerpcRequest r = (DcerpcRequest) ctx.events.get(0);
        assertEquals(12, r.opnum());
        assertEquals(null, r.interfaceUuid());
        assertTrue(anomalies().isEmpty());
    }

    @Test
    void tenThousandFragmentsHitTheFragmentLimit() {
        DcerpcAnalyzer a = analyzer(DcerpcLimits.DEFAULTS);
        feed(a, Direction.TO_SERVER, Pdus.bind(1, SVCCTL));
        assertTrue(feed(a, Direction.TO_SERVER, Pdus.request(2, 0, 12, 1, new byte[8])));
        int sent = 1;
        byte[] middle = Pdus.request(2, 0, 12, 0, new byte[8]);
        while (anomalies().isEmpty() && sent < 10_000) {
            assertTrue(feed(a, Direction.TO_SERVER, middle));
            sent++;
        }
        assertEquals(DcerpcLimits.DEFAULTS.maxFragmentsPerCall() + 1, sent);
        assertEquals(List.of("dcerpc.too_many_fragments"), anomalies());
        // The call is abandoned: its later fragments are orphans, never a second anomaly.
        for (int i = 0; i < 100; i++) {
            assertTrue(feed(a, Direction.TO_SERVER, middle));
        }
        assertEquals(List.of("dcerpc.too_many_fragments"), anomalies());
    }

    @Test
    void callLargerThanTheByteLimitIsAnAnomaly() {
        DcerpcLimits small = new DcerpcLimits(65535, 64, 32, 8, 4096, 1000, 512, 64, 4096, 65536, 32, 32, 4096, 3600);
        DcerpcAnalyzer a = analyzer(small);
        feed(a, Direction.TO_SERVER, Pdus.bind(1, SVCCTL));
        assertTrue(feed(a, Direction.TO_SERVER, Pdus.request(2, 0, 12, 1, new byte[600])));
        assertTrue(feed(a, Direction.TO_SERVER, Pdus.request(2, 0, 12, 0, new byte[600])));
        assertEquals(List.of("dcerpc.call_too_large"), anomalies());
    }

    /** LsarLookupSids claiming 1000 SIDs in a stub that holds 4 pointers. */
    private static byte[] lookupSidsClaiming(long entries, int pointers) {
        Pdus.Stub s = new Pdus.Stub().handle().u32(entries).u32(0x20000).u32(entries);
        for (int i = 0; i < pointers; i++) {
            s.u32(0x20004 + 4L * i);
        }
        return s.build();
    }

    @Test
    void ndrCountLargerThanTheStubIsAnAnomaly() {
        DcerpcAnalyzer a = analyzer(DcerpcLimits.DEFAULTS);
        feed(a, Direction.TO_SERVER, Pdus.bind(1, LSARPC));
        assertTrue(feed(a, Direction.TO_SERVER, Pdus.request(2, 0, 15, 3, lookupSidsClaiming(1000, 4))));
        assertEquals(List.of("dcerpc.ndr_malformed"), anomalies());
        DcerpcRequest r = (DcerpcRequest) ctx.events.stream().filter(DcerpcRequest.class::isInstance).findFirst().orElseThrow();
        assertEquals(null, r.args(), "the request is still reported, without arguments");
    }

    @Test
    void ndrCountOverTheLimitIsAnAnomaly() {
        DcerpcAnalyzer a = analyzer(DcerpcLimits.DEFAULTS.withMaxNdrArrayCount(100));
        feed(a, Direction.TO_SERVER, Pdus.bind(1, LSARPC));
        assertTrue(feed(a, Direction.TO_SERVER, Pdus.request(2, 0, 15, 3, lookupSidsClaiming(1000, 1000))));
        assertEquals(List.of("dcerpc.ndr_limit"), anomalies());
    }

    @Test
    void ndr64StubsAreReportedWithoutArgumentsAndWithoutAnomaly() {
        DcerpcAnalyzer a = analyzer(DcerpcLimits.DEFAULTS);
        byte[] bind = Pdus.bind(1, LSARPC);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bind).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.position(16 + 12 + 4 + 20); // first transfer syntax of context item 0
        Pdus.uuid(b, DcerpcParser.NDR64);
        assertTrue(feed(a, Direction.TO_SERVER, bind));
        // As suricata-verify dcerpc-ctxids (Windows SamrConnect5 over NDR64): 8-byte referent ids.
        assertTrue(feed(a, Direction.TO_SERVER, Pdus.request(2, 0, 15, 3, lookupSidsClaiming(1000, 4))));
        DcerpcRequest r = (DcerpcRequest) ctx.events.stream().filter(DcerpcRequest.class::isInstance).findFirst().orElseThrow();
        assertEquals(null, r.args());
        assertTrue(anomalies().isEmpty());
    }

    @Test
    void ndr64SamrOpenGroupIsDecodedBecauseItsBytesAreTheNdrOnes() {
        DcerpcAnalyzer a = analyzer(DcerpcLimits.DEFAULTS);
        byte[] bind = Pdus.bind(1, RpcInterfaces.uuid(RpcInterfaces.SAMR));
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bind).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.position(16 + 12 + 4 + 20);
        Pdus.uuid(b, DcerpcParser.NDR64);
        assertTrue(feed(a, Direction.TO_SERVER, bind));
        // OTRF empire_shell_rpc_samr_smb_group_domain_admins (net group "Domain Admins" /domain), frame of
        // SamrOpenGroup on the NDR64 context: domain handle, DesiredAccess 0x10, GroupId 0x200 (512).
        byte[] stub = io.impacketsensor.core.wire.Hex.decode("00000000" + "27c988550c303b4c818edb49f94d9d34" + "10000000" + "00020000");
        assertTrue(feed(a, Direction.TO_SERVER, Pdus.request(2, 0, 19, 3, stub)));
        DcerpcRequest r = (DcerpcRequest) ctx.events.stream().filter(DcerpcRequest.class::isInstance).findFirst().orElseThrow();
        assertEquals(new RpcArgs.SamrCall(19, "512"), r.args());
        assertTrue(anomalies().isEmpty());
    }

    @Test
    void tooManyContextItemsInOneBindIsAnAnomaly() {
        DcerpcAnalyzer a = analyzer(DcerpcLimits.DEFAULTS);
        UUID[] many = new UUID[DcerpcLimits.DEFAULTS.maxContextItems() + 1];
        java.util.Arrays.fill(many, SVCCTL);
        assertTrue(feed(a, Direction.TO_SERVER, Pdus.bind(11, 1, many)));
        assertEquals(List.of("dcerpc.too_many_contexts"), anomalies());
    }

    @Test
    void bindContextListPastThePduIsAnAnomaly() {
        DcerpcAnalyzer a = analyzer(DcerpcLimits.DEFAULTS);
        byte[] p = Pdus.bind(1, SVCCTL);
        p[24] = 3; // n_context_elem 3, one item present
        assertTrue(feed(a, Direction.TO_SERVER, p));
        assertEquals(List.of("dcerpc.malformed_bind"), anomalies());
    }

    @Test
    void wrongVersionIsAMalformedHeader() {
        DcerpcAnalyzer a = analyzer(DcerpcLimits.DEFAULTS);
        byte[] p = Pdus.bind(1, SVCCTL);
        p[0] = 4;
        assertTrue(feed(a, Direction.TO_SERVER, Pdus.concat(p, openScManagerSession())));
        assertEquals(List.of("dcerpc.malformed_header"), anomalies());
        assertTrue(ctx.events.get(0) instanceof ProtocolAnomaly an && an.detail().contains("to_server offset 0"),
                ctx.events.toString());
        a.onClose();
        assertEquals(1, ctx.events.stream().filter(DcerpcRequest.class::isInstance).count(),
                "the PDUs after the bad one are found and decoded: " + ctx.events);
    }

    private static byte[] openScManagerSession() {
        byte[] stub = new Pdus.Stub().u32(0x20000).wstring("DUMMY").u32(0x20004).wstring("ServicesActive").u32(0x3f).build();
        return Pdus.concat(Pdus.bind(1, SVCCTL), Pdus.request(2, 0, 15, 3, stub));
    }

    @Test
    void splitAtEveryByteGivesTheSameEvents() {
        byte[] stream = openScManagerSession();
        RecordingContext whole = new RecordingContext(1, "10.0.0.2", 50000, "10.0.0.1", 135, new java.util.ArrayList<>(), new java.util.ArrayList<>());
        DcerpcAnalyzer w = new DcerpcAnalyzer(whole, null, DcerpcLimits.DEFAULTS, new DcerpcCounters(), null);
        w.onData(Direction.TO_SERVER, stream, 0, stream.length);
        w.onClose();
        assertEquals(1, whole.events.stream().filter(DcerpcRequest.class::isInstance).count());
        for (int cut = 1; cut < stream.length; cut++) {
            RecordingContext c = new RecordingContext(1, "10.0.0.2", 50000, "10.0.0.1", 135, new java.util.ArrayList<>(), new java.util.ArrayList<>());
            DcerpcAnalyzer a = new DcerpcAnalyzer(c, null, DcerpcLimits.DEFAULTS, new DcerpcCounters(), null);
            assertTrue(a.onData(Direction.TO_SERVER, stream, 0, cut));
            assertTrue(a.onData(Direction.TO_SERVER, stream, cut, stream.length - cut));
            a.onClose();
            assertEquals(whole.events.toString(), c.events.toString(), "cut at " + cut);
        }
        RecordingContext bytewise = new RecordingContext(1, "10.0.0.2", 50000, "10.0.0.1", 135, new java.util.ArrayList<>(), new java.util.ArrayList<>());
        DcerpcAnalyzer a = new DcerpcAnalyzer(bytewise, null, DcerpcLimits.DEFAULTS, new DcerpcCounters(), null);
        for (int i = 0; i < stream.length; i++) {
            assertTrue(a.onData(Direction.TO_SERVER, stream, i, 1));
        }
        a.onClose();
        assertEquals(whole.events.toString(), bytewise.events.toString());
        DcerpcRequest r = (DcerpcRequest) whole.events.stream().filter(DcerpcRequest.class::isInstance).findFirst().orElseThrow();
        assertEquals(new RpcArgs.ScmOpenManager("DUMMY", "ServicesActive", 0x3f), r.args());
    }

    @Test
    void truncatedAtEveryLengthNeverThrows() {
        byte[] stream = openScManagerSession();
        for (int n = 0; n <= stream.length; n++) {
            RecordingContext c = new RecordingContext(1, "10.0.0.2", 50000, "10.0.0.1", 135, new java.util.ArrayList<>(), new java.util.ArrayList<>());
            DcerpcAnalyzer a = new DcerpcAnalyzer(c, null, DcerpcLimits.DEFAULTS, new DcerpcCounters(), null);
            a.onData(Direction.TO_SERVER, stream, 0, n);
            a.onClose();
        }
    }

    @Test
    void randomMutationsNeverThrow() {
        byte[] base = openScManagerSession();
        Random rnd = new Random(5);
        for (int i = 0; i < 20_000; i++) {
            byte[] m = base.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int f = 0; f < flips; f++) {
                m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
            }
            RecordingContext c = new RecordingContext(1, "10.0.0.2", 50000, "10.0.0.1", 135, new java.util.ArrayList<>(), new java.util.ArrayList<>());
            DcerpcAnalyzer a = new DcerpcAnalyzer(c, null, DcerpcLimits.DEFAULTS, new DcerpcCounters(), null);
            a.onData(Direction.TO_SERVER, m, 0, m.length);
            a.onGap(Direction.TO_SERVER, 3);
            a.onData(Direction.TO_SERVER, m, 0, m.length);
            a.onClose();
        }
    }

    @Test
    void afterAGapThePartialPduIsDroppedAndTheNextHeaderResynchronises() {
        DcerpcAnalyzer a = analyzer(DcerpcLimits.DEFAULTS);
        byte[] stream = openScManagerSession();
        byte[] bind = Pdus.bind(1, SVCCTL);
        assertTrue(a.onData(Direction.TO_SERVER, bind, 0, 20));
        assertTrue(a.onGap(Direction.TO_SERVER, 100));
        byte[] junk = "not a header".getBytes(StandardCharsets.US_ASCII);
        assertTrue(a.onData(Direction.TO_SERVER, junk, 0, junk.length), "junk after a gap is skipped");
        assertTrue(a.onData(Direction.TO_SERVER, stream, 0, stream.length));
        assertEquals(List.of("dcerpc.gap"), anomalies(), ctx.events.toString());
        assertEquals(1, ctx.events.stream().filter(DcerpcRequest.class::isInstance).count(), ctx.events.toString());
        assertEquals(1, ctx.events.stream().filter(DcerpcBind.class::isInstance).count());
    }

    @Test
    void aPipeThatIsNotDcerpcIsDroppedQuietly() {
        PipeConsumer p = new DcerpcAnalyzerFactory(DcerpcLimits.DEFAULTS, null).pipeConsumers()
                .open(ctx, "RemCom_communicaton", 1, 1);
        byte[] remcom = new byte[4628]; // psexec RemComMessage: "cmd.exe" first, not a PDU header
        System.arraycopy("cmd.exe".getBytes(StandardCharsets.US_ASCII), 0, remcom, 0, 7);
        assertFalse(p.onData(Direction.TO_SERVER, remcom, 0, remcom.length));
        p.onClose();
        assertTrue(ctx.events.isEmpty());
    }

    @Test
    void aPipeHeaderArrivingOneByteAtATimeIsStillRecognised() {
        PipeConsumer p = new DcerpcAnalyzerFactory(DcerpcLimits.DEFAULTS, null).pipeConsumers()
                .open(ctx, "svcctl", 1, 1);
        byte[] s = openScManagerSession();
        for (int i = 0; i < s.length; i++) {
            assertTrue(p.onData(Direction.TO_SERVER, s, i, 1), "byte " + i);
        }
        p.onClose();
        assertEquals(2, ctx.events.size(), ctx.events.toString());
    }

    @Test
    void pipeEventsCarryThePipeName() {
        PipeConsumer p = new DcerpcAnalyzerFactory(DcerpcLimits.DEFAULTS, null).pipeConsumers()
                .open(ctx, "svcctl", 1, 1);
        byte[] s = openScManagerSession();
        assertTrue(p.onData(Direction.TO_SERVER, s, 0, s.length));
        p.onClose();
        assertEquals(2, ctx.events.size());
        assertTrue(ctx.events.stream().allMatch(e -> "svcctl".equals(((io.impacketsensor.core.event.DcerpcEvent) e).namedPipe())));
    }
}
