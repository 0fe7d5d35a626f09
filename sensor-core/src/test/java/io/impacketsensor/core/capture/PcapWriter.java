package io.impacketsensor.core.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes classic pcap files from tests (tcpdump.org pcap format: 24-byte file header, 16-byte
 * record headers), in either byte order, with microsecond or nanosecond timestamps. No libpcap.
 * Published in sensor-core's test-jar for the other modules' tests.
 *
 * <pre>
 * byte[] file = new PcapWriter(ByteOrder.LITTLE_ENDIAN, false, 65535, 1)
 *         .packet(1_700_000_000_000_000_000L, frame).toBytes();
 * </pre>
 */
public final class PcapWriter extends CaptureBytes<PcapWriter> {
    /** LINKTYPE_ETHERNET. */
    public static final int LINKTYPE_ETHERNET = 1;

    private final ByteOrder order;
    private final boolean nanos;

    /** A file with the given byte order, timestamp resolution, snaplen and link type. */
    public PcapWriter(ByteOrder order, boolean nanos, int snaplen, int linkType) {
        this.order = order;
        this.nanos = nanos;
        ByteBuffer h = ByteBuffer.allocate(24).order(order);
        h.putInt(nanos ? 0xA1B23C4D : 0xA1B2C3D4).putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0).putInt(snaplen).putInt(linkType);
        out.writeBytes(h.array());
    }

    /** Little-endian, microseconds, snaplen 65535, Ethernet. */
    public static PcapWriter ethernet() {
        return new PcapWriter(ByteOrder.LITTLE_ENDIAN, false, 65535, LINKTYPE_ETHERNET);
    }

    /** A record holding all of {@code frame}, wire length = frame length. */
    public PcapWriter packet(long tsNanos, byte[] frame) {
        return packet(tsNanos, frame, 0, frame.length, frame.length);
    }

    /** A record holding {@code frame[off, off+caplen)} with the given wire length. */
    public PcapWriter packet(long tsNanos, byte[] frame, int off, int caplen, int wirelen) {
        record(tsNanos, caplen, wirelen);
        out.write(frame, off, caplen);
        return this;
    }

    /** A record header only (for malformed-file tests: lengths that lie). */
    public PcapWriter record(long tsNanos, int inclLen, int origLen) {
        ByteBuffer r = ByteBuffer.allocate(16).order(order);
        long sec = tsNanos / 1_000_000_000L;
        long frac = tsNanos % 1_000_000_000L;
        r.putInt((int) sec).putInt((int) (nanos ? frac : frac / 1000)).putInt(inclLen).putInt(origLen);
        out.writeBytes(r.array());
        return this;
    }

    @Override
    protected PcapWriter self() {
        return this;
    }

    public void writeTo(OutputStream os) throws IOException {
        out.writeTo(os);
    }
}
