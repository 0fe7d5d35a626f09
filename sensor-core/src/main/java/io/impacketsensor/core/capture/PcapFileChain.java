package io.impacketsensor.core.capture;

import io.impacketsensor.core.spi.CounterVisitor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Several capture files read one after the other as one source ({@code replay a.pcap b.pcapng}).
 * All files are opened (and their headers checked) before the first packet is read, so a bad
 * file name fails the command at once instead of after minutes of replay.
 */
public final class PcapFileChain implements PacketSource {
    private final PcapFileReader[] readers;
    private final long totalSize;
    private volatile int current;
    private volatile boolean stopRequested;

    private PcapFileChain(PcapFileReader[] readers) {
        this.readers = readers;
        long t = 0;
        for (PcapFileReader r : readers) {
            t += r.size();
        }
        this.totalSize = t;
    }

    /** Opens every file; on the first that cannot be opened, closes the others and throws. */
    public static PcapFileChain open(List<Path> files) throws PcapFormatException {
        if (files.isEmpty()) {
            throw new PcapFormatException("no capture file given");
        }
        PcapFileReader[] readers = new PcapFileReader[files.size()];
        try {
            for (int i = 0; i < readers.length; i++) {
                readers[i] = PcapFileReader.open(files.get(i));
            }
        } catch (PcapFormatException e) {
            for (PcapFileReader r : readers) {
                if (r != null) {
                    r.close();
                }
            }
            throw e;
        }
        return new PcapFileChain(readers);
    }

    @Override
    public int read(FrameSlot into) {
        while (!stopRequested) {
            int i = current;
            if (i == readers.length) {
                return END;
            }
            int status = readers[i].read(into);
            if (status != END) {
                return status;
            }
            current = i + 1;
        }
        return END;
    }

    /** Fraction of all files' bytes consumed, 0..1 (for a progress bar; any thread). */
    public double progress() {
        if (totalSize == 0) {
            return 1;
        }
        long done = 0;
        int c = Math.min(current, readers.length);
        for (int i = 0; i < c; i++) {
            done += readers[i].size();
        }
        if (c < readers.length) {
            done += readers[c].position();
        }
        return (double) done / totalSize;
    }

    /** Total size of the files in bytes. */
    public long totalSize() {
        return totalSize;
    }

    /** The readers, in order (their per-file counters). */
    public List<PcapFileReader> readers() {
        return List.of(readers);
    }

    @Override
    public boolean lossless() {
        return true;
    }

    @Override
    public boolean lendsFrames() {
        return true;
    }

    @Override
    public String failure() {
        int c = Math.min(current, readers.length - 1);
        return readers[c].failure();
    }

    @Override
    public void wakeUp(boolean stop) {
        if (stop) {
            stopRequested = true;
        }
    }

    @Override
    public void reportCounters(CounterVisitor v) {
        long rec = 0, bytes = 0, trunc = 0, corrupt = 0, over = 0, zero = 0;
        for (PcapFileReader r : readers) {
            rec += r.records();
            bytes += r.bytes();
            trunc += r.truncatedRecords();
            corrupt += r.corruptBlocks();
            over += r.overSnaplenRecords();
            zero += r.zeroLengthRecords();
        }
        v.counter("capture.records", rec);
        v.counter("capture.bytes", bytes);
        v.counter("capture.truncated_records", trunc);
        v.counter("capture.corrupt_blocks", corrupt);
        v.counter("capture.over_snaplen_records", over);
        v.counter("capture.zero_length_records", zero);
    }

    @Override
    public List<String> warnings() {
        List<String> all = new ArrayList<>();
        for (PcapFileReader r : readers) {
            all.addAll(r.warnings());
        }
        return all;
    }

    @Override
    public void close() {
        for (PcapFileReader r : readers) {
            r.close();
        }
    }
}
