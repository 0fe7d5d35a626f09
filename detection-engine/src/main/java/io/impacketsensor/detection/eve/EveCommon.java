package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.EventHeader;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The fields every EVE record starts with, in Suricata's layout and order: timestamp (microseconds,
 * {@code +0000} offset), flow_id, event_type, src/dest address and port, proto, community_id,
 * app_proto.
 * For protocol records the source is the flow's client; alerts name the attacker as source.
 */
public final class EveCommon {
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxx").withZone(ZoneOffset.UTC);

    /** Records are written on the event thread(s); each keeps its own hasher. */
    private static final ThreadLocal<CommunityId> COMMUNITY_ID = ThreadLocal.withInitial(CommunityId::new);

    /**
     * The packet number the records written next on this thread state ({@code pcap_cnt}), 0 for
     * none: set by the EVE writer around each event's records.
     */
    private static final ThreadLocal<long[]> PACKET = ThreadLocal.withInitial(() -> new long[1]);

    private EveCommon() {
    }

    /** The {@code pcap_cnt} of the records written next on this thread (0: not written). */
    public static void packet(long number) {
        PACKET.get()[0] = number;
    }

    /** The flow's Community ID (v1, seed 0), the same whichever side is named as source. */
    public static String communityId(EventHeader h) {
        return COMMUNITY_ID.get().of(h.clientIp(), h.clientPort(), h.serverIp(), h.serverPort(), h.transport());
    }

    /**
     * The EVE {@code flow_id}: a hash of the flow, as Suricata's is (its flow hash and start time,
     * cut to 51 bits so that JavaScript and JSON consumers keep it exact). Ours hashes the flow's
     * 5-tuple with the sensor's flow id, which is the capture position of the flow's first packet
     * in a replay (the same for every replay of a capture, whatever the number of workers) and a
     * per-run sequence live; so two replays of one capture agree, and two flows with the same
     * 5-tuple at different times (port reuse) differ. Every record of a flow, alerts included,
     * has the same value. {@code InetAddress.hashCode} is the IPv4 address itself, or a hash of
     * the IPv6 address, and allocates nothing.
     */
    public static long flowId(EventHeader h) {
        long x = h.flowId();
        x = mix(x ^ h.clientIp().hashCode());
        x = mix(x ^ ((long) h.clientPort() << 16 | h.serverPort()));
        x = mix(x ^ h.serverIp().hashCode());
        x = mix(x ^ h.transport().ordinal());
        return x & 0x7_FFFF_FFFF_FFFFL;
    }

    /** SplitMix64's finaliser (Steele, Lea, Flood 2014): every input bit changes half the output bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Up to the seconds' dot: what records of the same second share. */
    private static final DateTimeFormatter SECOND =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.").withZone(ZoneOffset.UTC);
    /** 9999-12-31T23:59:59Z: up to here {@link #SECOND} prints four year digits and no sign. */
    private static final long LAST_FOUR_DIGIT_SECOND = 253_402_300_799L;

    /** One second's formatted prefix (immutable, so sharing it between threads needs no lock). */
    private record SecondPrefix(long second, String text) {
    }

    private static volatile SecondPrefix lastSecond = new SecondPrefix(Long.MIN_VALUE, "");

    /** Suricata's timestamp form, e.g. {@code 2026-11-27T14:03:22.123456+0000}. */
    public static String timestamp(long epochNanos) {
        long sec = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nanos = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        if (sec < 0 || sec > LAST_FOUR_DIGIT_SECOND) {
            return TS.format(Instant.ofEpochSecond(sec, nanos));
        }
        // Records arrive in capture order, so most share the previous record's second: its date and
        // time are formatted once (the formatter builds a ZonedDateTime and zone rules per call),
        // and only the microseconds (truncated, as the pattern's SSSSSS) are written per record.
        SecondPrefix p = lastSecond;
        if (p.second() != sec) {
            p = new SecondPrefix(sec, SECOND.format(Instant.ofEpochSecond(sec)));
            lastSecond = p;
        }
        int micros = nanos / 1000;
        StringBuilder b = new StringBuilder(31).append(p.text());
        for (int div = 100_000; div > 0; div /= 10) {
            b.append((char) ('0' + micros / div % 10));
        }
        return b.append("+0000").toString();
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** {@code 0x} and eight lowercase hex digits, as {@code String.format("0x%08x", v)} without the formatter. */
    public static String hex32(int v) {
        char[] c = new char[10];
        c[0] = '0';
        c[1] = 'x';
        for (int i = 0; i < 8; i++) {
            c[9 - i] = HEX[(v >>> (4 * i)) & 0xF];
        }
        return new String(c);
    }

    /**
     * Version of the protocol records' layout, written as {@code impacket_sensor.eve_version} in every
     * protocol record: 2 is Suricata's keys, types and nesting with our decoded fields under
     * {@code impacket_sensor} (docs/user/eve.md).
     */
    public static final int EVE_VERSION = 2;

    /** The extension key of a protocol record: opens {@code impacket_sensor} and writes the version. */
    public static void startExtension(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("impacket_sensor");
        g.writeNumberField("eve_version", EVE_VERSION);
    }

    /**
     * Writes the common fields of a record whose source is the flow's client. The caller has
     * called {@code writeStartObject()} and writes its own object after this.
     */
    public static void writeHeader(JsonGenerator g, EventHeader h, String eventType, String appProto)
            throws IOException {
        g.writeStringField("timestamp", timestamp(h.timestampNanos()));
        g.writeNumberField("flow_id", flowId(h));
        long packet = PACKET.get()[0];
        if (packet > 0) {
            // Suricata's pcap_cnt: the replay's packet the record is logged on, omitted when there is none.
            g.writeNumberField("pcap_cnt", packet);
        }
        g.writeStringField("event_type", eventType);
        g.writeStringField("src_ip", h.clientIp().getHostAddress());
        g.writeNumberField("src_port", h.clientPort());
        g.writeStringField("dest_ip", h.serverIp().getHostAddress());
        g.writeNumberField("dest_port", h.serverPort());
        g.writeStringField("proto", h.transport().name());
        g.writeStringField("community_id", communityId(h));
        if (appProto != null) {
            g.writeStringField("app_proto", appProto);
        }
    }
}
