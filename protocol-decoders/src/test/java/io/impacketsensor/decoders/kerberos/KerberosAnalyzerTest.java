package io.impacketsensor.decoders.kerberos;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.KerberosEvent.KerberosApRequest;
import io.impacketsensor.core.event.KerberosEvent.KerberosRequest;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.wire.Hex;
import io.impacketsensor.core.wire.ProbeResult;
import io.impacketsensor.core.testkit.RecordingContext;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TCP record marking, UDP datagrams, and the malformed-input checklist for Kerberos. */
class KerberosAnalyzerTest {
    /** lab atk_GetNPUsers_nocreds.pcap frame 6: record mark + AS-REQ for administrator, etype [23], PA-PAC-REQUEST only. */
    static final byte[] AS_REQ_RECORD = Hex.decode(
            "000000b26a81af3081aca103020105a20302010aa31530133011a10402020080a20904073005a0030101ffa48188308185a0070305"
            + "0050800000a11a3018a003020101a111300f1b0d61646d696e6973747261746f72a20a1b084c41422e54455354a31d301ba00302"
            + "0101a11430121b066b72627467741b084c41422e54455354a511180f32303236313132383134353732385aa611180f3230323631"
            + "3132383134353732385aa706020452f7761da8053003020117");
    static final byte[] AS_REQ = Arrays.copyOfRange(AS_REQ_RECORD, 4, AS_REQ_RECORD.length);

    private static RecordingContext tcp() {
        return new RecordingContext(Transport.TCP, 88);
    }

    private static KerberosAnalyzer analyzer(RecordingContext ctx) {
        return new KerberosAnalyzer(ctx, KerberosLimits.DEFAULTS, new KerberosCounters());
    }

    private static void assertAsReq(KerberosRequest r) {
        assertEquals(10, r.msgType());
        assertEquals("administrator", r.cname().toString());
        assertEquals(1, r.cname().nameType());
        assertEquals("LAB.TEST", r.realm());
        assertEquals("krbtgt/LAB.TEST", r.sname().toString());
        assertEquals(List.of(23), r.etypes());
        assertEquals(List.of(128), r.padataTypes());
        assertEquals(1, r.pacRequest());
        assertEquals(0x52f7761dL, r.nonce());
        assertEquals(java.time.Instant.parse("2026-11-28T14:57:28Z").getEpochSecond(), r.till());
        assertEquals(KerberosRequest.NO_TIME, r.from());
        assertFalse(r.addressesPresent());
    }

    @Test
    void wholeRecordInOneSegment() {
        RecordingContext ctx = tcp();
        assertTrue(analyzer(ctx).onData(Direction.TO_SERVER, AS_REQ_RECORD, 0, AS_REQ_RECORD.length));
        assertAsReq(ctx.of(KerberosRequest.class).get(0));
        assertEquals(1, ctx.events.size());
    }

    @Test
    void recordSplitAtEveryByte() {
        for (int cut = 1; cut < AS_REQ_RECORD.length; cut++) {
            RecordingContext ctx = tcp();
            KerberosAnalyzer a = analyzer(ctx);
            assertTrue(a.onData(Direction.TO_SERVER, AS_REQ_RECORD, 0, cut));
            assertTrue(ctx.events.isEmpty(), "nothing before the record is complete, cut " + cut);
            assertTrue(a.onData(Direction.TO_SERVER, AS_REQ_RECORD, cut, AS_REQ_RECORD.length - cut));
            assertEquals(1, ctx.events.size(), "cut " + cut);
            assertAsReq(ctx.of(KerberosRequest.class).get(0));
        }
    }

    @Test
    void recordDeliveredOneByteAtATime() {
        RecordingContext ctx = tcp();
        KerberosAnalyzer a = analyzer(ctx);
        for (int i = 0; i < AS_REQ_RECORD.length; i++) {
            assertTrue(a.onData(Direction.TO_SERVER, AS_REQ_RECORD, i, 1));
        }
        assertAsReq(ctx.of(KerberosRequest.class).get(0));
    }

