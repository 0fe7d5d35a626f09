package io.impacketsensor.core.capture;

import com.sun.jna.Memory;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.impacketsensor.core.flow.CounterVisitor;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;

import java.lang.reflect.Field;
import java.util.List;

/**
 * Live capture from a network interface through libpcap. pcap4j opens and configures the handle
 * (snaplen, promiscuous and immediate mode, buffer size, timeout, BPF filter) and reads the kernel
 * drop counters; frames themselves are read with a direct {@code pcap_next_ex} on pcap4j's
 * {@code pcap_t*} and copied straight into the ring slot, never through pcap4j {@code Packet}s.
 *
 * <p>{@code pcap_next_ex} does not return on an idle link under TPACKET_V3 whatever the timeout
 * (JAVA-STACK.md §4.2), so {@link #wakeUp} calls {@code pcap_breakloop}: the blocked read returns
 * -2, and {@link #read} reports {@link #IDLE} (a tick) or {@link #END} (stop requested).
 *
 * <p>Thread use: {@link #read} and {@link #close} on the capture thread; {@link #wakeUp} and
 * {@link #reportCounters} from any thread while the handle is open.
 */
public final class LivePcapSource implements PacketSource {
    /** struct pcap_pkthdr on LP64: struct timeval (2 longs), bpf_u_int32 caplen, bpf_u_int32 len. */
    private static final int HDR_CAPLEN = Platform.is64Bit() ? 16 : 8;
    private static final int HDR_LEN = HDR_CAPLEN + 4;
    private static final boolean LONG_TIMEVAL = Platform.is64Bit() && !Platform.isWindows();

    private final LiveOptions options;
    private final PcapHandle handle;
    private final long pcap;
    private final int linkType;
    private final Memory headerOut = new Memory(8);
    private final Memory dataOut = new Memory(8);
    private final long headerOutAddr = Pointer.nativeValue(headerOut);
    private final long dataOutAddr = Pointer.nativeValue(dataOut);
    /** Reused views whose address is moved to each packet's header and data (no allocation). */
    private final Pointer headerView = new Pointer(0);
    private final Pointer dataView = new Pointer(0);

    private volatile boolean stopRequested;
    private volatile boolean closed;
    /** Written by the capture thread only; read by the stats thread (a stale value is fine). */
    private long records;
    private long bytes;
    private long oversize;
    private String failure;

    private LivePcapSource(LiveOptions options, PcapHandle handle, long pcap, int linkType) {
        this.options = options;
        this.handle = handle;
        this.pcap = pcap;
        this.linkType = linkType;
    }

