package io.impacketsensor.decoders.testsupport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A tiny DER writer for synthetic test fixtures (definite lengths, low tag numbers). */
public final class Ber {
    private Ber() {
    }

    /** An element with the given identifier octet and contents. */
    public static byte[] tlv(int identifier, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.writeBytes(p);
        }
        byte[] content = body.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(identifier);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    public static byte[] seq(byte[]... parts) {
        return tlv(0x30, parts);
    }

    public static byte[] octets(String s) {
        return tlv(0x04, s.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] integer(int v) {
        if (v >= -128 && v < 128) {
            return tlv(0x02, new byte[] {(byte) v});
        }
        if (v >= -32768 && v < 32768) {
            return tlv(0x02, new byte[] {(byte) (v >> 8), (byte) v});
        }
        return tlv(0x02, new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v});
    }

    public static byte[] enumerated(int v) {
        return tlv(0x0a, new byte[] {(byte) v});
    }

    public static byte[] bool(boolean v) {
        return tlv(0x01, new byte[] {(byte) (v ? 0xff : 0)});
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
