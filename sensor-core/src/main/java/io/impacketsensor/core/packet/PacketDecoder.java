package io.impacketsensor.core.packet;

import io.impacketsensor.core.wire.Bytes;

/**
 * Allocation-free L2 to L4 decoding of a frame into a reused {@link Packet}.
 *
 * <pre>
 *   Ethernet  dst(6) src(6) [TPID 0x8100/0x88a8/0x9100 TCI(2)]* ethertype(2)     IEEE 802.3, 802.1Q, 802.1ad
 *   SLL       pkttype(2) arphrd(2) alen(2) addr(8) protocol(2)                   LINKTYPE_LINUX_SLL
 *   SLL2      protocol(2) rsv(2) ifindex(4) arphrd(2) pkttype(1) alen(1) addr(8) LINKTYPE_LINUX_SLL2
 *   NULL      family(4, capturing host order)     LOOP  family(4, big-endian)
 *   RAW       the IP header (version nibble says 4 or 6)
 *   IPv4      RFC 791 3.1;  IPv6 RFC 8200 section 3, extension headers section 4
 *   TCP       RFC 9293 3.1;  UDP  RFC 768
 * </pre>
 *
 * Every step returns a status code instead of throwing; nothing here allocates.
 */
public final class PacketDecoder {
    /** Link decoding found an IP header at {@link Packet#l3Off}. */
    public static final int OK = 0;
    /** Not IP (ARP, LLC, MPLS, ...): counted, not analysed. */
    public static final int NOT_IP = 1;
    /** A header is shorter than its fixed part or lengths are inconsistent. */
    public static final int MALFORMED = 2;
    /** A link type this decoder does not know. */
    public static final int UNSUPPORTED_LINK = 3;
    /** The IP datagram is a fragment: hand it to the reassembler. */
    public static final int FRAGMENT = 4;
    /** IP carries neither TCP nor UDP (ICMP, ESP, no next header, ...). */
    public static final int OTHER_PROTO = 5;

    /** At most this many VLAN tags are skipped (802.1ad QinQ uses two). */
    public static final int MAX_VLAN_TAGS = 4;
    /** At most this many IPv6 extension headers are walked before the packet is called malformed. */
    public static final int MAX_IPV6_EXT_HEADERS = 8;

    private static final int ETH_IPV4 = 0x0800;
    private static final int ETH_IPV6 = 0x86DD;
    private static final int ETH_VLAN = 0x8100;
    private static final int ETH_QINQ = 0x88A8;
    private static final int ETH_QINQ_OLD = 0x9100;

    private PacketDecoder() {
    }

    /**
     * Resets {@code p} for a new frame and finds its IP header.
     *
     * @return OK (with {@code p.l3Off} set), NOT_IP, MALFORMED or UNSUPPORTED_LINK
     */
    public static int decodeLink(Packet p, int linkType, long tsNanos, byte[] frame, int caplen, int wirelen) {
        return decodeLink(p, linkType, tsNanos, frame, 0, caplen, wirelen);
    }

    /**
     * As {@link #decodeLink(Packet, int, long, byte[], int, int)} for a frame that starts at
     * {@code off} in {@code frame} (a capture file's read buffer lent to the ring slot); every
     * offset set in {@code p} is then an index into {@code frame}.
     */
    public static int decodeLink(Packet p, int linkType, long tsNanos, byte[] frame, int off, int caplen, int wirelen) {
        p.reset(linkType, tsNanos, frame, off, caplen, wirelen);
        int len = Math.max(0, Math.min(caplen, frame.length - off));
        p.caplen = len;
        int end = off + len;
        switch (linkType) {
            case LinkTypes.ETHERNET:
                if (len < 14) {
                    return MALFORMED;
                }
                int type = Bytes.u16be(frame, off + 12);
                if (type == ETH_IPV4 || type == ETH_IPV6) {
                    // An untagged IP frame, nearly every one: found here, without a call.
                    if (len == 14) {
                        return MALFORMED;
                    }
                    p.l3Off = off + 14;
                    return OK;
                }
                return etherType(p, off + 12, end);
            case LinkTypes.LINUX_SLL:
                if (len < 16) {
                    return MALFORMED;
                }
                return etherType(p, off + 14, end);
            case LinkTypes.LINUX_SLL2:
                if (len < 20) {
                    return MALFORMED;
                }
                return afterEtherType(p, Bytes.u16be(frame, off), off + 20, end);
            case LinkTypes.RAW:
            case LinkTypes.RAW_DLT14:
                return byVersionNibble(p, off, end);
            case LinkTypes.RAW_DLT12:
                // 12 is DLT_RAW almost everywhere but DLT_LOOP on OpenBSD: a frame that does not
                // start with an IP version is tried as a big-endian loopback header.
                if (len > 0 && ((frame[off] & 0xF0) == 0x40 || (frame[off] & 0xF0) == 0x60)) {
                    return byVersionNibble(p, off, end);
                }
                return loopback(p, LinkTypes.LOOP, off, end);
            case LinkTypes.IPV4:
            case LinkTypes.IPV6:
                return byVersionNibble(p, off, end);
            case LinkTypes.NULL:
            case LinkTypes.LOOP:
                return loopback(p, linkType, off, end);
            default:
                return UNSUPPORTED_LINK;
        }
    }

