package io.impacketsensor.decoders.testutil;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds synthetic SMB2 messages for tests (MS-SMB2 2.2.1 header + a body given as bytes). */
public final class Smb2Wire {
    private Smb2Wire() {
    }

    /** An SMB2 sync header; {@code flags} bit 1 marks a response. */
    public static byte[] header(int command, long status, int flags, int nextCommand, long messageId, int treeId,
                                long sessionId) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0xFE).put((byte) 'S').put((byte) 'M').put((byte) 'B');
        b.putShort((short) 64).putShort((short) 1).putInt((int) status).putShort((short) command).putShort((short) 1);
        b.putInt(flags).putInt(nextCommand).putLong(messageId).putInt(0).putInt(treeId).putLong(sessionId);
        return b.array();
    }

    /** One message: header + body. */
    public static byte[] msg(int command, long status, boolean response, long messageId, int treeId, long sessionId,
                             byte[] body) {
        return cat(header(command, status, response ? 1 : 0, 0, messageId, treeId, sessionId), body);
    }

    /** Chains messages into one compound (NextCommand set, members padded to 8 bytes). */
    public static byte[] compound(byte[]... msgs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < msgs.length; i++) {
            byte[] m = msgs[i].clone();
            int padded = i == msgs.length - 1 ? m.length : (m.length + 7) & ~7;
            if (i < msgs.length - 1) {
                ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putInt(20, padded);
            }
            out.writeBytes(m);
            out.writeBytes(new byte[padded - m.length]);
        }
        return out.toByteArray();
    }

    /** NBSS session message framing (type 0, 24-bit length). */
    public static byte[] nbss(byte[] pdu) {
        byte[] out = new byte[pdu.length + 4];
        out[1] = (byte) (pdu.length >>> 16);
        out[2] = (byte) (pdu.length >>> 8);
        out[3] = (byte) pdu.length;
        System.arraycopy(pdu, 0, out, 4, pdu.length);
        return out;
    }

    public static byte[] utf16(String s) {
        return s.getBytes(StandardCharsets.UTF_16LE);
    }

    public static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Little-endian body builder. */
    public static final class Body {
        private final ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);

        public Body u8(int v) {
            b.put((byte) v);
            return this;
        }

        public Body u16(int v) {
            b.putShort((short) v);
            return this;
        }

        public Body u32(long v) {
            b.putInt((int) v);
            return this;
        }

        public Body u64(long v) {
            b.putLong(v);
            return this;
        }

        public Body bytes(byte[] v) {
            b.put(v);
            return this;
        }

        public Body zeros(int n) {
            b.put(new byte[n]);
            return this;
        }

        public byte[] build() {
            byte[] out = new byte[b.position()];
            b.flip();
            b.get(out);
            return out;
        }
    }

    /** TREE_CONNECT request body for a path (buffer at 64+8). */
    public static byte[] treeConnectReq(String path) {
        byte[] p = utf16(path);
        return new Body().u16(9).u16(0).u16(72).u16(p.length).bytes(p).build();
    }

    /** TREE_CONNECT response body. */
    public static byte[] treeConnectResp(int shareType) {
        return new Body().u16(16).u8(shareType).u8(0).u32(0).u32(0).u32(0x1f01ff).build();
    }

    /** CREATE request body (name at 64+56). */
    public static byte[] createReq(String name, int access, int disposition, int options) {
        byte[] n = utf16(name);
        return new Body().u16(57).u8(0).u8(0).u32(2).u64(0).u64(0).u32(access).u32(0x80).u32(7).u32(disposition)
                .u32(options).u16(120).u16(n.length).u32(0).u32(0).bytes(n.length == 0 ? new byte[1] : n).build();
    }

    /** CREATE response body with a FileId. */
    public static byte[] createResp(long persistent, long vol) {
        return new Body().u16(89).u8(0).u8(0).u32(1).zeros(32).u64(0).u64(1234).u32(0x80).u32(0)
                .u64(persistent).u64(vol).u32(0).u32(0).build();
    }

    /** WRITE request body + data (DataOffset 112). */
    public static byte[] writeReq(long persistent, long vol, byte[] data) {
        return cat(new Body().u16(49).u16(112).u32(data.length).u64(0).u64(persistent).u64(vol).u32(0).u32(0).u16(0)
                .u16(0).u32(0).build(), data);
    }

    public static byte[] writeResp(int count) {
        return new Body().u16(17).u16(0).u32(count).u32(0).u16(0).u16(0).build();
    }

    /** READ request body. */
    public static byte[] readReq(long persistent, long vol, int length) {
        return new Body().u16(49).u8(0).u8(0).u32(length).u64(0).u64(persistent).u64(vol).u32(0).u32(0).u32(0)
                .u16(0).u16(0).u8(0).build();
    }

    /** READ response body + data (DataOffset 80). */
    public static byte[] readResp(byte[] data) {
        return cat(new Body().u16(17).u8(80).u8(0).u32(data.length).u32(0).u32(0).build(), data);
    }

    /** IOCTL request (FSCTL_PIPE_TRANSCEIVE by default) with input at 64+56. */
    public static byte[] ioctlReq(int ctl, long persistent, long vol, byte[] input) {
        return cat(new Body().u16(57).u16(0).u32(ctl).u64(persistent).u64(vol).u32(120).u32(input.length).u32(0)
                .u32(0).u32(0).u32(4280).u32(1).u32(0).build(), input);
    }

    /** IOCTL response with output at 64+48. */
    public static byte[] ioctlResp(int ctl, long persistent, long vol, byte[] output) {
        return new Body().u16(49).u16(0).u32(ctl).u64(persistent).u64(vol).u32(112).u32(0).u32(112)
                .u32(output.length).u32(0).u32(0).bytes(output).build();
    }

    public static byte[] closeReq(long persistent, long vol) {
        return new Body().u16(24).u16(0).u32(0).u64(persistent).u64(vol).build();
    }

    public static byte[] closeResp() {
        return new Body().u16(60).u16(0).u32(0).zeros(56).build();
    }

    /** SET_INFO request: rename (class 10) to {@code target}. */
    public static byte[] renameReq(long persistent, long vol, String target) {
        byte[] t = utf16(target);
        byte[] info = new Body().u8(1).zeros(7).u64(0).u32(t.length).bytes(t).build();
        return new Body().u16(33).u8(1).u8(10).u32(info.length).u16(96).u16(0).u32(0).u64(persistent).u64(vol)
                .bytes(info).build();
    }

    /** SET_INFO request: FileDispositionInformation (class 13) DeletePending=1. */
    public static byte[] deleteReq(long persistent, long vol) {
        return new Body().u16(33).u8(1).u8(13).u32(1).u16(96).u16(0).u32(0).u64(persistent).u64(vol).u8(1).build();
    }

    public static byte[] smallResp(int structureSize) {
        return new Body().u16(structureSize).u16(0).build();
    }

    /** Error response body (MS-SMB2 2.2.2). */
    public static byte[] errorResp() {
        return new Body().u16(9).u8(0).u8(0).u32(0).u8(0).build();
    }
}
