package io.impacketsensor.core.capture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes pcapng files from tests (draft-ietf-opsawg-pcapng): sections in either byte order,
 * interface descriptions with an optional {@code if_tsresol}, Enhanced, Simple and obsolete
 * Packet blocks, and arbitrary blocks. Published in sensor-core's test-jar.
 */
public final class PcapNgWriter extends CaptureBytes<PcapNgWriter> {
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

    /** Starts a section (SHB, version 1.0, unknown section length) in the given byte order. */
    public PcapNgWriter section(ByteOrder o) {
        this.order = o;
        ByteBuffer b = body(16);
        b.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L);
        return block(0x0A0D0D0A, b.array());
    }

    /** An IDB; {@code tsresol} is the raw if_tsresol byte, or -1 for none (microseconds). */
    public PcapNgWriter iface(int linkType, int snaplen, int tsresol) {
        ByteBuffer b = body(tsresol >= 0 ? 8 + 8 + 4 : 8);
        b.putShort((short) linkType).putShort((short) 0).putInt(snaplen);
        if (tsresol >= 0) {
            b.putShort((short) 9).putShort((short) 1).put((byte) tsresol).put(new byte[3]);
            b.putShort((short) 0).putShort((short) 0);
        }
        return block(1, b.array());
    }

    /** An EPB; {@code ts} is in the interface's timestamp units. */
    public PcapNgWriter epb(int iface, long ts, byte[] frame, int wirelen) {
        ByteBuffer b = body(20 + pad(frame.length));
        b.putInt(iface).putInt((int) (ts >>> 32)).putInt((int) ts).putInt(frame.length).putInt(wirelen).put(frame);
        return block(6, b.array());
    }

    /** An EPB with a captured length that may lie about the data present (malformed tests). */
    public PcapNgWriter epbLying(int iface, int claimedCaplen, byte[] frame) {
        ByteBuffer b = body(20 + pad(frame.length));
        b.putInt(iface).putInt(0).putInt(0).putInt(claimedCaplen).putInt(claimedCaplen).put(frame);
        return block(6, b.array());
    }

    /** An obsolete Packet Block (16-bit interface id, drops count). */
    public PcapNgWriter opb(int iface, long ts, byte[] frame) {
        ByteBuffer b = body(20 + pad(frame.length));
        b.putShort((short) iface).putShort((short) 0).putInt((int) (ts >>> 32)).putInt((int) ts)
                .putInt(frame.length).putInt(frame.length).put(frame);
        return block(2, b.array());
    }

    /** A Simple Packet Block. */
    public PcapNgWriter spb(byte[] frame, int origLen) {
        ByteBuffer b = body(4 + pad(frame.length));
        b.putInt(origLen).put(frame);
        return block(3, b.array());
    }

    /** Any block with the given type and body (padded to 4 bytes). */
    public PcapNgWriter block(int type, byte[] body) {
        int len = 12 + pad(body.length);
        ByteBuffer b = ByteBuffer.allocate(len).order(order);
        b.putInt(type).putInt(len).put(body);
        b.position(len - 4);
        b.putInt(len);
        out.writeBytes(b.array());
        return this;
    }

    @Override
    protected PcapNgWriter self() {
        return this;
    }

    private ByteBuffer body(int len) {
        return ByteBuffer.allocate(pad(len)).order(order);
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }
}
