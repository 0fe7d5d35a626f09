package io.impacketsensor.core.capture;

import com.sun.jna.Pointer;
import io.impacketsensor.core.spi.CounterVisitor;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Capture files read through libpcap's own reader, one after the other, as tcpdump reads them:
 * {@code -} is standard input ({@code tcpdump -w - | impacket-sensor replay -}), and a BPF
 * expression filters the frames as {@code tcpdump -r FILE 'expr'} does (compiled for each file's
 * link type and run by libpcap on every record; pcap_setfilter(3PCAP) on a savefile handle).
 *
 * <p>{@link PcapFileChain} reads files in pure Java, damaged ones up to the damage; a pipe
 * has no size to read by position and a filter needs libpcap's compiler, so replay uses this source when it is
 * given {@code -} or {@code --bpf}. Frames are read with a direct {@code pcap_next_ex} into the
 * ring slot, as {@link LivePcapSource} reads them. A file whose records end in damage is read up
 * to it, with a warning, like {@link PcapFileChain} does.
 *
 * <p>Each file is opened when the previous one ends (standard input can only be read once, and is
 * only known to be a capture when its header arrives); {@link #open} checks the first one.
 */
public final class OfflinePcapSource implements PacketSource {
    private final List<String> files;
    private final String bpf;
    private final PcapNextEx next = new PcapNextEx();
    /** Added on the capture thread, read by the main thread at the end. */
    private final List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());

    private int index;
    private PcapHandle handle;
    private long pcap;
    private int linkType;
    private volatile boolean stopRequested;
    private String failure;
    /** Written by the capture thread only; read by the stats thread (a stale value is fine). */
    private long records;
    private long bytes;

    private OfflinePcapSource(List<String> files, String bpf) {
        this.files = List.copyOf(files);
        this.bpf = bpf == null || bpf.isBlank() ? null : bpf;
    }

    /**
     * Opens the first file (or standard input for {@code -}) and checks the filter against it.
     *
     * @param files capture files in order; {@code -} is standard input (at most once)
     * @param bpf   a BPF expression (pcap-filter(7)), or null for every frame
     * @throws PcapFormatException one line naming the file or the filter and the problem
     */
    public static OfflinePcapSource open(List<String> files, String bpf) throws PcapFormatException {
        if (files.isEmpty()) {
            throw new PcapFormatException("no capture file given");
        }
        if (files.stream().filter("-"::equals).count() > 1) {
            throw new PcapFormatException("standard input (-) can be read only once");
        }
        OfflinePcapSource s = new OfflinePcapSource(files, bpf);
        s.openFile(0);
        return s;
    }

    private void openFile(int i) throws PcapFormatException {
        String name = files.get(i);
        String shown = shown(name);
        if (!name.equals("-")) {
            java.nio.file.Path p = java.nio.file.Path.of(name);
            if (java.nio.file.Files.isDirectory(p)) {
                throw new PcapFormatException(shown + ": is a directory, not a capture file");
            }
            if (!java.nio.file.Files.exists(p)) {
                throw new PcapFormatException(shown + ": no such file");
            }
        }
        PcapHandle h;
        try {
            h = Pcaps.openOffline(name, PcapHandle.TimestampPrecision.NANO);
        } catch (PcapNativeException e) {
            throw new PcapFormatException(shown + ": " + oneLine(e.getMessage()));
        } catch (LinkageError e) {
            throw new PcapFormatException("reading " + shown + " through libpcap needs libpcap (apt-get install libpcap0.8): "
                    + oneLine(e.getMessage()));
        }
        try {
            if (bpf != null) {
                try {
                    h.setFilter(bpf, BpfProgram.BpfCompileMode.OPTIMIZE);
                } catch (PcapNativeException e) {
                    throw new PcapFormatException("bad BPF expression '" + bpf + "' for " + shown + ": " + oneLine(e.getMessage()));
                }
            }
            Field f = PcapHandle.class.getDeclaredField("handle");
            f.setAccessible(true);
            long p = Pointer.nativeValue((Pointer) f.get(h));
            Class.forName(LibPcapDirect.class.getName());
            int dlt = h.getDlt().value();
            handle = h;
            pcap = p;
            linkType = dlt;
            index = i;
        } catch (PcapFormatException e) {
            h.close();
            throw e;
        } catch (ReflectiveOperationException | RuntimeException | NotOpenException | LinkageError e) {
            h.close();
            throw new PcapFormatException(shown + ": cannot reach libpcap's handle (" + oneLine(String.valueOf(e)) + ")");
        }
    }

    private static String shown(String name) {
        return name.equals("-") ? "standard input" : name;
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
        while (!stopRequested && handle != null) {
            int rc = next.next(pcap);
            if (rc == 1) {
                copy(into);
                return FRAME;
            }
            if (rc == -1) {
                // A record cut short or corrupt: what came before it was read (as PcapFileChain does).
                String why;
                try {
                    why = handle.getError();
                } catch (NotOpenException e) {
                    why = "read error";
                }
                warnings.add(shown(files.get(index)) + ": read up to damaged data: " + oneLine(why));
            }
            // -2: end of this file (or -1 after the warning): go on with the next one.
            handle.close();
            handle = null;
            if (index + 1 < files.size()) {
                try {
                    openFile(index + 1);
                } catch (PcapFormatException e) {
                    failure = e.getMessage();
                    return ERROR;
                }
            }
        }
        return END;
    }

    private void copy(FrameSlot into) {
        // Opened with nanosecond precision: the timeval's second field holds nanoseconds.
        bytes += next.copy(into, 1L, linkType);
        records++;
    }

    @Override
    public boolean lossless() {
        return true;
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
    }

    @Override
    public void reportCounters(CounterVisitor v) {
        v.counter("capture.records", records);
        v.counter("capture.bytes", bytes);
        v.counter("capture.oversize_records", next.oversize());
    }

    @Override
    public List<String> warnings() {
        synchronized (warnings) {
            return List.copyOf(warnings);
        }
    }

    @Override
    public void close() {
        if (handle != null) {
            handle.close();
            handle = null;
        }
    }
}
