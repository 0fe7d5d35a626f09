package io.impacketsensor.core.capture;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.impacketsensor.core.spi.CounterVisitor;
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
 * <p>The handle is non-blocking: {@link #read} drains what the kernel has handed over and returns
 * {@link #IDLE} at once when nothing is left, so the pipeline can publish the frames it read as
 * one batch (one wake-up of the workers per kernel block instead of one per frame, which cost
 * more than the decoding itself: see docs/user/live.md, "Capture rate"). {@link #awaitFrames}
 * then sleeps in {@code poll(2)} on the packet socket for at most the read timeout; a blocking
 * {@code pcap_next_ex} would never return on an idle link under TPACKET_V3 (JAVA-STACK.md §4.2).
 * {@link #wakeUp} also calls {@code pcap_breakloop}, so the next read reports {@link #IDLE} (a
 * tick) or {@link #END} (stop requested).
 *
 * <p>Thread use: {@link #read} and {@link #close} on the capture thread; {@link #wakeUp} and
 * {@link #reportCounters} from any thread while the handle is open.
 */
public final class LivePcapSource implements PacketSource {
    private final LiveOptions options;
    private final PcapHandle handle;
    private final long pcap;
    private final int linkType;
    private final PcapNextEx next = new PcapNextEx();
    /** One {@code struct pollfd} for the packet socket, filled once; revents is cleared per call. */
    private final Memory pollFd = new Memory(LibC.POLLFD_SIZE);
    private final long pollFdAddr = Pointer.nativeValue(pollFd);

    private volatile boolean stopRequested;
    private volatile boolean closed;
    /** Written by the capture thread only; read by the stats thread (a stale value is fine). */
    private long records;
    private long bytes;
    private String failure;

    private LivePcapSource(LiveOptions options, PcapHandle handle, long pcap, int linkType, int fd) {
        this.options = options;
        this.handle = handle;
        this.pcap = pcap;
        this.linkType = linkType;
        pollFd.setInt(0, fd);
        pollFd.setShort(4, LibC.POLLIN);
        pollFd.setShort(6, (short) 0);
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
            try {
                h.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
            } catch (PcapNativeException e) {
                throw new CaptureException("interface " + o.iface() + ": cannot make the capture non-blocking: "
                        + oneLine(e.getMessage()));
            }
            Field f = PcapHandle.class.getDeclaredField("handle");
            f.setAccessible(true);
            long pcap = Pointer.nativeValue((Pointer) f.get(h));
            // register the direct mappings now, not on the first read
            Class.forName(LibPcapDirect.class.getName());
            Class.forName(LibC.class.getName());
            int fd = LibPcapDirect.pcap_get_selectable_fd(pcap);
            if (fd < 0) {
                throw new CaptureException("interface " + o.iface() + ": libpcap gives no selectable descriptor");
            }
            return new LivePcapSource(o, h, pcap, dlt, fd);
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
        int rc = next.next(pcap);
        if (rc == 1) {
            // A live handle's timestamps are in microseconds.
            bytes += next.copy(into, 1000L, linkType);
            records++;
            return FRAME;
        }
        if (rc == 0) {
            return IDLE; // non-blocking: nothing ready now
        }
        if (rc == -2) {
            // pcap_breakloop: a tick or a stop (libpcap clears the flag as it returns -2).
            return stopRequested ? END : IDLE;
        }
        failure = "interface " + options.iface() + ": capture failed (pcap_next_ex returned " + rc + ")";
        return ERROR;
    }

    /**
     * Sleeps in {@code poll(2)} until the kernel has frames, for at most the read timeout (so a
     * stop or a tick is seen within it on an idle link). An error or hang-up on the socket is
     * left for the next {@code pcap_next_ex} to report.
     */
    @Override
    public void awaitFrames() {
        if (stopRequested) {
            return;
        }
        pollFd.setShort(6, (short) 0);
        LibC.poll(pollFdAddr, 1, options.timeoutMillis());
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
        v.counter("capture.oversize_records", next.oversize());
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
        return next.oversize() == 0 ? List.of()
                : List.of("interface " + options.iface() + ": " + next.oversize() + " frames over " + PcapFileReader.MAX_CAPLEN
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
