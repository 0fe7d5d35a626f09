package io.impacketsensor.core.packet;

import org.junit.jupiter.api.Test;

import static io.impacketsensor.core.packet.Frames.concat;
import static io.impacketsensor.core.packet.Frames.ether;
import static io.impacketsensor.core.packet.Frames.ext6;
import static io.impacketsensor.core.packet.Frames.frag6;
import static io.impacketsensor.core.packet.Frames.ipv4;
import static io.impacketsensor.core.packet.Frames.ipv6;
import static io.impacketsensor.core.packet.Frames.tcp;
import static io.impacketsensor.core.packet.Frames.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Link types, IPv4/IPv6 headers and TCP/UDP on synthetic frames. */
class PacketDecoderTest {
    private static final byte[] PAYLOAD = {1, 2, 3, 4, 5};
    private static final byte[] TCP = tcp(1234, 445, 100, 200, Frames.ACK | Frames.PSH, null, PAYLOAD);
    private static final byte[] V4 = ipv4("192.0.2.1", "198.51.100.2", 6, TCP);
    private static final byte[] V6 = ipv6("2001:db8::1", "2001:db8::2", 6, null, TCP);

    private final Packet p = new Packet();

    private int decode(int linkType, byte[] frame) {
        int r = PacketDecoder.decodeLink(p, linkType, 0, frame, frame.length, frame.length);
        if (r != PacketDecoder.OK) {
            return r;
        }
        r = PacketDecoder.decodeIp(p);
        if (r != PacketDecoder.OK) {
            return r;
        }
        return PacketDecoder.decodeTransport(p);
    }

    private void assertTcpV4() {
        assertEquals(4, p.ipVersion);
        assertEquals(0xC0000201L, p.srcLo);
        assertEquals(0xC6336402L, p.dstLo);
        assertTcpFields();
    }

    private void assertTcpFields() {
        assertEquals(6, p.ipProto);
        assertEquals(1234, p.srcPort);
        assertEquals(445, p.dstPort);
        assertEquals(100, p.tcpSeq);
        assertEquals(200, p.tcpAck);
        assertEquals(Frames.ACK | Frames.PSH, p.tcpFlags);
        assertEquals(5, p.payloadLen);
        assertEquals(1, p.l4Buf[p.payloadOff]);
    }

    @Test
    void ethernetIpv4Tcp() {
        assertEquals(PacketDecoder.OK, decode(LinkTypes.ETHERNET, ether(V4)));
        assertEquals(14, p.l3Off);
        assertTcpV4();
    }

    @Test
    void ethernetWithOneVlanTag() {
        assertEquals(PacketDecoder.OK, decode(LinkTypes.ETHERNET, ether(V4, 0x8100)));
        assertEquals(18, p.l3Off);
        assertTcpV4();
    }

    @Test
    void ethernetQinQBothTpids() {
        assertEquals(PacketDecoder.OK, decode(LinkTypes.ETHERNET, ether(V4, 0x88A8, 0x8100)));
        assertEquals(22, p.l3Off);
        assertTcpV4();
        assertEquals(PacketDecoder.OK, decode(LinkTypes.ETHERNET, ether(V6, 0x9100, 0x8100)));
        assertEquals(6, p.ipVersion);
    }

    @Test
    void tooManyVlanTagsIsMalformed() {
        assertEquals(PacketDecoder.MALFORMED, decode(LinkTypes.ETHERNET, ether(V4, 0x8100, 0x8100, 0x8100, 0x8100, 0x8100)));
    }

    @Test
    void nonIpEthertypesAreNotIp() {
        assertEquals(PacketDecoder.NOT_IP, decode(LinkTypes.ETHERNET, Frames.etherType(0x0806, new byte[28])));
        // An 802.3 length field instead of a type.
        assertEquals(PacketDecoder.NOT_IP, decode(LinkTypes.ETHERNET, Frames.etherType(0x0040, new byte[64])));
    }

    @Test
    void linuxCookedV1AndV2() {
        assertEquals(PacketDecoder.OK, decode(LinkTypes.LINUX_SLL, Frames.sll(V4)));
        assertEquals(16, p.l3Off);
        assertTcpV4();
        assertEquals(PacketDecoder.OK, decode(LinkTypes.LINUX_SLL2, Frames.sll2(V6)));
        assertEquals(20, p.l3Off);
        assertEquals(6, p.ipVersion);
        assertTcpFields();
    }

