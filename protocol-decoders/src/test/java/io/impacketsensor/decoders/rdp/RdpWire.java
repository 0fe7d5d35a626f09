package io.impacketsensor.decoders.rdp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Synthetic RDP connection-start PDUs for the decoder's unit tests, laid out as [MS-RDPBCGR]
 * 2.2.1.1 and 2.2.1.2, RFC 1006 and RFC 5246 / RFC 8446 describe them. They exercise the grammar;
 * the lab captures stand for the tools.
 */
final class RdpWire {
    private RdpWire() {
    }

    /** A TPKT around an X.224 TPDU whose LI covers {@code variable} after the 6-octet fixed part. */
    static byte[] tpkt(int code, byte[] variable) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int li = 6 + variable.length;
        int total = 4 + 1 + li;
        o.write(3);
        o.write(0);
        o.write(total >> 8);
        o.write(total & 0xFF);
        o.write(li);
        o.write(code);
        o.writeBytes(new byte[]{0, 0, 0x12, 0x34, 0});
        o.writeBytes(variable);
        return o.toByteArray();
    }

    /** RDP_NEG_REQ / RSP / FAILURE: type, flags, length 8, a 32-bit little-endian value. */
    static byte[] neg(int type, int flags, long value) {
        return new byte[]{(byte) type, (byte) flags, 8, 0, (byte) value, (byte) (value >> 8), (byte) (value >> 16),
                (byte) (value >> 24)};
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A Connection Request: the optional cookie line, then an RDP_NEG_REQ. */
    static byte[] request(String line, int flags, long protocols) {
        byte[] l = line == null ? new byte[0] : ascii(line + "\r\n");
        return tpkt(0xE0, cat(l, neg(1, flags, protocols)));
    }

    static byte[] confirm(long selected) {
        return tpkt(0xD0, neg(2, 0x1f, selected));
    }

    static byte[] failure(int code) {
        return tpkt(0xD0, neg(3, 0, code));
    }

    /** A TLS record of {@code type} (22 handshake, 20 change cipher spec, 23 application data). */
    static byte[] record(int type, byte[] fragment) {
        return cat(new byte[]{(byte) type, 3, 3, (byte) (fragment.length >> 8), (byte) fragment.length}, fragment);
    }

    static byte[] handshake(int type, byte[] body) {
        return cat(new byte[]{(byte) type, (byte) (body.length >> 16), (byte) (body.length >> 8), (byte) body.length},
                body);
    }

    static byte[] u16(int... v) {
        byte[] b = new byte[2 * v.length];
        for (int i = 0; i < v.length; i++) {
            b[2 * i] = (byte) (v[i] >> 8);
            b[2 * i + 1] = (byte) v[i];
        }
        return b;
    }

    static byte[] ext(int type, byte[] data) {
        return cat(u16(type, data.length), data);
    }

    /**
     * A ClientHello offering {@code suites} with server_name (when {@code sni} is not null),
     * supported_groups x25519/secp256r1, ec_point_formats uncompressed, supported_versions 1.3/1.2 and
     * {@code padding} bytes of the padding extension (RFC 7685).
     */
    static byte[] clientHello(int[] suites, String sni, int padding) {
        byte[] exts = cat(
                sni == null ? new byte[0] : ext(0, cat(u16(sni.length() + 3), new byte[]{0}, u16(sni.length()), ascii(sni))),
                ext(10, cat(u16(4), u16(0x001d, 0x0017))),
                ext(11, new byte[]{1, 0}),
                ext(43, cat(new byte[]{4}, u16(0x0304, 0x0303))),
                padding > 0 ? ext(21, new byte[padding]) : new byte[0]);
        byte[] body = cat(u16(0x0303), new byte[32], new byte[]{0}, u16(2 * suites.length), u16(suites),
                new byte[]{1, 0}, u16(exts.length), exts);
        return record(22, handshake(1, body));
    }

    /** A ServerHello choosing {@code suite}, with supported_versions {@code version} when it is 0x0304. */
    static byte[] serverHello(int suite, int version) {
        byte[] exts = version == 0x0304 ? ext(43, u16(0x0304)) : new byte[0];
        return handshake(2, cat(u16(0x0303), new byte[32], new byte[]{0}, u16(suite), new byte[]{0}, u16(exts.length),
                exts));
    }

    /**
     * A Certificate message with one minimal DER certificate per serial: SEQUENCE { SEQUENCE { [0] {
     * INTEGER 2 }, INTEGER serial } } (the rest of a real certificate is not read).
     */
    static byte[] certificate(byte[]... serials) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (byte[] s : serials) {
            byte[] tbs = cat(new byte[]{(byte) 0xA0, 3, 2, 1, 2}, new byte[]{2, (byte) s.length}, s);
            byte[] cert = cat(new byte[]{0x30, (byte) (tbs.length + 2), 0x30, (byte) tbs.length}, tbs);
            list.writeBytes(new byte[]{0, (byte) (cert.length >> 8), (byte) cert.length});
            list.writeBytes(cert);
        }
        byte[] l = list.toByteArray();
        return handshake(11, cat(new byte[]{0, (byte) (l.length >> 8), (byte) l.length}, l));
    }
}
