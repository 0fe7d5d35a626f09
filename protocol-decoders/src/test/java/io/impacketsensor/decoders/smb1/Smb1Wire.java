package io.impacketsensor.decoders.smb1;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Synthetic SMB1 messages for tests (MS-CIFS 2.2.3 layouts): a header and a chain of command
 * blocks; AndX headers (next command, offset) are filled in for AndX commands.
 */
final class Smb1Wire {
    static final int PID = 0x1234;
    static final int NT_STATUS = 0x4000;
    static final int UNICODE = 0x8000;

    private Smb1Wire() {
    }

    /** One command block: its words after the AndX header (for AndX commands) and its bytes. */
    record Block(int command, byte[] words, byte[] bytes) {
    }

    static byte[] request(int tid, int uid, int mid, Block... blocks) {
        return msg(false, 0, NT_STATUS, tid, uid, mid, blocks);
    }

    static byte[] response(long status, int tid, int uid, int mid, Block... blocks) {
        return msg(true, status, NT_STATUS, tid, uid, mid, blocks);
    }

    static byte[] msg(boolean reply, long status, int flags2, int tid, int uid, int mid, Block... blocks) {
        ByteBuffer b = ByteBuffer.allocate(1 << 17).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0xFF).put((byte) 'S').put((byte) 'M').put((byte) 'B');
        b.put((byte) blocks[0].command()).putInt((int) status).put((byte) (reply ? 0x98 : 0x18));
        b.putShort((short) flags2).putShort((short) 0).put(new byte[10]);
        b.putShort((short) tid).putShort((short) PID).putShort((short) uid).putShort((short) mid);
        for (int i = 0; i < blocks.length; i++) {
            Block k = blocks[i];
            if (k.words() == null) {
                b.put((byte) 0).putShort((short) 0);
                continue;
            }
            boolean andx = Smb1Parser.isAndx(k.command());
            int wordBytes = k.words().length + (andx ? 4 : 0);
            b.put((byte) (wordBytes / 2));
            if (andx) {
                int next = b.position() + 4 + k.words().length + 2 + k.bytes().length;
                b.put((byte) (i + 1 < blocks.length ? blocks[i + 1].command() : 0xFF)).put((byte) 0);
                b.putShort((short) (i + 1 < blocks.length ? next : 0));
            }
            b.put(k.words()).putShort((short) k.bytes().length).put(k.bytes());
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /** Error response (or CLOSE / TREE_DISCONNECT response): WordCount 0, ByteCount 0, no AndX header. */
    static Block empty(int command) {
        return new Block(command, null, new byte[0]);
    }

    static Block negotiate(String... dialects) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (String d : dialects) {
            o.write(2);
            o.writeBytes(z(d));
        }
        return new Block(Smb1Parser.NEGOTIATE, new byte[0], o.toByteArray());
    }

    /** SESSION_SETUP_ANDX request, extended security (MS-SMB 2.2.4.6.1, WordCount 12). */
    static Block sessionSetup(byte[] blob) {
        byte[] w = le().u16(65535).u16(2).u16(1).u32(0).u16(blob.length).u32(0).u32(0x800000D4L).build();
        return new Block(Smb1Parser.SESSION_SETUP_ANDX, w, cat(blob, z("Unix"), z("Samba")));
    }

    /**
     * NEGOTIATE response, NT LM 0.12 (MS-CIFS 2.2.4.52.2, WordCount 17) without extended security:
     * the 8-byte challenge, then DomainName and ServerName in OEM ({@code caps} without CAP_UNICODE 0x04).
     */
    static Block negotiateResp(int securityMode, long caps, byte[] challenge, String domain, String server) {
        byte[] w = le().u16(0).u8(securityMode).u16(50).u16(1).u32(16644).u32(65536).u32(0).u32(caps).u64(0)
                .u16(0).u8(challenge.length).build();
        return new Block(Smb1Parser.NEGOTIATE, w, cat(challenge, z(domain), z(server)));
    }

    /**
     * SESSION_SETUP_ANDX request without extended security (MS-CIFS 2.2.4.53.1, WordCount 13):
     * OEMPassword, UnicodePassword, then AccountName, PrimaryDomain, NativeOS, NativeLanMan in OEM.
     */
    static Block sessionSetupLegacy(byte[] oemPassword, byte[] unicodePassword, String account, String domain) {
        byte[] w = le().u16(65535).u16(2).u16(0).u32(0).u16(oemPassword.length).u16(unicodePassword.length).u32(0)
                .u32(0xD4).build();
        return new Block(Smb1Parser.SESSION_SETUP_ANDX, w, cat(oemPassword, unicodePassword, z(account), z(domain),
                z("Unix"), z("Samba")));
    }

    /** SESSION_SETUP_ANDX request of LAN Manager (MS-CIFS 2.2.4.53.1, WordCount 10): one password, OEM names. */
    static Block sessionSetupLanman(byte[] password, String account, String domain) {
        byte[] w = le().u16(4356).u16(2).u16(0).u32(0).u16(password.length).u32(0).build();
        return new Block(Smb1Parser.SESSION_SETUP_ANDX, w, cat(password, z(account), z(domain), z("OS/2"), z("LM")));
    }