    @Test
    void rawIpEveryNumbering() {
        for (int lt : new int[] {LinkTypes.RAW, LinkTypes.RAW_DLT12, LinkTypes.RAW_DLT14, LinkTypes.IPV4}) {
            assertEquals(PacketDecoder.OK, decode(lt, V4), "linktype " + lt);
            assertEquals(0, p.l3Off);
            assertTcpV4();
        }
        assertEquals(PacketDecoder.OK, decode(LinkTypes.IPV6, V6));
        assertEquals(6, p.ipVersion);
        assertEquals(PacketDecoder.MALFORMED, decode(LinkTypes.RAW, new byte[] {0x50, 0, 0, 0}));
    }

    @Test
    void bsdNullBothByteOrdersAndLoop() {
        assertEquals(PacketDecoder.OK, decode(LinkTypes.NULL, Frames.nullLoop(2, true, V4)));
        assertTcpV4();
        assertEquals(PacketDecoder.OK, decode(LinkTypes.NULL, Frames.nullLoop(2, false, V4)));
        assertTcpV4();
        for (int af6 : new int[] {24, 28, 30, 10}) {
            assertEquals(PacketDecoder.OK, decode(LinkTypes.NULL, Frames.nullLoop(af6, true, V6)), "AF " + af6);
            assertEquals(6, p.ipVersion);
        }
        assertEquals(PacketDecoder.OK, decode(LinkTypes.LOOP, Frames.nullLoop(2, false, V4)));
        assertTcpV4();
        assertEquals(PacketDecoder.NOT_IP, decode(LinkTypes.LOOP, Frames.nullLoop(7, false, V4)));
    }

    @Test
    void unsupportedLinkType() {
        assertEquals(PacketDecoder.UNSUPPORTED_LINK, decode(127, V4));
    }

    @Test
    void ipv4OptionsAreSkipped() {
        byte[] opts = {(byte) 0x94, 4, 0, 0, 1, 1, 1, 0}; // router alert + NOPs + EOL
        byte[] v4 = ipv4("192.0.2.1", "198.51.100.2", 6, 7, 0, opts, TCP);
        assertEquals(PacketDecoder.OK, decode(LinkTypes.RAW, v4));
        assertEquals(28, p.l4Off);
        assertTcpV4();
    }

    @Test
    void ipv4EthernetPaddingIsTrimmedByTotalLength() {
        byte[] udp = udp(53, 5353, new byte[] {9});
        byte[] frame = concat(ether(ipv4("192.0.2.1", "198.51.100.2", 17, udp)), new byte[20]);
        assertEquals(PacketDecoder.OK, decode(LinkTypes.ETHERNET, frame));
        assertEquals(1, p.payloadLen);
        assertFalse(p.truncated);
    }

    @Test
    void ipv4HeaderChecks() {
        byte[] v4 = V4.clone();
        v4[0] = 0x44; // IHL 16 bytes
        assertEquals(PacketDecoder.MALFORMED, decode(LinkTypes.RAW, v4));
        v4 = V4.clone();
        v4[0] = 0x4F; // IHL 60 bytes > packet
        assertEquals(PacketDecoder.MALFORMED, decodeIpOnly(v4));
        v4 = V4.clone();
        Frames.put16(v4, 2, 10); // total length < header
        assertEquals(PacketDecoder.MALFORMED, decodeIpOnly(v4));
        assertEquals(PacketDecoder.MALFORMED, decodeIpOnly(new byte[] {0x45, 0, 0, 20}));
    }

    private int decodeIpOnly(byte[] v4) {
        PacketDecoder.decodeLink(p, LinkTypes.RAW, 0, v4, v4.length, v4.length);
        return PacketDecoder.decodeIp(p);
    }

    @Test
    void truncatedCaptureIsMarked() {
        byte[] frame = ether(V4);
        int caplen = frame.length - 3;
        assertEquals(PacketDecoder.OK, PacketDecoder.decodeLink(p, LinkTypes.ETHERNET, 0, frame, caplen, frame.length));
        assertEquals(PacketDecoder.OK, PacketDecoder.decodeIp(p));
        assertTrue(p.truncated);
        assertEquals(PacketDecoder.OK, PacketDecoder.decodeTransport(p));
        assertEquals(2, p.payloadLen);
    }