    /** {@code end}: the index in {@code p.frame} just past the captured bytes (as below). */
    private static int etherType(Packet p, int typeOff, int end) {
        byte[] f = p.frame;
        int type = Bytes.u16be(f, typeOff);
        int off = typeOff + 2;
        // 802.1Q (IEEE 802.1Q 9.5), 802.1ad S-tag, and the pre-standard 0x9100 QinQ tag.
        for (int tags = 0; type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ_OLD; tags++) {
            if (tags == MAX_VLAN_TAGS || off + 4 > end) {
                return MALFORMED;
            }
            type = Bytes.u16be(f, off + 2);
            off += 4;
        }
        return afterEtherType(p, type, off, end);
    }

    private static int afterEtherType(Packet p, int type, int off, int end) {
        if (type == ETH_IPV4 || type == ETH_IPV6) {
            if (off >= end) {
                return MALFORMED;
            }
            p.l3Off = off;
            return OK;
        }
        return NOT_IP;
    }

    private static int byVersionNibble(Packet p, int off, int end) {
        if (off >= end) {
            return MALFORMED;
        }
        int v = (p.frame[off] & 0xFF) >>> 4;
        if (v != 4 && v != 6) {
            return MALFORMED;
        }
        p.l3Off = off;
        return OK;
    }

    /**
     * BSD null/loopback: the address family is written in the capturing host's byte order
     * (LINKTYPE_NULL) or network order (LINKTYPE_LOOP). AF_INET is 2 everywhere; AF_INET6 is 24
     * (NetBSD, OpenBSD), 28 (FreeBSD, DragonFly), 30 (macOS) or 10 (Linux).
     */
    private static int loopback(Packet p, int linkType, int off, int end) {
        if (end - off < 4) {
            return MALFORMED;
        }
        byte[] f = p.frame;
        long be = Bytes.u32be(f, off);
        long family = be;
        if (linkType == LinkTypes.NULL && (be & 0xFFFF) == 0) {
            // Little-endian host: the family sits in the first bytes.
            family = Bytes.u32le(f, off);
        }
        if (family == 2 || family == 24 || family == 28 || family == 30 || family == 10) {
            return byVersionNibble(p, off + 4, end);
        }
        return NOT_IP;
    }

    /**
     * Decodes the IPv4 or IPv6 header at {@code p.l3Off}: addresses, protocol, fragment fields.
     * On OK, {@code p.l4Off/l4Len} frame the transport header and payload.
     *
     * @return OK, FRAGMENT, MALFORMED or OTHER_PROTO (the last only once addresses are known)
     */
    public static int decodeIp(Packet p) {
        byte[] f = p.frame;
        int off = p.l3Off;
        int avail = p.frameOff + p.caplen - off;
        if (avail < 1) {
            return MALFORMED;
        }
        int version = (f[off] & 0xFF) >>> 4;
        if (version == 6) {
            return ipv6(p, f, off, avail);
        }
        if (version != 4) {
            return MALFORMED;
        }
        // IPv4 is decoded here rather than in a method of its own: one call less per frame.
        if (avail < 20) {
            return MALFORMED;
        }
        int ihl = (f[off] & 0x0F) * 4;
        if (ihl < 20 || ihl > avail) {
            return MALFORMED;
        }
        int total = Bytes.u16be(f, off + 2);
        if (total == 0) {
            // TCP segmentation offload on the capturing host leaves 0 here: trust the capture.
            total = avail;
        } else if (total < ihl) {
            return MALFORMED;
        }
        if (total > avail) {
            p.truncated = true;
            total = avail;
        }
        p.ipVersion = 4;
        p.srcHi = 0;
        p.srcLo = Bytes.u32be(f, off + 12);
        p.dstHi = 0;
        p.dstLo = Bytes.u32be(f, off + 16);
        p.ipProto = f[off + 9] & 0xFF;
        int fragField = Bytes.u16be(f, off + 6);
        p.moreFragments = (fragField & 0x2000) != 0;
        p.fragOffset = (fragField & 0x1FFF) * 8;
        p.fragId = Bytes.u16be(f, off + 4);
        p.l4Buf = f;
        p.l4Off = off + ihl;
        p.l4Len = total - ihl;
        if (p.moreFragments || p.fragOffset != 0) {
            p.fragment = true;
            return FRAGMENT;
        }
        return isTransport(p.ipProto) ? OK : OTHER_PROTO;
    }

