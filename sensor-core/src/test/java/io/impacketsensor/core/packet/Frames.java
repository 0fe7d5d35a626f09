package io.impacketsensor.core.packet;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Builds synthetic frames for tests (every frame built here is "synthetic" in fixture terms):
 * IPv4/IPv6 with TCP or UDP, IP fragments, and the link-layer wrappers the decoder supports.
 * Checksums are left zero: the packet path does not verify them (offload makes them unreliable).
 */
public final class Frames {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    private Frames() {
    }

    public static byte[] ip(String s) {
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    /** A TCP header (20 bytes plus {@code options}) followed by the payload. */
    public static byte[] tcp(int sport, int dport, long seq, long ack, int flags, byte[] options, byte[] payload) {
        int optLen = options == null ? 0 : options.length;
        int hl = 20 + optLen;
        byte[] b = new byte[hl + payload.length];
        put16(b, 0, sport);
        put16(b, 2, dport);
        put32(b, 4, seq);
        put32(b, 8, ack);
        b[12] = (byte) ((hl / 4) << 4);
        b[13] = (byte) flags;
        put16(b, 14, 65535);
        if (optLen > 0) {
            System.arraycopy(options, 0, b, 20, optLen);
        }
        System.arraycopy(payload, 0, b, hl, payload.length);
        return b;
    }

    public static byte[] udp(int sport, int dport, byte[] payload) {
        byte[] b = new byte[8 + payload.length];
        put16(b, 0, sport);
        put16(b, 2, dport);
        put16(b, 4, 8 + payload.length);
        System.arraycopy(payload, 0, b, 8, payload.length);
        return b;
    }

    /** An IPv4 header (with {@code options}, a multiple of 4 bytes) around {@code l4}. */
    public static byte[] ipv4(String src, String dst, int proto, int id, int fragField, byte[] options, byte[] l4) {
        int optLen = options == null ? 0 : options.length;
        int ihl = 20 + optLen;
        byte[] b = new byte[ihl + l4.length];
        b[0] = (byte) (0x40 | ihl / 4);
        put16(b, 2, b.length);
        put16(b, 4, id);
        put16(b, 6, fragField);
        b[8] = 64;
        b[9] = (byte) proto;
        System.arraycopy(ip(src), 0, b, 12, 4);
        System.arraycopy(ip(dst), 0, b, 16, 4);
        if (optLen > 0) {
            System.arraycopy(options, 0, b, 20, optLen);
        }
        System.arraycopy(l4, 0, b, ihl, l4.length);
        return b;
    }

    public static byte[] ipv4(String src, String dst, int proto, byte[] l4) {
        return ipv4(src, dst, proto, 1, 0, null, l4);
    }

    /** An IPv6 header; {@code ext} are complete extension headers, {@code firstNh} the header after the fixed one. */
    public static byte[] ipv6(String src, String dst, int firstNh, byte[] ext, byte[] l4) {
        int extLen = ext == null ? 0 : ext.length;
        byte[] b = new byte[40 + extLen + l4.length];
        b[0] = 0x60;
        put16(b, 4, extLen + l4.length);
        b[6] = (byte) firstNh;
        b[7] = 64;
        System.arraycopy(ip(src), 0, b, 8, 16);
        System.arraycopy(ip(dst), 0, b, 24, 16);
        if (extLen > 0) {
            System.arraycopy(ext, 0, b, 40, extLen);
        }
        System.arraycopy(l4, 0, b, 40 + extLen, l4.length);
        return b;
    }

    /** A generic IPv6 extension header (hop-by-hop, routing, destination options) of {@code units}*8 bytes. */
    public static byte[] ext6(int nextHeader, int units) {
        byte[] b = new byte[units * 8];
        b[0] = (byte) nextHeader;
        b[1] = (byte) (units - 1);
        return b;
    }

    /** An IPv6 fragment header (RFC 8200 4.5). */
    public static byte[] frag6(int nextHeader, int offsetBytes, boolean more, int id) {
        byte[] b = new byte[8];
        b[0] = (byte) nextHeader;
        put16(b, 2, offsetBytes | (more ? 1 : 0));
        put32(b, 4, id & 0xFFFFFFFFL);
        return b;
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.write(p, 0, p.length);
        }
        return o.toByteArray();
    }

    /** Ethernet II around an IP packet; {@code vlanTpids} are the TPIDs of VLAN tags, outermost first. */
    public static byte[] ether(byte[] l3, int... vlanTpids) {
        int type = (l3[0] & 0xF0) == 0x60 ? 0x86DD : 0x0800;
        byte[] b = new byte[14 + 4 * vlanTpids.length + l3.length];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (0x02 + i);
            b[6 + i] = (byte) (0x12 + i);
        }
        int off = 12;
        for (int tpid : vlanTpids) {
            put16(b, off, tpid);
            put16(b, off + 2, 100);
            off += 4;
        }
        put16(b, off, type);
        System.arraycopy(l3, 0, b, off + 2, l3.length);
        return b;
    }

    /** Ethernet II with an arbitrary ethertype. */
    public static byte[] etherType(int type, byte[] payload) {
        byte[] b = new byte[14 + payload.length];
        put16(b, 12, type);
        System.arraycopy(payload, 0, b, 14, payload.length);
        return b;
    }

    /** Linux cooked capture v1 (LINKTYPE_LINUX_SLL). */
    public static byte[] sll(byte[] l3) {
        byte[] b = new byte[16 + l3.length];
        put16(b, 0, 0);
        put16(b, 2, 1);
        put16(b, 4, 6);
        put16(b, 14, (l3[0] & 0xF0) == 0x60 ? 0x86DD : 0x0800);
        System.arraycopy(l3, 0, b, 16, l3.length);
        return b;
    }

    /** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2). */
    public static byte[] sll2(byte[] l3) {
        byte[] b = new byte[20 + l3.length];
        put16(b, 0, (l3[0] & 0xF0) == 0x60 ? 0x86DD : 0x0800);
        put32(b, 4, 3);
        put16(b, 8, 1);
        b[11] = 6;
        System.arraycopy(l3, 0, b, 20, l3.length);
        return b;
    }

    /** BSD null/loop header: {@code family} written little- or big-endian. */
    public static byte[] nullLoop(int family, boolean littleEndian, byte[] l3) {
        byte[] b = new byte[4 + l3.length];
        if (littleEndian) {
            b[0] = (byte) family;
            b[1] = (byte) (family >>> 8);
        } else {
            put32(b, 0, family);
        }
        System.arraycopy(l3, 0, b, 4, l3.length);
        return b;
    }

    public static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    public static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