    /**
     * Opens and configures the interface.
     *
     * @throws CaptureException one line naming the interface or filter and the problem (unknown
     *                          interface, no permission, bad BPF expression, libpcap missing)
     */
    public static LivePcapSource open(LiveOptions o) throws CaptureException {
        PcapHandle h;
        try {
            h = new PcapHandle.Builder(o.iface())
                    .snaplen(o.snaplen())
                    .promiscuousMode(o.promiscuous() ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                            : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(o.timeoutMillis())
                    .bufferSize(o.bufferSizeBytes())
                    .immediateMode(o.immediate())
                    .build();
        } catch (PcapNativeException e) {
            throw new CaptureException("interface " + o.iface() + ": " + oneLine(e.getMessage()));
        } catch (LinkageError e) {
            throw new CaptureException("live capture needs libpcap (apt-get install libpcap0.8): "
                    + oneLine(e.getMessage()));
        }
        try {
            if (o.bpf() != null && !o.bpf().isBlank()) {
                try {
                    h.setFilter(o.bpf(), BpfProgram.BpfCompileMode.OPTIMIZE);
                } catch (PcapNativeException e) {
                    throw new CaptureException("bad BPF expression '" + o.bpf() + "': " + oneLine(e.getMessage()));
                }
            }
            int dlt = h.getDlt().value();
            Field f = PcapHandle.class.getDeclaredField("handle");
            f.setAccessible(true);
            long pcap = Pointer.nativeValue((Pointer) f.get(h));
            Class.forName(LibPcapDirect.class.getName()); // register the direct mapping now, not on the first read
            return new LivePcapSource(o, h, pcap, dlt);
        } catch (CaptureException e) {
            h.close();
            throw e;
        } catch (ReflectiveOperationException | RuntimeException | NotOpenException | LinkageError e) {
            h.close();
            throw new CaptureException("interface " + o.iface() + ": cannot reach libpcap's handle ("
                    + oneLine(String.valueOf(e)) + ")", e);
        }
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return (nl >= 0 ? s.substring(0, nl) : s).trim();
    }

    @Override
    public int read(FrameSlot into) {
        if (stopRequested) {
            return END;
        }
        int rc = LibPcapDirect.pcap_next_ex(pcap, headerOutAddr, dataOutAddr);
        if (rc == 1) {
            Pointer.nativeValue(headerView, headerOut.getLong(0));
            int caplen = headerView.getInt(HDR_CAPLEN);
            int len = headerView.getInt(HDR_LEN);
            long sec = LONG_TIMEVAL ? headerView.getLong(0) : headerView.getInt(0) & 0xFFFFFFFFL;
            long usec = LONG_TIMEVAL ? headerView.getLong(8) : headerView.getInt(4);
            if (caplen < 0 || caplen > PcapFileReader.MAX_CAPLEN) {
                oversize++;
                caplen = 0;
            }
            into.ensureCapacity(caplen);
            Pointer.nativeValue(dataView, dataOut.getLong(0));
            dataView.read(0, into.data, 0, caplen);
            into.caplen = caplen;
            into.wirelen = len;
            into.tsNanos = sec * 1_000_000_000L + usec * 1000L;
            into.linkType = linkType;
            into.interfaceId = 0;
            into.kind = FrameSlot.KIND_FRAME;
            records++;
            bytes += caplen;
            return FRAME;
        }
        if (rc == 0) {
            return IDLE;
        }
        if (rc == -2) {
            // pcap_breakloop: a tick or a stop (libpcap clears the flag as it returns -2).
            return stopRequested ? END : IDLE;
        }
        failure = "interface " + options.iface() + ": capture failed (pcap_next_ex returned " + rc + ")";
        return ERROR;
    }

    /** LINKTYPE_ of the interface. */
    public int linkType() {
        return linkType;
    }

    @Override
    public boolean lossless() {
        return false;
    }

    @Override
    public String failure() {
        return failure;
    }

    @Override
    public void wakeUp(boolean stop) {
        if (stop) {
            stopRequested = true;
        }
        if (!closed) {
            try {
                handle.breakLoop();
            } catch (NotOpenException ignored) {
                // closed meanwhile: the capture thread has already stopped reading
            }
        }
    }

    /**
     * Reports {@code capture.records/bytes} and the kernel's counters: {@code capture.kernel_received}
     * (ps_recv: frames that passed the BPF filter), {@code capture.kernel_dropped} (ps_drop: no room
     * in the kernel buffer), {@code capture.kernel_ifdropped} (ps_ifdrop: dropped by the interface).
     */
    @Override
    public void reportCounters(CounterVisitor v) {
        v.counter("capture.records", records);
        v.counter("capture.bytes", bytes);
        v.counter("capture.oversize_records", oversize);
        if (closed) {
            return;
        }
        try {
            PcapStat s = handle.getStats();
            v.counter("capture.kernel_received", s.getNumPacketsReceived());
            v.counter("capture.kernel_dropped", s.getNumPacketsDropped());
            v.counter("capture.kernel_ifdropped", s.getNumPacketsDroppedByIf());
        } catch (PcapNativeException | NotOpenException e) {
            // statistics unavailable on this handle: report what we counted ourselves
        }
    }

    /** Kernel counters as {@code [ps_recv, ps_drop, ps_ifdrop]}, or null when unavailable. */
    public long[] kernelStats() {
        if (closed) {
            return null;
        }
        try {
            PcapStat s = handle.getStats();
            return new long[] {s.getNumPacketsReceived(), s.getNumPacketsDropped(), s.getNumPacketsDroppedByIf()};
        } catch (PcapNativeException | NotOpenException e) {
            return null;
        }
    }

    @Override
    public List<String> warnings() {
        return oversize == 0 ? List.of()
                : List.of("interface " + options.iface() + ": " + oversize + " frames over " + PcapFileReader.MAX_CAPLEN
                        + " bytes delivered empty");
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            handle.close();
        }
    }
}