    /**
     * Record framing is per direction: a record of each direction cut anywhere and interleaved
     * with the other gives the events of the two records sent one after the other. The
     * server-side record is the golden TGS-REQ: only the framing is under test here, and it does
     * not depend on the message type.
     */
    @Test
    void recordsOfBothDirectionsInterleavedAtEveryCut() {
        byte[] c = AS_REQ_RECORD;
        byte[] s = KerberosParserFixtures.GOLDEN_TGS_REQ_RECORD;
        RecordingContext seq = tcp();
        KerberosAnalyzer w = analyzer(seq);
        assertTrue(w.onData(Direction.TO_SERVER, c, 0, c.length));
        assertTrue(w.onData(Direction.TO_CLIENT, s, 0, s.length));
        w.onClose();
        List<String> expected = seq.events.stream().map(Object::toString).sorted().toList();
        assertFalse(expected.isEmpty());
        for (int k = 1; k < c.length; k += 3) {
            for (int j = 1; j < s.length; j += 5) {
                RecordingContext ctx = tcp();
                KerberosAnalyzer a = analyzer(ctx);
                assertTrue(a.onData(Direction.TO_SERVER, c, 0, k));
                assertTrue(a.onData(Direction.TO_CLIENT, s, 0, j));
                assertTrue(a.onData(Direction.TO_SERVER, c, k, c.length - k));
                assertTrue(a.onData(Direction.TO_CLIENT, s, j, s.length - j));
                a.onClose();
                assertEquals(expected, ctx.events.stream().map(Object::toString).sorted().toList(),
                        "client cut " + k + ", server cut " + j);
            }
        }
    }