    private static int ipv6(Packet p, byte[] f, int off, int avail) {
        if (avail < 40) {
            return MALFORMED;
        }
        int payload = Bytes.u16be(f, off + 4);
        if (payload == 0) {
            // Jumbogram (RFC 2675) or offload: use what was captured.
            payload = avail - 40;
        }
        if (payload > avail - 40) {
            p.truncated = true;
            payload = avail - 40;
        }
        p.ipVersion = 6;
        p.srcHi = Bytes.i64be(f, off + 8);
        p.srcLo = Bytes.i64be(f, off + 16);
        p.dstHi = Bytes.i64be(f, off + 24);
        p.dstLo = Bytes.i64be(f, off + 32);
        p.l4Buf = f;
        p.l4Off = off + 40;
        p.l4Len = payload;
        return ipv6Ext(p, f[off + 6] & 0xFF, true);
    }

    /**
     * Walks IPv6 extension headers (RFC 8200 4.1 order, RFC 4302 for AH) from {@code p.l4Off}
     * with next header {@code nh}; stops at a fragment header (when {@code fragmentAllowed}),
     * an upper-layer protocol, ESP or No Next Header.
     */
    public static int ipv6Ext(Packet p, int nh, boolean fragmentAllowed) {
        byte[] f = p.l4Buf;
        int off = p.l4Off;
        int end = p.l4Off + p.l4Len;
        for (int n = 0; ; n++) {
            if (n > MAX_IPV6_EXT_HEADERS) {
                return MALFORMED;
            }
            int hlen;
            switch (nh) {
                case 0:   // hop-by-hop options
                case 43:  // routing
                case 60:  // destination options
                case 135: // mobility (RFC 6275)
                case 139: // HIP (RFC 7401)
                case 140: // shim6 (RFC 5533)
                    if (off + 2 > end) {
                        return MALFORMED;
                    }
                    hlen = ((f[off + 1] & 0xFF) + 1) * 8;
                    break;
                case 51:  // AH: payload length in 4-octet units minus 2 (RFC 4302 2.2)
                    if (off + 2 > end) {
                        return MALFORMED;
                    }
                    hlen = ((f[off + 1] & 0xFF) + 2) * 4;
                    break;
                case 44:  // fragment header (RFC 8200 4.5)
                    if (!fragmentAllowed || off + 8 > end) {
                        return MALFORMED;
                    }
                    int fo = Bytes.u16be(f, off + 2);
                    p.fragOffset = fo & 0xFFF8;
                    p.moreFragments = (fo & 1) != 0;
                    p.fragId = (int) Bytes.u32be(f, off + 4);
                    p.ipProto = f[off] & 0xFF;
                    p.l4Off = off + 8;
                    p.l4Len = end - off - 8;
                    if (p.fragOffset == 0 && !p.moreFragments) {
                        // An atomic fragment (RFC 6946): process as if unfragmented.
                        nh = p.ipProto;
                        off += 8;
                        fragmentAllowed = false;
                        continue;
                    }
                    p.fragment = true;
                    return FRAGMENT;
                default:
                    p.ipProto = nh;
                    p.l4Off = off;
                    p.l4Len = end - off;
                    return isTransport(nh) ? OK : OTHER_PROTO;
            }
            if (off + hlen > end) {
                return MALFORMED;
            }
            nh = f[off] & 0xFF;
            off += hlen;
        }
    }

    private static boolean isTransport(int proto) {
        return proto == Packet.PROTO_TCP || proto == Packet.PROTO_UDP;
    }

    /**
     * Decodes the TCP or UDP header at {@code p.l4Off} in {@code p.l4Buf}.
     *
     * @return OK, MALFORMED (header short or inconsistent) or OTHER_PROTO
     */
    public static int decodeTransport(Packet p) {
        byte[] b = p.l4Buf;
        int off = p.l4Off;
        int len = p.l4Len;
        if (p.ipProto == Packet.PROTO_TCP) {
            if (len < 20) {
                return MALFORMED;
            }
            int doff = ((b[off + 12] & 0xFF) >>> 4) * 4;
            if (doff < 20 || doff > len) {
                return MALFORMED;
            }
            p.srcPort = Bytes.u16be(b, off);
            p.dstPort = Bytes.u16be(b, off + 2);
            p.tcpSeq = (int) Bytes.u32be(b, off + 4);
            p.tcpAck = (int) Bytes.u32be(b, off + 8);
            p.tcpFlags = b[off + 13] & 0x3F;
            p.tcpWindow = Bytes.u16be(b, off + 14);
            p.tcpOptionsLen = doff - 20;
            p.payloadOff = off + doff;
            p.payloadLen = len - doff;
            return OK;
        }
        if (p.ipProto == Packet.PROTO_UDP) {
            if (len < 8) {
                return MALFORMED;
            }
            int ulen = Bytes.u16be(b, off + 4);
            p.srcPort = Bytes.u16be(b, off);
            p.dstPort = Bytes.u16be(b, off + 2);
            if (ulen < 8) {
                // 0 is legal only for IPv6 jumbograms (RFC 2675 4); anything else is bogus.
                if (ulen != 0) {
                    return MALFORMED;
                }
                ulen = len;
            }
            if (ulen > len) {
                p.truncated = true;
                ulen = len;
            }
            p.payloadOff = off + 8;
            p.payloadLen = ulen - 8;
            return OK;
        }
        return OTHER_PROTO;
    }
}
