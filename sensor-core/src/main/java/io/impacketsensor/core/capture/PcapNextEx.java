package io.impacketsensor.core.capture;

import com.sun.jna.Memory;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * A direct {@code pcap_next_ex} on a libpcap handle and the copy of the record it returns into a
 * ring slot, without allocation: the live and the offline libpcap sources read frames the same way.
 * One instance per handle, used by the capture thread only.
 */
final class PcapNextEx {
    /**
     * struct pcap_pkthdr on LP64: struct timeval (2 longs), bpf_u_int32 caplen, bpf_u_int32 len;
     * read as 3 longs in one call (each JNA {@code Pointer.getX} is a JNI call of its own, and
     * seven of them per frame cost more than the copy of the frame). Elsewhere: 4 ints.
     */
    private static final boolean LONG_TIMEVAL = Platform.is64Bit() && !Platform.isWindows();
    private static final boolean LITTLE_ENDIAN = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;

    /** pcap_next_ex's two out-parameters side by side (header pointer, data pointer), read in one call. */
    private final Memory out = new Memory(16);
    private final long headerOutAddr = Pointer.nativeValue(out);
    private final long dataOutAddr = headerOutAddr + 8;
    private final long[] outPointers = new long[2];
    private final long[] header64 = new long[3];
    private final int[] header32 = new int[4];
    /** Reused views whose address is moved to each packet's header and data (no allocation). */
    private final Pointer headerView = new Pointer(0);
    private final Pointer dataView = new Pointer(0);
    /** Records whose caplen was negative or above {@link PcapFileReader#MAX_CAPLEN}, copied empty. */
    private long oversize;

    /** {@code pcap_next_ex} on the {@code pcap_t*}: 1 a packet, 0 timeout, -1 error, -2 end or breakloop. */
    int next(long pcap) {
        return LibPcapDirect.pcap_next_ex(pcap, headerOutAddr, dataOutAddr);
    }

    /**
     * Copies the record of the last {@link #next} that returned 1 into the slot as a frame.
     *
     * @param nanosPerFraction nanoseconds per unit of the timeval's second field: 1000 for a handle
     *                         with microsecond timestamps, 1 for one opened with nanosecond precision
     * @return the bytes copied (the record's caplen, or 0 for an oversize record)
     */
    int copy(FrameSlot into, long nanosPerFraction, int linkType) {
        out.read(0, outPointers, 0, 2);
        Pointer.nativeValue(headerView, outPointers[0]);
        int caplen;
        int len;
        long sec;
        long fraction;
        if (LONG_TIMEVAL) {
            headerView.read(0, header64, 0, 3);
            sec = header64[0];
            fraction = header64[1];
            long lens = header64[2];
            caplen = (int) (LITTLE_ENDIAN ? lens : lens >>> 32);
            len = (int) (LITTLE_ENDIAN ? lens >>> 32 : lens);
        } else {
            headerView.read(0, header32, 0, 4);
            sec = header32[0] & 0xFFFFFFFFL;
            fraction = header32[1];
            caplen = header32[2];
            len = header32[3];
        }
        if (caplen < 0 || caplen > PcapFileReader.MAX_CAPLEN) {
            oversize++;
            caplen = 0;
        }
        into.ensureCapacity(caplen);
        Pointer.nativeValue(dataView, outPointers[1]);
        dataView.read(0, into.data, 0, caplen);
        into.caplen = caplen;
        into.wirelen = len;
        into.tsNanos = sec * 1_000_000_000L + fraction * nanosPerFraction;
        into.linkType = linkType;
        into.interfaceId = 0;
        into.kind = FrameSlot.KIND_FRAME;
        return caplen;
    }

    long oversize() {
        return oversize;
    }
}
