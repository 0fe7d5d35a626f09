package io.impacketsensor.detection.eve;

import io.impacketsensor.core.event.Transport;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The timestamp and Community ID shortcuts give what the full computation gives. */
class EveTimestampTest {
    private static final DateTimeFormatter FULL =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxx").withZone(ZoneOffset.UTC);

    private static String full(long nanos) {
        return FULL.format(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)));
    }

    @Test
    void timestampsEqualTheFormattersInAndAcrossSeconds() {
        Random r = new Random(19);
        long t = 1_764_000_000_123_456_789L;
        for (int i = 0; i < 20_000; i++) {
            // mostly steps within a second, sometimes across; now and then anywhere a long reaches (1677..2262)
            t += i % 50 == 0 ? r.nextInt(2_000_000_000) : r.nextInt(1_000_000);
            long at = i % 997 == 0 ? r.nextLong() : t;
            assertEquals(full(at), EveCommon.timestamp(at));
        }
        for (long edge : new long[] {0, 999, 1_000, 999_999_999, -1, -1_000_000_001L, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertEquals(full(edge), EveCommon.timestamp(edge), "at " + edge);
        }
    }

    @Test
    void aReusedStampEqualsTheFormatterInAndAcrossSecondsDaysAndYears() {
        Random r = new Random(31);
        EveCommon.Stamp s = new EveCommon.Stamp();
        long t = 946_684_799_999_999_000L; // 1999-12-31T23:59:59.999999
        for (int i = 0; i < 20_000; i++) {
            t += i % 40 == 0 ? (long) r.nextInt(200_000) * 1_000_000_000L : r.nextInt(300_000_000);
            long at = i % 501 == 0 ? (long) (r.nextDouble() * Long.MAX_VALUE) : t;
            assertEquals(true, s.set(at));
            assertEquals(full(at), new String(s.bytes, 0, EveCommon.STAMP_LENGTH, java.nio.charset.StandardCharsets.ISO_8859_1),
                    "at " + at);
        }
        assertEquals(true, s.set(Long.MAX_VALUE));
        assertEquals(full(Long.MAX_VALUE), new String(s.bytes, 0, EveCommon.STAMP_LENGTH, java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals(false, s.set(-1), "before 1970: the formatter's form");
    }

    @Test
    void communityIdOfARepeatedFlowIsTheSame() throws Exception {
        CommunityId c = new CommunityId();
        InetAddress a = InetAddress.getByName("10.0.0.1");
        InetAddress b = InetAddress.getByName("10.0.0.2");
        InetAddress v6 = InetAddress.getByName("fe80::1");
        String ab = new CommunityId().of(a, 1000, b, 445, Transport.TCP);
        String ba = new CommunityId().of(b, 445, a, 1000, Transport.TCP);
        String udp = new CommunityId().of(a, 1000, b, 445, Transport.UDP);
        String six = new CommunityId().of(v6, 1000, b, 445, Transport.TCP);
        for (int i = 0; i < 3; i++) {
            assertEquals(ab, c.of(a, 1000, b, 445, Transport.TCP));
            assertEquals(ab, c.of(a, 1000, b, 445, Transport.TCP));
            assertEquals(ba, c.of(b, 445, a, 1000, Transport.TCP));
            assertEquals(udp, c.of(a, 1000, b, 445, Transport.UDP));
            assertEquals(six, c.of(v6, 1000, b, 445, Transport.TCP));
        }
        assertEquals(ab, ba, "both directions hash the same");
    }

    @Test
    void fuidIsTheFormattersGrouping() {
        Random r = new Random(64);
        long[] before = {0, 0};
        for (int i = 0; i < 10_000; i++) {
            long p = i < 4 ? (i < 2 ? 0 : -1) : i % 5 == 0 ? before[0] : r.nextLong();
            long v = i < 4 ? (i % 2 == 0 ? 0 : -1) : i % 7 == 0 ? before[1] : r.nextLong();
            // each asked twice (a CREATE's record and its file state), and now and then the one before again
            for (int k = 0; k < 2; k++) {
                assertEquals(String.format("%08x-%04x-%04x-%04x-%04x%08x", p & 0xFFFF_FFFFL, (p >>> 32) & 0xFFFF,
                        (p >>> 48) & 0xFFFF, v & 0xFFFF, (v >>> 16) & 0xFFFF, (v >>> 32) & 0xFFFF_FFFFL),
                        SmbRecords.fuid(p, v));
            }
            before[0] = p;
            before[1] = v;
        }
    }

    @Test
    void interfaceVersionsAndStatusCodesReadAsTheirConcatenation() {
        java.util.UUID u = java.util.UUID.randomUUID();
        for (int major : new int[] {0, 1, 3, 15, 16, 255, 65535}) {
            for (int minor : new int[] {0, 1, 2, 15, 16, 65535}) {
                assertEquals(major + "." + minor, DcerpcRecords.version(
                        new io.impacketsensor.core.event.DcerpcEvent.Context(0, u, major, minor, java.util.List.of(), -1, -1)));
            }
        }
        Random r = new Random(34);
        for (int i = 0; i < 20_000; i++) {
            // a few statuses repeated (the cached texts) among random ones that evict them
            long status = i % 3 == 0 ? r.nextLong() : new long[] {0, 0xC0000022L, 0x80000005L, 0xC0000034L}[i % 4];
            assertEquals("0x" + Long.toHexString(status & 0xFFFF_FFFFL), SmbRecords.statusCode(status));
        }
    }

    @Test
    void hex32IsTheFormattersEightDigits() {
        Random r = new Random(32);
        for (int v : new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x00100000, 0xDEADBEEF}) {
            assertEquals(String.format("0x%08x", v), EveCommon.hex32(v));
        }
        for (int i = 0; i < 1000; i++) {
            int v = r.nextInt();
            assertEquals(String.format("0x%08x", v), EveCommon.hex32(v));
        }
    }
}