    @Test
    void ipv4TotalLengthZeroFromSegmentationOffload() {
        byte[] v4 = V4.clone();
        Frames.put16(v4, 2, 0);
        assertEquals(PacketDecoder.OK, decode(LinkTypes.RAW, v4));
        assertEquals(5, p.payloadLen);
    }

    @Test
    void ipv4FragmentsAreReportedWithOffsets() {
        byte[] v4 = ipv4("192.0.2.1", "198.51.100.2", 17, 77, 0x2000 | 3, null, new byte[16]);
        assertEquals(PacketDecoder.FRAGMENT, decodeIpOnly(v4));
        assertTrue(p.moreFragments);
        assertEquals(24, p.fragOffset);
        assertEquals(77, p.fragId);
        assertEquals(16, p.l4Len);
    }

    @Test
    void ipv6ExtensionHeadersAreWalked() {
        // hop-by-hop (8) -> routing (16) -> destination options (8) -> AH (12+4 = 16 bytes) -> TCP
        byte[] ah = new byte[16];
        ah[0] = 6;
        ah[1] = 2; // (2 + 2) * 4 = 16
        byte[] ext = concat(ext6(43, 1), ext6(60, 2), ext6(51, 1), ah);
        byte[] v6 = ipv6("2001:db8::1", "2001:db8::2", 0, ext, TCP);
        assertEquals(PacketDecoder.OK, decode(LinkTypes.RAW, v6));
        assertEquals(40 + 48, p.l4Off);
        assertEquals(0x20010db800000000L, p.srcHi);
        assertEquals(1L, p.srcLo);
        assertTcpFields();
    }

    @Test
    void ipv6ExtensionHeaderPastTheEndIsMalformed() {
        byte[] ext = ext6(6, 4); // claims 32 bytes
        byte[] v6 = ipv6("2001:db8::1", "2001:db8::2", 0, new byte[0], concat(ext).clone());
        // The hop-by-hop header claims more bytes than the packet holds.
        byte[] cut = java.util.Arrays.copyOf(v6, 40 + 16);
        Frames.put16(cut, 4, 16);
        assertEquals(PacketDecoder.MALFORMED, decode(LinkTypes.RAW, cut));
    }

    @Test
    void ipv6TooManyExtensionHeaders() {
        byte[][] parts = new byte[12][];
        for (int i = 0; i < 12; i++) {
            parts[i] = ext6(i == 11 ? 6 : 60, 1);
        }
        byte[] v6 = ipv6("2001:db8::1", "2001:db8::2", 0, concat(parts), TCP);
        assertEquals(PacketDecoder.MALFORMED, decode(LinkTypes.RAW, v6));
    }

    @Test
    void ipv6FragmentHeaderAndAtomicFragment() {
        byte[] v6 = ipv6("2001:db8::1", "2001:db8::2", 44, frag6(17, 8, true, 0x12345678), new byte[24]);
        assertEquals(PacketDecoder.FRAGMENT, decodeIpOnly(v6));
        assertEquals(8, p.fragOffset);
        assertTrue(p.moreFragments);
        assertEquals(0x12345678, p.fragId);
        assertEquals(17, p.ipProto);
        // RFC 6946 atomic fragment: offset 0, M = 0 is processed as a whole packet.
        v6 = ipv6("2001:db8::1", "2001:db8::2", 44, frag6(6, 0, false, 5), TCP);
        assertEquals(PacketDecoder.OK, decode(LinkTypes.RAW, v6));
        assertTcpFields();
    }

    @Test
    void espAndNoNextHeaderAreOtherProtocols() {
        assertEquals(PacketDecoder.OTHER_PROTO, decodeIpOnly(ipv6("2001:db8::1", "2001:db8::2", 59, null, new byte[0])));
        assertEquals(PacketDecoder.OTHER_PROTO, decodeIpOnly(ipv6("2001:db8::1", "2001:db8::2", 50, null, new byte[16])));
        assertEquals(PacketDecoder.OTHER_PROTO, decodeIpOnly(ipv4("192.0.2.1", "198.51.100.2", 1, new byte[8])));
    }