    @Test
    void threeRecordsPackedInOneSegment() {
        byte[] three = new byte[AS_REQ_RECORD.length * 3];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(AS_REQ_RECORD, 0, three, i * AS_REQ_RECORD.length, AS_REQ_RECORD.length);
        }
        RecordingContext ctx = tcp();
        assertTrue(analyzer(ctx).onData(Direction.TO_SERVER, three, 0, three.length));
        assertEquals(3, ctx.of(KerberosRequest.class).size());
    }

    @Test
    void udpDatagram() {
        RecordingContext ctx = new RecordingContext(Transport.UDP, 88);
        KerberosAnalyzer a = new KerberosAnalyzer(ctx, KerberosLimits.DEFAULTS, new KerberosCounters());
        assertTrue(a.onData(Direction.TO_SERVER, AS_REQ, 0, AS_REQ.length));
        assertAsReq(ctx.of(KerberosRequest.class).get(0));
    }

    @Test
    void recordMarkOfTwoGigabytesIsAnAnomalyAndTheNextRecordIsDecoded() {
        RecordingContext ctx = tcp();
        KerberosAnalyzer a = analyzer(ctx);
        byte[] seg = Hex.decode("800000006a81af30");
        assertTrue(a.onData(Direction.TO_SERVER, seg, 0, seg.length));
        ProtocolAnomaly an = ctx.of(ProtocolAnomaly.class).get(0);
        assertEquals("kerberos.record_too_long", an.name());
        assertEquals("record mark 2147483648 > 1048576", an.detail());
        // The reserved bit gives no length to follow: the next plausible record start resynchronises.
        assertTrue(a.onData(Direction.TO_SERVER, AS_REQ_RECORD, 0, AS_REQ_RECORD.length));
        assertAsReq(ctx.of(KerberosRequest.class).get(0));
    }

    @Test
    void recordMarkOverTheLimitIsAnAnomalyBeforeAnyBuffering() {
        RecordingContext ctx = tcp();
        KerberosAnalyzer a = new KerberosAnalyzer(ctx, new KerberosLimits(128, 32, 64, 16),
                new KerberosCounters());
        assertTrue(a.onData(Direction.TO_SERVER, AS_REQ_RECORD, 0, 10));
        assertEquals("kerberos.record_too_long", ctx.of(ProtocolAnomaly.class).get(0).name());
        // Passed over by its length: the record after it is framed at the right place (synthetic:
        // a 5-byte record that is no Kerberos message, small enough for this limit).
        assertTrue(a.onData(Direction.TO_SERVER, AS_REQ_RECORD, 10, AS_REQ_RECORD.length - 10));
        byte[] next = Hex.decode("00000005" + "6503020105");
        assertTrue(a.onData(Direction.TO_SERVER, next, 0, next.length));
        assertEquals(List.of("kerberos.record_too_long", "kerberos.unknown_message"),
                ctx.of(ProtocolAnomaly.class).stream().map(ProtocolAnomaly::name).toList());
    }

    // Each malformed message below is an anomaly; the message is dropped and the flow kept
    // (onData stays true): one crafted message must not hide the ones after it.

    @Test
    void berLengthPastTheEndOfTheDatagramIsTruncated() {
        RecordingContext ctx = new RecordingContext(Transport.UDP, 88);
        KerberosAnalyzer a = analyzer(ctx);
        assertTrue(a.onData(Direction.TO_SERVER, AS_REQ, 0, AS_REQ.length - 1));
        assertEquals("kerberos.truncated", ctx.of(ProtocolAnomaly.class).get(0).name());
    }

    @Test
    void innerLengthPastItsParentIsMalformed() {
        byte[] bad = AS_REQ.clone();
        bad[5] = 0x7f; // [1] pvno claims 127 bytes inside the SEQUENCE
        RecordingContext ctx = new RecordingContext(Transport.UDP, 88);
        assertTrue(analyzer(ctx).onData(Direction.TO_SERVER, bad, 0, bad.length));
        assertEquals("kerberos.malformed_data", ctx.of(ProtocolAnomaly.class).get(0).name());
    }

    @Test
    void lengthOfTwoToThe31IsTooLong() {
        byte[] bad = Hex.decode("6a848000000030030201050000");
        RecordingContext ctx = new RecordingContext(Transport.UDP, 88);
        assertTrue(analyzer(ctx).onData(Direction.TO_SERVER, bad, 0, bad.length));
        assertEquals("kerberos.length_too_long", ctx.of(ProtocolAnomaly.class).get(0).name());
    }

    @Test
    void indefiniteLengthIsRejectedInDer() {
        byte[] bad = Hex.decode("6a803080a1030201050000" + "0000");
        RecordingContext ctx = new RecordingContext(Transport.UDP, 88);
        assertTrue(analyzer(ctx).onData(Direction.TO_SERVER, bad, 0, bad.length));
        assertEquals("kerberos.indefinite_length", ctx.of(ProtocolAnomaly.class).get(0).name());
    }

    @Test
    void nestingTenThousandDeepHitsTheDepthLimit() {
        int depth = 10_000;
        // 6a 84 <len> then 9,999 x (30 84 <len>) : definite lengths, each level 6 bytes
        byte[] b = new byte[depth * 6];
        for (int i = 0; i < depth; i++) {
            int len = (depth - i - 1) * 6;
            b[6 * i] = (byte) (i == 0 ? 0x6a : 0x30);
            b[6 * i + 1] = (byte) 0x84;
            b[6 * i + 2] = (byte) (len >>> 24);
            b[6 * i + 3] = (byte) (len >>> 16);
            b[6 * i + 4] = (byte) (len >>> 8);
            b[6 * i + 5] = (byte) len;
        }
        RecordingContext ctx = new RecordingContext(Transport.UDP, 88);
        assertTrue(analyzer(ctx).onData(Direction.TO_SERVER, b, 0, b.length));
        assertEquals("kerberos.ber_depth_exceeded", ctx.of(ProtocolAnomaly.class).get(0).name());
    }

    @Test
    void notAKerberosMessage() {
        byte[] bad = Hex.decode("6503020105");
        RecordingContext ctx = new RecordingContext(Transport.UDP, 88);
        assertTrue(analyzer(ctx).onData(Direction.TO_SERVER, bad, 0, bad.length));
        assertEquals("kerberos.unknown_message", ctx.of(ProtocolAnomaly.class).get(0).name());
    }

    @Test
    void aMalformedRecordFirstDoesNotHideTheRequestAfterIt() {
        // Synthetic: a record whose DER is broken ([1] pvno claims 127 bytes), then the AS-REQ.
        byte[] bad = AS_REQ.clone();
        bad[5] = 0x7f;
        byte[] mark = {(byte) (bad.length >>> 24), (byte) (bad.length >>> 16), (byte) (bad.length >>> 8), (byte) bad.length};
        byte[] seg = new byte[4 + bad.length + AS_REQ_RECORD.length];
        System.arraycopy(mark, 0, seg, 0, 4);
        System.arraycopy(bad, 0, seg, 4, bad.length);
        System.arraycopy(AS_REQ_RECORD, 0, seg, 4 + bad.length, AS_REQ_RECORD.length);
        RecordingContext ctx = tcp();
        assertTrue(analyzer(ctx).onData(Direction.TO_SERVER, seg, 0, seg.length));
        assertEquals("kerberos.malformed_data", ctx.of(ProtocolAnomaly.class).get(0).name());
        assertAsReq(ctx.of(KerberosRequest.class).get(0));
    }

    @Test
    void truncatedAtEveryLengthNeverThrows() {
        for (int n = 0; n < AS_REQ.length; n++) {
            RecordingContext ctx = new RecordingContext(Transport.UDP, 88);
            analyzer(ctx).onData(Direction.TO_SERVER, AS_REQ, 0, n);
            assertTrue(ctx.of(KerberosRequest.class).isEmpty());
        }
    }

    @Test
    void gapDropsThePartialRecordAndResynchronises() {
        RecordingContext ctx = tcp();
        KerberosAnalyzer a = analyzer(ctx);
        assertTrue(a.onData(Direction.TO_SERVER, AS_REQ_RECORD, 0, 50));
        assertTrue(a.onGap(Direction.TO_SERVER, 30));
        // the rest of the broken record is ignored, the next whole record is decoded
        assertTrue(a.onData(Direction.TO_SERVER, AS_REQ_RECORD, 80, AS_REQ_RECORD.length - 80));
        assertTrue(a.onData(Direction.TO_SERVER, AS_REQ_RECORD, 0, AS_REQ_RECORD.length));
        assertEquals("kerberos.gap", ctx.of(ProtocolAnomaly.class).get(0).name());
        assertEquals(1, ctx.of(KerberosRequest.class).size());
    }

    @Test
    void tooManyEtypesIsAnAnomaly() {
        RecordingContext ctx = new RecordingContext(Transport.UDP, 88);
        KerberosAnalyzer a = new KerberosAnalyzer(ctx, new KerberosLimits(1 << 20, 32, 1, 16),
                new KerberosCounters());
        // the AS-REQ has one PA-DATA, one etype and two sname components: two components is over 1
        assertTrue(a.onData(Direction.TO_SERVER, AS_REQ, 0, AS_REQ.length));
        assertEquals("kerberos.too_many_items", ctx.of(ProtocolAnomaly.class).get(0).name());
    }

    @Test
    void probeNeedsRecordMarkAndApplicationTag() {
        KerberosAnalyzerFactory f = new KerberosAnalyzerFactory();
        assertEquals(ProbeResult.MATCH, f.probe(Transport.TCP, Direction.TO_SERVER, AS_REQ_RECORD, 0, 8));
        assertEquals(ProbeResult.NEED_MORE, f.probe(Transport.TCP, Direction.TO_SERVER, AS_REQ_RECORD, 0, 3));
        assertEquals(ProbeResult.MATCH, f.probe(Transport.UDP, Direction.TO_SERVER, AS_REQ, 0, 8));
        assertEquals(ProbeResult.NO_MATCH, f.probe(Transport.UDP, Direction.TO_SERVER, AS_REQ_RECORD, 0, 8));
        assertEquals(ProbeResult.NEED_MORE, f.probe(Transport.TCP, Direction.TO_SERVER, AS_REQ_RECORD, 40, 8),
                "mid-record: the other direction decides");
        assertTrue(f.wantsPort(Transport.TCP, 88));
        assertFalse(f.wantsPort(Transport.TCP, 389));
    }

    @Test
    void tokenHookTurnsAnApReqIntoAnEventWithItsCarrier() {
        // lab atk_golden_ticket.pcap frame 13: the PA-TGS-REQ padata-value is a whole AP-REQ
        byte[] rec = KerberosParserFixtures.GOLDEN_TGS_REQ_RECORD;
        KerberosParser p = new KerberosParser(KerberosLimits.DEFAULTS);
        int apOff = KerberosParserFixtures.indexOf(rec, new byte[] {0x6e, (byte) 0x82});
        RecordingContext ctx = new RecordingContext(Transport.TCP, 445);
        new KerberosTokenHandler().onKerberosMessage(ctx, Carrier.SMB2, Direction.TO_SERVER, rec, apOff,
                rec.length - apOff);
        KerberosApRequest ap = ctx.of(KerberosApRequest.class).get(0);
        assertEquals(Carrier.SMB2, ap.carrier());
        assertEquals("krbtgt/LAB.TEST", ap.ticket().sname().toString());
        assertEquals(2, ap.ticket().sname().nameType());
        assertEquals(18, ap.ticket().etype());
        assertEquals(2, ap.ticket().kvno());
        assertEquals(18, ap.authenticatorEtype());
        assertEquals(0, ap.apOptions());
        assertTrue(p != null);
    }

    @Test
    void tokenHookReportsAMalformedToken() {
        RecordingContext ctx = new RecordingContext(Transport.TCP, 445);
        byte[] bad = Hex.decode("6e05300302");
        new KerberosTokenHandler().onKerberosMessage(ctx, Carrier.LDAP, Direction.TO_SERVER, bad, 0, bad.length);
        assertEquals("kerberos.truncated", ctx.of(ProtocolAnomaly.class).get(0).name());
    }

    @Test
    void directionPickedUpMidRecordWaitsForTheNextRecord() {
        // ntop nDPI kerberos.pcap stream 14: the request's first segment is missing, the KRB-ERROR is whole
        RecordingContext ctx = tcp();
        KerberosAnalyzer a = analyzer(ctx);
        assertTrue(a.onData(Direction.TO_SERVER, AS_REQ_RECORD, 40, AS_REQ_RECORD.length - 40));
        assertTrue(ctx.events.isEmpty(), "the tail of a record is passed over");
        assertTrue(a.onData(Direction.TO_SERVER, AS_REQ_RECORD, 0, AS_REQ_RECORD.length));
        assertAsReq(ctx.of(KerberosRequest.class).get(0));
    }
}
