package io.impacketsensor.detection.eve;

import io.impacketsensor.core.event.Transport;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Community ID flow hash, version 1 (the Corelight specification that Suricata, Zeek and Wireshark
 * implement): {@code "1:" + base64(SHA-1(seed, addr_lo, addr_hi, proto, 0, port_lo, port_hi))}, the
 * endpoints ordered so that both directions of a connection hash the same, seed 0. Lets an analyst
 * join our records with Suricata's, Zeek's and tshark's for the same flow.
 *
 * <p>One instance per writing thread: it reuses its digest and input buffer.
 */
public final class CommunityId {
    /** IANA protocol numbers. */
    private static final int TCP = 6;
    private static final int UDP = 17;

    private final MessageDigest sha1;
    /** seed(2) + two IPv6 addresses(32) + proto(1) + pad(1) + two ports(4). */
    private final byte[] in = new byte[40];
    private final int seed;
    /** The digest, and the text {@code "1:" + base64(digest)} (30 bytes) built in place of a concatenation. */
    private final byte[] digest = new byte[20];
    private final byte[] text = new byte[30];
    private final byte[] base64 = new byte[28];

    public CommunityId() {
        this(0);
    }

    public CommunityId(int seed) {
        this.seed = seed & 0xFFFF;
        try {
            this.sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-1, which every Java SE runtime must provide", e);
        }
    }

    /** The last flow hashed, in the order it was asked: consecutive records are mostly of one flow. */
    private InetAddress lastA;
    private InetAddress lastB;
    private int lastAPort = -1;
    private int lastBPort = -1;
    private Transport lastTransport;
    private String last;

    /** The Community ID of a TCP or UDP flow between the two endpoints, in either order. */
    public String of(InetAddress a, int aPort, InetAddress b, int bPort, Transport transport) {
        if (aPort == lastAPort && bPort == lastBPort && transport == lastTransport && a.equals(lastA) && b.equals(lastB)) {
            return last;
        }
        String id = compute(a, aPort, b, bPort, transport);
        lastA = a;
        lastB = b;
        lastAPort = aPort;
        lastBPort = bPort;
        lastTransport = transport;
        last = id;
        return id;
    }

    private String compute(InetAddress a, int aPort, InetAddress b, int bPort, Transport transport) {
        if (a instanceof Inet4Address && b instanceof Inet4Address) {
            // Four bytes each, written in place: getAddress() makes a copy per call. An IPv4
            // address's hash code is the address itself (big-endian: the bytes' order).
            int x = a.hashCode();
            int y = b.hashCode();
            int c = Integer.compareUnsigned(x, y);
            boolean inOrder = c < 0 || (c == 0 && aPort <= bPort);
            return inOrder ? hash4(x, aPort, y, bPort, transport) : hash4(y, bPort, x, aPort, transport);
        }
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        if (x.length != y.length) {
            // an IPv4-mapped peer cannot share a flow with an IPv6 one; hash in the given order
            return hash(x, aPort, y, bPort, transport);
        }
        int c = Arrays.compareUnsigned(x, y);
        boolean inOrder = c < 0 || (c == 0 && aPort <= bPort);
        return inOrder ? hash(x, aPort, y, bPort, transport) : hash(y, bPort, x, aPort, transport);
    }

    private String hash4(int lo, int loPort, int hi, int hiPort, Transport transport) {
        int n = 0;
        in[n++] = (byte) (seed >>> 8);
        in[n++] = (byte) seed;
        for (int shift = 24; shift >= 0; shift -= 8) {
            in[n++] = (byte) (lo >>> shift);
        }
        for (int shift = 24; shift >= 0; shift -= 8) {
            in[n++] = (byte) (hi >>> shift);
        }
        return finish(n, loPort, hiPort, transport);
    }

    private String hash(byte[] lo, int loPort, byte[] hi, int hiPort, Transport transport) {
        int n = 0;
        in[n++] = (byte) (seed >>> 8);
        in[n++] = (byte) seed;
        System.arraycopy(lo, 0, in, n, lo.length);
        n += lo.length;
        System.arraycopy(hi, 0, in, n, hi.length);
        n += hi.length;
        return finish(n, loPort, hiPort, transport);
    }

    /** Appends protocol, pad and ports after {@code n} bytes of seed and addresses, and hashes. */
    private String finish(int n, int loPort, int hiPort, Transport transport) {
        in[n++] = (byte) (transport == Transport.TCP ? TCP : UDP);
        in[n++] = 0;
        in[n++] = (byte) (loPort >>> 8);
        in[n++] = (byte) loPort;
        in[n++] = (byte) (hiPort >>> 8);
        in[n++] = (byte) hiPort;
        sha1.update(in, 0, n);
        try {
            sha1.digest(digest, 0, digest.length);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("SHA-1 gives 20 bytes", e);
        }
        Base64.getEncoder().encode(digest, base64);
        text[0] = '1';
        text[1] = ':';
        System.arraycopy(base64, 0, text, 2, base64.length);
        return new String(text, 0, text.length, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
