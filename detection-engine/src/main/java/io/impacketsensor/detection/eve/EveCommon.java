package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.Transport;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
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

    /**
     * Characters of a timestamp from 1970 on: {@code yyyy-MM-ddTHH:mm:ss.SSSSSS+0000} (epoch
     * nanoseconds in a long end in 2262, so the year always has four digits and no sign).
     */
    static final int STAMP_LENGTH = 31;

    /** Suricata's timestamp form, e.g. {@code 2026-11-27T14:03:22.123456+0000}. */
    public static String timestamp(long epochNanos) {
        Stamp s = new Stamp();
        if (!s.set(epochNanos)) {
            long sec = Math.floorDiv(epochNanos, 1_000_000_000L);
            return TS.format(Instant.ofEpochSecond(sec, Math.floorMod(epochNanos, 1_000_000_000L)));
        }
        return new String(s.bytes, 0, STAMP_LENGTH, StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes field {@code name} with the timestamp of {@code epochNanos}: from the generator's reused
     * bytes when it is an {@link EveJson} generator (no string made, the date of the previous
     * record's second reused), else as {@link #timestamp}. The same bytes either way: the text is
     * ASCII that JSON never escapes.
     */
    public static void writeTimestamp(JsonGenerator g, String name, long epochNanos) throws IOException {
        if (g instanceof EveJson.NameKeeping k && k.stamp.set(epochNanos)) {
            g.writeFieldName(name);
            g.writeRawUTF8String(k.stamp.bytes, 0, STAMP_LENGTH);
        } else {
            g.writeStringField(name, timestamp(epochNanos));
        }
    }

    /**
     * A timestamp's ASCII bytes, rewritten in place for each record: the date and time of day only
     * when the second changes (records come in capture order), then the microseconds (truncated,
     * as the pattern's SSSSSS). The civil date is Hinnant's days-to-civil algorithm (proleptic
     * Gregorian, as {@code java.time}), exact for every second this form covers.
     */
    static final class Stamp {
        final byte[] bytes = new byte[STAMP_LENGTH];
        private long second = Long.MIN_VALUE;

        Stamp() {
            bytes[4] = '-';
            bytes[7] = '-';
            bytes[10] = 'T';
            bytes[13] = ':';
            bytes[16] = ':';
            bytes[19] = '.';
            bytes[26] = '+';
            bytes[27] = '0';
            bytes[28] = '0';
            bytes[29] = '0';
            bytes[30] = '0';
        }

        /** Fills {@link #bytes}; false (nothing written) before 1970, which the formatter writes. */
        boolean set(long epochNanos) {
            if (epochNanos < 0) {
                return false;
            }
            long sec = epochNanos / 1_000_000_000L;
            if (sec != second) {
                date(sec);
                second = sec;
            }
            int micros = (int) (epochNanos % 1_000_000_000L) / 1000;
            for (int i = 25; i >= 20; i--) {
                bytes[i] = (byte) ('0' + micros % 10);
                micros /= 10;
            }
            return true;
        }

        private void date(long sec) {
            long days = sec / 86_400;
            int tod = (int) (sec % 86_400);
            long z = days + 719_468;
            long era = z / 146_097;
            long doe = z - era * 146_097;
            long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
            long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            long mp = (5 * doy + 2) / 153;
            int day = (int) (doy - (153 * mp + 2) / 5 + 1);
            int month = (int) (mp < 10 ? mp + 3 : mp - 9);
            int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
            two(0, year / 100);
            two(2, year % 100);
            two(5, month);
            two(8, day);
            two(11, tod / 3600);
            two(14, tod / 60 % 60);
            two(17, tod % 60);
        }

        private void two(int at, int v) {
            bytes[at] = (byte) ('0' + v / 10);
            bytes[at + 1] = (byte) ('0' + v % 10);
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** The low {@code digits} hex digits of {@code v}, lowercase and zero-padded, into {@code out} from {@code at}. */
    static void hex(char[] out, int at, long v, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            out[at + i] = HEX[(int) v & 0xF];
            v >>>= 4;
        }
    }

    /** {@code 0x} and eight lowercase hex digits, as {@code String.format("0x%08x", v)} without the formatter. */
    public static String hex32(int v) {
        // Statuses and flags repeat: the text made last for a value in its slot is given again.
        Hex32 kept = HEX32[(v ^ v >>> 16) & (HEX32.length - 1)];
        if (kept != null && kept.value == v) {
            return kept.text;
        }
        String text = formatHex32(v);
        HEX32[(v ^ v >>> 16) & (HEX32.length - 1)] = new Hex32(v, text);
        return text;
    }

    /** A value and its {@link #hex32} text: immutable, so a thread reading another's slot sees both. */
    private record Hex32(int value, String text) {
    }

    private static final Hex32[] HEX32 = new Hex32[64];

    private static String formatHex32(int v) {
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
        if (!(g instanceof EveJson.NameKeeping k)) {
            writeHeaderPlain(g, h, eventType, appProto);
            return;
        }
        FlowText t = k.flowText(h);
        writeTimestamp(g, "timestamp", h.timestampNanos());
        g.writeNumberField("flow_id", t.flowId);
        long packet = PACKET.get()[0];
        if (packet > 0) {
            // Suricata's pcap_cnt: the replay's packet the record is logged on, omitted when there is none.
            g.writeNumberField("pcap_cnt", packet);
        }
        g.writeFieldName("event_type");
        k.writeKept(eventType);
        g.writeFieldName("src_ip");
        g.writeString(t.client);
        g.writeNumberField("src_port", h.clientPort());
        g.writeFieldName("dest_ip");
        g.writeString(t.server);
        g.writeNumberField("dest_port", h.serverPort());
        g.writeFieldName("proto");
        k.writeKept(h.transport().name());
        g.writeFieldName("community_id");
        g.writeString(t.communityId);
        if (appProto != null) {
            g.writeFieldName("app_proto");
            k.writeKept(appProto);
        }
    }

    /** {@link #writeHeader} on another generator: the same fields, each formatted for this record. */
    private static void writeHeaderPlain(JsonGenerator g, EventHeader h, String eventType, String appProto)
            throws IOException {
        g.writeStringField("timestamp", timestamp(h.timestampNanos()));
        g.writeNumberField("flow_id", flowId(h));
        long packet = PACKET.get()[0];
        if (packet > 0) {
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

    /**
     * What the header of every record of one flow repeats, formatted once per flow and kept by an
     * {@link EveJson} generator: the addresses' text, the {@code flow_id} and the Community ID (a
     * SHA-1 per record otherwise, as records of many flows interleave).
     */
    static final class FlowText {
        private final long id;
        private final InetAddress clientIp;
        private final InetAddress serverIp;
        private final int clientPort;
        private final int serverPort;
        private final Transport transport;
        final long flowId;
        final SerializedString client;
        final SerializedString server;
        final SerializedString communityId;

        /** @param texts where the addresses' text is kept across flows */
        FlowText(EventHeader h, CommunityId hasher, EveJson.NameKeeping texts) {
            id = h.flowId();
            clientIp = h.clientIp();
            serverIp = h.serverIp();
            clientPort = h.clientPort();
            serverPort = h.serverPort();
            transport = h.transport();
            flowId = EveCommon.flowId(h);
            client = texts.addressText(clientIp);
            server = texts.addressText(serverIp);
            communityId = new SerializedString(hasher.of(clientIp, clientPort, serverIp, serverPort, transport));
        }

        /** True when {@code h} is of this flow (its id, both endpoints and transport). */
        boolean of(EventHeader h) {
            return h.flowId() == id && h.clientPort() == clientPort && h.serverPort() == serverPort
                    && h.transport() == transport && same(h.clientIp(), clientIp) && same(h.serverIp(), serverIp);
        }

        private static boolean same(InetAddress a, InetAddress b) {
            return a == b || a.equals(b);
        }

        /** A slot of a table of {@code slots} (a power of two) for the flow of {@code h}. */
        static int slot(EventHeader h, int slots) {
            return (int) mix(h.flowId() ^ ((long) h.clientPort() << 16 | h.serverPort())) & (slots - 1);
        }
    }
}