    @Test
    void tcpHeaderChecksAndOptions() {
        byte[] opts = {2, 4, 5, (byte) 0xB4, 1, 1, 4, 2}; // MSS, NOP, NOP, SACK-permitted
        byte[] t = tcp(1, 2, 3, 4, Frames.SYN, opts, new byte[0]);
        assertEquals(PacketDecoder.OK, decode(LinkTypes.RAW, ipv4("192.0.2.1", "198.51.100.2", 6, t)));
        assertEquals(8, p.tcpOptionsLen);
        assertEquals(0, p.payloadLen);
        assertEquals(Frames.SYN, p.tcpFlags);
        byte[] bad = TCP.clone();
        bad[12] = 0x40; // data offset 16 bytes
        assertEquals(PacketDecoder.MALFORMED, decode(LinkTypes.RAW, ipv4("192.0.2.1", "198.51.100.2", 6, bad)));
        bad[12] = (byte) 0xF0; // 60 bytes > segment
        assertEquals(PacketDecoder.MALFORMED, decode(LinkTypes.RAW, ipv4("192.0.2.1", "198.51.100.2", 6, bad)));
        assertEquals(PacketDecoder.MALFORMED, decode(LinkTypes.RAW, ipv4("192.0.2.1", "198.51.100.2", 6, new byte[19])));
    }

    @Test
    void udpLengthChecks() {
        byte[] u = udp(88, 50000, new byte[] {1, 2, 3});
        assertEquals(PacketDecoder.OK, decode(LinkTypes.RAW, ipv4("192.0.2.1", "198.51.100.2", 17, u)));
        assertEquals(3, p.payloadLen);
        assertEquals(88, p.srcPort);
        byte[] shortLen = u.clone();
        Frames.put16(shortLen, 4, 4);
        assertEquals(PacketDecoder.MALFORMED, decode(LinkTypes.RAW, ipv4("192.0.2.1", "198.51.100.2", 17, shortLen)));
        byte[] longLen = u.clone();
        Frames.put16(longLen, 4, 100);
        assertEquals(PacketDecoder.OK, decode(LinkTypes.RAW, ipv4("192.0.2.1", "198.51.100.2", 17, longLen)));
        assertTrue(p.truncated);
        assertEquals(3, p.payloadLen);
        assertEquals(PacketDecoder.MALFORMED, decode(LinkTypes.RAW, ipv4("192.0.2.1", "198.51.100.2", 17, new byte[7])));
    }

    @Test
    void shortLinkHeadersAreMalformed() {
        assertEquals(PacketDecoder.MALFORMED, decode(LinkTypes.ETHERNET, new byte[13]));
        assertEquals(PacketDecoder.MALFORMED, decode(LinkTypes.LINUX_SLL, new byte[15]));
        assertEquals(PacketDecoder.MALFORMED, decode(LinkTypes.LINUX_SLL2, new byte[19]));
        assertEquals(PacketDecoder.MALFORMED, decode(LinkTypes.NULL, new byte[3]));
        assertEquals(PacketDecoder.MALFORMED, decode(LinkTypes.RAW, new byte[0]));
        byte[] eth = ether(V4);
        assertEquals(PacketDecoder.MALFORMED, PacketDecoder.decodeLink(p, LinkTypes.ETHERNET, 0, eth, 14, 14));
    }

    @Test
    void everyTruncationOfAFrameIsHandledWithoutException() {
        byte[] frame = ether(ipv6("2001:db8::1", "2001:db8::2", 0, ext6(44, 1),
                concat(frag6(6, 0, false, 1), TCP)), 0x8100);
        for (int cut = 0; cut <= frame.length; cut++) {
            int r = PacketDecoder.decodeLink(p, LinkTypes.ETHERNET, 0, frame, cut, frame.length);
            if (r == PacketDecoder.OK) {
                r = PacketDecoder.decodeIp(p);
            }
            if (r == PacketDecoder.OK) {
                r = PacketDecoder.decodeTransport(p);
            }
            if (cut == frame.length) {
                assertEquals(PacketDecoder.OK, r);
                assertTcpFields();
            }
        }
    }
}