    /** SESSION_SETUP_ANDX response without a blob (WordCount 3). */
    static Block sessionSetupResp(int action) {
        return new Block(Smb1Parser.SESSION_SETUP_ANDX, le().u16(action).build(), cat(z("Windows"), z("LM")));
    }

    static Block treeConnect(String path) {
        byte[] w = le().u16(0).u16(1).build();
        return new Block(Smb1Parser.TREE_CONNECT_ANDX, w, cat(new byte[1], z(path), z("?????")));
    }

    static Block treeConnectResp(String service) {
        return new Block(Smb1Parser.TREE_CONNECT_ANDX, le().u16(1).build(), cat(z(service), new byte[1]));
    }

    /** NT_CREATE_ANDX request, OEM name (2.2.4.64.1, WordCount 24). */
    static Block ntCreate(String name, int access, int disposition) {
        byte[] w = le().u8(0).u16(name.length()).u32(0).u32(0).u32(access).u64(0).u32(0x80).u32(7)
                .u32(disposition).u32(0x40).u32(2).u8(0).build();
        return new Block(Smb1Parser.NT_CREATE_ANDX, w, z(name));
    }

    /** NT_CREATE_ANDX request with a Unicode name; the bytes start at an odd offset, so one pad byte. */
    static Block ntCreateUnicode(String name) {
        byte[] u = name.getBytes(StandardCharsets.UTF_16LE);
        byte[] w = le().u8(0).u16(u.length).u32(0).u32(0).u32(0x0012019F).u64(0).u32(0x80).u32(7)
                .u32(1).u32(0x40).u32(2).u8(0).build();
        return new Block(Smb1Parser.NT_CREATE_ANDX, w, cat(new byte[1], u, new byte[2]));
    }

    static Block ntCreateResp(int fid, int resourceType) {
        byte[] w = le().u8(0).u16(fid).u32(1).bytes(new byte[32]).u32(0x80).u64(4096).u64(1234)
                .u16(resourceType).u16(0).u8(0).build();
        return new Block(Smb1Parser.NT_CREATE_ANDX, w, new byte[0]);
    }

    /** WRITE_ANDX request (WordCount 14), the data after one pad byte at offset 64. */
    static Block writeAndx(int fid, long offset, byte[] data, int writeMode) {
        byte[] w = le().u16(fid).u32(offset).u32(0).u16(writeMode).u16(data.length).u16(data.length >>> 16)
                .u16(data.length & 0xFFFF).u16(64).u32(0).build();
        return new Block(Smb1Parser.WRITE_ANDX, w, cat(new byte[1], data));
    }

    static Block writeResp(int count) {
        return new Block(Smb1Parser.WRITE_ANDX, le().u16(count).u16(0).u32(0).build(), new byte[0]);
    }

    static Block readAndx(int fid, int max) {
        byte[] w = le().u16(fid).u32(0).u16(max).u16(max).u32(0).u16(0).build();
        return new Block(Smb1Parser.READ_ANDX, w, new byte[0]);
    }

    /** READ_ANDX response (WordCount 12), the data after one pad byte at offset 60. */
    static Block readResp(byte[] data) {
        byte[] w = le().u16(0).u16(0).u16(0).u16(data.length).u16(60).bytes(new byte[10]).build();
        return new Block(Smb1Parser.READ_ANDX, w, cat(new byte[1], data));
    }

    /** TRANSACTION TRANS_TRANSACT_NMPIPE request (2.2.5.6): Name \PIPE\, data at offset 76. */
    static Block transactNmPipe(int fid, byte[] data) {
        byte[] w = le().u16(0).u16(data.length).u16(0).u16(1024).u8(0).u8(0).u16(0).u32(0).u16(0)
                .u16(0).u16(76).u16(data.length).u16(76).u8(2).u8(0).u16(0x26).u16(fid).build();
        return new Block(Smb1Parser.TRANSACTION, w, cat(z("\\PIPE\\"), new byte[2], data));
    }

    /** TRANSACTION response (WordCount 10), data at offset 56. */
    static Block transResp(byte[] data) {
        byte[] w = le().u16(0).u16(data.length).u16(0).u16(0).u16(56).u16(0).u16(data.length).u16(56).u16(0)
                .u8(0).u8(0).build();
        return new Block(Smb1Parser.TRANSACTION, w, cat(new byte[1], data));
    }

    static Block close(int fid) {
        return new Block(Smb1Parser.CLOSE, le().u16(fid).u32(0).build(), new byte[0]);
    }

    static Block treeDisconnect() {
        return new Block(Smb1Parser.TREE_DISCONNECT, new byte[0], new byte[0]);
    }

    static byte[] z(String s) {
        return cat(s.getBytes(StandardCharsets.ISO_8859_1), new byte[1]);
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static Le le() {
        return new Le();
    }

    /** Little-endian field builder. */
    static final class Le {
        private final ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

        Le u8(int v) {
            b.put((byte) v);
            return this;
        }

        Le u16(int v) {
            b.putShort((short) v);
            return this;
        }

        Le u32(long v) {
            b.putInt((int) v);
            return this;
        }

        Le u64(long v) {
            b.putLong(v);
            return this;
        }

        Le bytes(byte[] v) {
            b.put(v);
            return this;
        }

        byte[] build() {
            byte[] out = new byte[b.position()];
            b.flip().get(out);
            return out;
        }
    }
}
