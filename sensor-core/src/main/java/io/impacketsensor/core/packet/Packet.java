package io.impacketsensor.core.packet;

/**
 * One decoded frame, a reused flyweight filled by {@link PacketDecoder}. Addresses are held as
 * two longs per endpoint (IPv4: {@code hi = 0}, {@code lo} = the 32-bit address), so the flow table
 * keys on primitives and an {@code InetAddress} is built only when an event needs one.
 *
 * <p>{@link #l4Buf} is the frame itself, or the fragment reassembly buffer when the transport
 * header came from a reassembled IP datagram.
 */
public final class Packet {
    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_PSH = 0x08;
    public static final int TCP_ACK = 0x10;
    public static final int TCP_URG = 0x20;

    /** IP protocol numbers used here (IANA). */
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;

    public int linkType;
    public long tsNanos;
    public byte[] frame;
    /** Where the frame starts in {@link #frame} (0 unless the frame lies in a larger buffer). */
    public int frameOff;
    /** Captured bytes of the frame, from {@link #frameOff}. */
    public int caplen;
    public int wirelen;

    /** Index of the IP header in {@link #frame}. */
    public int l3Off;
    /** 4 or 6; 0 before the IP layer was found. */
    public int ipVersion;
    public long srcHi;
    public long srcLo;
    public long dstHi;
    public long dstLo;
    /** Upper-layer protocol after IPv6 extension headers (6 TCP, 17 UDP, ...). */
    public int ipProto;
    /** True when the datagram is an IP fragment (v4 MF/offset, v6 fragment header). */
    public boolean fragment;
    public int fragId;
    /** Fragment offset in bytes. */
    public int fragOffset;
    public boolean moreFragments;
    /** True when the IP datagram is longer than what was captured. */
    public boolean truncated;

    public byte[] l4Buf;
    public int l4Off;
    public int l4Len;

    public int srcPort;
    public int dstPort;
    public int tcpSeq;
    public int tcpAck;
    public int tcpFlags;
    public int tcpWindow;
    public int tcpOptionsLen;

    /** Transport payload, in {@link #l4Buf}. */
    public int payloadOff;
    public int payloadLen;

    /** Clears the per-frame fields (the decoder sets the rest). */
    void reset(int linkType, long tsNanos, byte[] frame, int frameOff, int caplen, int wirelen) {
        this.linkType = linkType;
        this.tsNanos = tsNanos;
        this.frame = frame;
        this.frameOff = frameOff;
        this.caplen = caplen;
        this.wirelen = wirelen;
        ipVersion = 0;
        ipProto = -1;
        fragment = false;
        moreFragments = false;
        truncated = false;
        fragOffset = 0;
        fragId = 0;
        srcPort = 0;
        dstPort = 0;
        tcpFlags = 0;
        payloadLen = 0;
        l4Buf = frame;
        l4Len = 0;
    }

    public boolean isTcp() {
        return ipProto == PROTO_TCP;
    }

    public boolean isUdp() {
        return ipProto == PROTO_UDP;
    }
}
