package io.impacketsensor.decoders.dcerpc;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

/** Builds synthetic little-endian CO PDUs (C706 12.6) for tests. */
final class Pdus {
    static final UUID NDR = UUID.fromString("8a885d04-1ceb-11c9-9fe8-08002b104860");

    private Pdus() {
    }

    static void uuid(ByteBuffer b, UUID u) {
        long msb = u.getMostSignificantBits();
        b.putInt((int) (msb >>> 32));
        b.putShort((short) (msb >>> 16));
        b.putShort((short) msb);
        b.order(ByteOrder.BIG_ENDIAN).putLong(u.getLeastSignificantBits()).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer header(int ptype, int flags, int fragLen, int authLen, int callId) {
        ByteBuffer b = ByteBuffer.allocate(fragLen).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 5).put((byte) 0).put((byte) ptype).put((byte) flags);
        b.put((byte) 0x10).put((byte) 0).put((byte) 0).put((byte) 0);
        b.putShort((short) fragLen).putShort((short) authLen).putInt(callId);
        return b;
    }

    /** BIND (or ALTER_CONTEXT) with one context item per interface, context ids 0..n-1. */
    static byte[] bind(int ptype, int callId, UUID... ifaces) {
        int len = 16 + 12 + ifaces.length * 44;
        ByteBuffer b = header(ptype, 3, len, 0, callId);
        b.putShort((short) 4280).putShort((short) 4280).putInt(0);
        b.put((byte) ifaces.length).put(new byte[3]);
        for (int i = 0; i < ifaces.length; i++) {
            b.putShort((short) i).put((byte) 1).put((byte) 0);
            uuid(b, ifaces[i]);
            b.putShort((short) 1).putShort((short) 0);
            uuid(b, NDR);
            b.putInt(2);
        }
        return b.array();
    }

    static byte[] bind(int callId, UUID iface) {
        return bind(11, callId, iface);
    }

    /** BIND_ACK accepting {@code n} contexts. */
    static byte[] bindAck(int callId, int n) {
        int len = 16 + 8 + 2 + 2 /* pad to 28 */ + 4 + n * 24;
        ByteBuffer b = header(12, 3, len, 0, callId);
        b.putShort((short) 4280).putShort((short) 4280).putInt(0x1234);
        b.putShort((short) 0).putShort((short) 0); // sec_addr length 0, pad to 4
        b.put((byte) n).put(new byte[3]);
        for (int i = 0; i < n; i++) {
            b.putShort((short) 0).putShort((short) 0);
            uuid(b, NDR);
            b.putInt(2);
        }
        return b.array();
    }

    /**
     * BIND_ACK with {@code n} accepted NDR results and the secondary address {@code secAddr} (C706
     * 12.6.4.4 port_any_t: the server's port or pipe, NUL-terminated, then padding to 4 octets).
     */
    static byte[] bindAck(int callId, String secAddr, int n) {
        int addr = secAddr.length() + 1;
        int len = ((26 + addr + 3) & ~3) + 4 + n * 24;
        ByteBuffer b = header(12, 3, len, 0, callId);
        b.putShort((short) 4280).putShort((short) 4280).putInt(0x1234);
        b.putShort((short) addr).put(secAddr.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 0);
        b.position((b.position() + 3) & ~3);
        b.put((byte) n).put(new byte[3]);
        for (int i = 0; i < n; i++) {
            b.putShort((short) 0).putShort((short) 0);
            uuid(b, NDR);
            b.putInt(2);
        }
        return b.array();
    }

    static byte[] request(int callId, int ctxId, int opnum, int flags, byte[] stub) {
        ByteBuffer b = header(0, flags, 24 + stub.length, 0, callId);
        b.putInt(stub.length).putShort((short) ctxId).putShort((short) opnum).put(stub);
        return b.array();
    }

    static byte[] response(int callId, int ctxId, int flags, byte[] stub) {
        ByteBuffer b = header(2, flags, 24 + stub.length, 0, callId);
        b.putInt(stub.length).putShort((short) ctxId).put((byte) 0).put((byte) 0).put(stub);
        return b.array();
    }

    /** A BIND whose sec_trailer claims {@code authLen} bytes of auth value. */
    static byte[] bindWithAuthLength(UUID iface, int authLen) {
        byte[] p = bind(1, iface);
        p[10] = (byte) authLen;
        p[11] = (byte) (authLen >> 8);
        return p;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    /** NDR stub writer (little-endian, 4-byte alignment helpers). */
    static final class Stub {
        private final ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        Stub u32(long v) {
            align(4);
            b.putInt((int) v);
            return this;
        }

        Stub u16(int v) {
            align(2);
            b.putShort((short) v);
            return this;
        }

        Stub u8(int v) {
            b.put((byte) v);
            return this;
        }

        Stub bytes(byte[] v) {
            b.put(v);
            return this;
        }

        Stub handle() {
            align(4);
            b.put(new byte[20]);
            return this;
        }

        /** A conformant varying UTF-16 string with its terminator. */
        Stub wstring(String s) {
            int n = s.length() + 1;
            u32(n).u32(0).u32(n);
            for (char c : s.toCharArray()) {
                b.putShort((short) c);
            }
            b.putShort((short) 0);
            return this;
        }

        /**
         * A BSTR argument (MS-OAUT 2.2.23.2): unique pointer, then FLAGGED_WORD_BLOB with its
         * conformant array's max_count first (cBytes, clSize, the characters), 4-aligned after.
         */
        Stub bstr(String s) {
            u32(0x20000).u32(s.length()).u32(2L * s.length()).u32(s.length());
            for (char c : s.toCharArray()) {
                b.putShort((short) c);
            }
            return align(4);
        }

        /** ORPCTHIS (MS-DCOM 2.2.13.1) of COM version 5.7 without extensions. */
        Stub orpcThis() {
            return u16(5).u16(7).u32(0).u32(0).guid(UUID.fromString("34d73332-a97b-4d42-8eb6-cdb4e49db1db")).u32(0);
        }

        /** A GUID in the little-endian layout (MS-DTYP 2.3.4.2), 4-aligned. */
        Stub guid(UUID u) {
            align(4);
            uuid(b, u);
            return this;
        }

        Stub align(int n) {
            while (b.position() % n != 0) {
                b.put((byte) 0);
            }
            return this;
        }

        byte[] build() {
            byte[] out = new byte[b.position()];
            System.arraycopy(b.array(), 0, out, 0, out.length);
            return out;
        }
    }
}
