package io.impacketsensor.core.flow;

import io.impacketsensor.core.packet.FragmentReassembler;
import io.impacketsensor.core.packet.Frames;
import io.impacketsensor.core.packet.LinkTypes;
import io.impacketsensor.core.packet.Packet;
import io.impacketsensor.core.packet.PacketDecoder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static io.impacketsensor.core.packet.Frames.concat;
import static io.impacketsensor.core.packet.Frames.ether;
import static io.impacketsensor.core.packet.Frames.frag6;
import static io.impacketsensor.core.packet.Frames.ipv4;
import static io.impacketsensor.core.packet.Frames.ipv6;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** IPv4 and IPv6 fragment reassembly, alone and through the PacketProcessor (synthetic frames). */
class FragmentTest {
    private static final String SRC = "10.1.1.1";
    private static final String DST = "10.1.1.2";

    /** A UDP datagram (header + payload) as one byte array. */
    private static byte[] udpDatagram(String payload) {
        return Frames.udp(50000, 88, payload.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** IPv4 fragment of {@code whole[off, off+len)}. */
    private static byte[] frag4(byte[] whole, int off, int len, boolean more, int id) {
        int field = (more ? 0x2000 : 0) | off / 8;
        return ether(ipv4(SRC, DST, 17, id, field, null, Arrays.copyOfRange(whole, off, off + len)));
    }

    private static byte[] frag6frame(byte[] whole, int off, int len, boolean more, int id) {
        return ether(ipv6("2001:db8::1", "2001:db8::2", 44, frag6(17, off, more, id), Arrays.copyOfRange(whole, off, off + len)));
    }

    private static String payloadOf(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + i % 26));
        }
        return sb.toString();
    }

    @Test
    void ipv4FragmentsOutOfOrderAreReassembledIntoOneUdpDatagram() {
        RecordingFactory f = new RecordingFactory("krb", "", false, 88);
        Harness h = new Harness(FlowLimits.DEFAULTS, 88, f);
        String payload = payloadOf(40);
        byte[] whole = udpDatagram(payload); // 48 bytes
        h.frame(frag4(whole, 32, 16, false, 9));
        h.frame(frag4(whole, 0, 16, true, 9));
        assertEquals(0, f.created.size());
        h.frame(frag4(whole, 16, 16, true, 9));
        assertEquals(payload, f.only().toServer.toString());
        assertEquals(3, h.counter("frag.fragments"));
        assertEquals(1, h.counter("frag.reassembled"));
        assertEquals(1, h.counter("flow.udp"));
    }

    @Test
    void ipv4OverlapFirstCopyWins() {
        RecordingFactory f = new RecordingFactory("krb", "", false, 88);
        Harness h = new Harness(FlowLimits.DEFAULTS, 88, f);
        String payload = payloadOf(40);
        byte[] whole = udpDatagram(payload);
        byte[] altered = whole.clone();
        for (int i = 16; i < 32; i++) {
            altered[i] = 'X';
        }
        h.frame(frag4(whole, 0, 24, true, 4));
        // Overlaps bytes 16..23 with different content; also brings 24..31.
        h.frame(frag4(altered, 16, 16, true, 4));
        h.frame(frag4(whole, 32, 16, false, 4));
        String expected = payload.substring(0, 16) + "XXXXXXXX" + payload.substring(24);
        assertEquals(expected, f.only().toServer.toString());
        assertEquals(1, h.counter("frag.overlaps"));
        assertEquals(1, h.counter("frag.overlap_conflicts"));
    }

    @Test
    void ipv6FragmentsAreReassembled() {
        RecordingFactory f = new RecordingFactory("krb", "", false, 88);
        Harness h = new Harness(FlowLimits.DEFAULTS, 88, f);
        String payload = payloadOf(56);
        byte[] whole = udpDatagram(payload); // 64 bytes
        h.frame(frag6frame(whole, 24, 40, false, 77));
        h.frame(frag6frame(whole, 0, 24, true, 77));
        assertEquals(payload, f.only().toServer.toString());
        assertEquals(1, h.counter("ipv6") - 1);
    }

    @Test
    void ipv6OverlappingFragmentsDropTheDatagram() {
        RecordingFactory f = new RecordingFactory("krb", "", false, 88);
        Harness h = new Harness(FlowLimits.DEFAULTS, 88, f);
        byte[] whole = udpDatagram(payloadOf(56));
        h.frame(frag6frame(whole, 0, 32, true, 5));
        h.frame(frag6frame(whole, 24, 40, false, 5)); // overlaps 24..31: RFC 5722 drop
        assertEquals(0, f.created.size());
        assertEquals(1, h.counter("frag.dropped_overlap_v6"));
    }

    @Test
    void ipv6FragmentWithExtensionHeaderInTheFragmentablePart() {
        RecordingFactory f = new RecordingFactory("krb", "", false, 88);
        Harness h = new Harness(FlowLimits.DEFAULTS, 88, f);
        byte[] whole = concat(Frames.ext6(17, 1), udpDatagram("dest-opts-first")); // 8 + 23 bytes
        h.frame(ether(ipv6("2001:db8::1", "2001:db8::2", 44, frag6(60, 0, true, 8), Arrays.copyOfRange(whole, 0, 16))));
        h.frame(ether(ipv6("2001:db8::1", "2001:db8::2", 44, frag6(60, 16, false, 8), Arrays.copyOfRange(whole, 16, whole.length))));
        assertEquals("dest-opts-first", f.only().toServer.toString());
    }

    private static Packet fragment(Packet p, byte[] frame) {
        PacketDecoder.decodeLink(p, LinkTypes.ETHERNET, 0, frame, frame.length, frame.length);
        assertEquals(PacketDecoder.FRAGMENT, PacketDecoder.decodeIp(p));
        return p;
    }

    @Test
    void tooManyFragmentsDropTheDatagram() {
        FragmentReassembler r = new FragmentReassembler(4, 3, 65535, 1 << 20, 30_000_000_000L);
        byte[] whole = udpDatagram(payloadOf(56));
        Packet p = new Packet();
        for (int i = 0; i < 4; i++) {
            assertEquals(-1, r.add(fragment(p, frag4(whole, i * 8, 8, true, 1))));
        }
        assertEquals(1, r.droppedTooManyFragments);
        assertEquals(0, r.pending());
        assertEquals(0, r.bytesHeld());
    }

    @Test
    void datagramLargerThanTheLimitIsDropped() {
        FragmentReassembler r = new FragmentReassembler(4, 8, 32, 1 << 20, 30_000_000_000L);
        byte[] whole = udpDatagram(payloadOf(56));
        Packet p = new Packet();
        assertEquals(-1, r.add(fragment(p, frag4(whole, 32, 32, false, 1))));
        assertEquals(1, r.droppedTooBig);
        assertEquals(0, r.pending());
    }

    @Test
    void pendingDatagramLimitEvictsTheOldestAndTimeoutExpires() {
        FragmentReassembler r = new FragmentReassembler(2, 8, 65535, 1 << 20, 30_000_000_000L);
        byte[] whole = udpDatagram(payloadOf(56));
        Packet p = new Packet();
        for (int id = 1; id <= 3; id++) {
            byte[] fr = frag4(whole, 0, 16, true, id);
            PacketDecoder.decodeLink(p, LinkTypes.ETHERNET, id * 1_000_000_000L, fr, fr.length, fr.length);
            PacketDecoder.decodeIp(p);
            r.add(p);
        }
        assertEquals(1, r.evicted);
        assertEquals(2, r.pending());
        r.expire(40_000_000_000L);
        assertEquals(2, r.timeouts);
        assertEquals(0, r.pending());
        assertEquals(0, r.bytesHeld());
    }

    @Test
    void totalMemoryLimitDropsTheDatagram() {
        FragmentReassembler r = new FragmentReassembler(4, 8, 65535, 20, 30_000_000_000L);
        byte[] whole = udpDatagram(payloadOf(56));
        Packet p = new Packet();
        assertEquals(-1, r.add(fragment(p, frag4(whole, 0, 16, true, 1))));
        assertEquals(-1, r.add(fragment(p, frag4(whole, 0, 16, true, 2))));
        assertEquals(1, r.droppedMemory);
        assertEquals(16, r.bytesHeld());
    }
}
