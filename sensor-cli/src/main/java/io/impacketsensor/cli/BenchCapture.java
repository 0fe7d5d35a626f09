package io.impacketsensor.cli;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PcapFileReader;
import io.impacketsensor.core.capture.PcapFormatException;
import io.impacketsensor.core.wire.Bytes;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Builds the benchmark's large capture: every Ethernet frame of the given captures, repeated with
 * shifted IPv4/IPv6 addresses (so each repetition is a new set of flows) and increasing
 * timestamps, written once as a classic pcap until it reaches the requested size.
 */
final class BenchCapture {
    private BenchCapture() {
    }

    record Source(List<byte[]> frames, List<Long> offsetsNanos, long spanNanos, int files, long bytes) {
    }

    /** Loads the Ethernet frames of every pcap/pcapng under the directories (damaged files up to the damage). */
    static Source load(List<Path> dirs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path d : dirs) {
            try (Stream<Path> s = Files.walk(d)) {
                s.filter(Files::isRegularFile).filter(p -> {
                    String n = p.getFileName().toString();
                    return n.endsWith(".pcap") || n.endsWith(".pcapng") || n.endsWith(".cap");
                }).sorted().forEach(files::add);
            }
        }
        List<byte[]> frames = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        long clock = 0;
        long bytes = 0;
        int used = 0;
        FrameSlot slot = new FrameSlot();
        for (Path f : files) {
            try (PcapFileReader r = PcapFileReader.open(f)) {
                long first = Long.MIN_VALUE;
                long last = 0;
                boolean any = false;
                while (r.next(slot)) {
                    if (slot.linkType != 1 || slot.caplen < 14) {
                        continue;
                    }
                    if (first == Long.MIN_VALUE) {
                        first = slot.tsNanos;
                    }
                    long rel = Math.max(0, slot.tsNanos - first);
                    last = Math.max(last, rel);
                    frames.add(Arrays.copyOfRange(slot.data, slot.offset, slot.offset + slot.caplen));
                    offsets.add(clock + rel);
                    bytes += slot.caplen;
                    any = true;
                }
                if (any) {
                    used++;
                    clock += last + 1_000_000_000L;
                }
            } catch (PcapFormatException e) {
                // not a capture: skipped
            }
        }
        return new Source(frames, offsets, clock, used, bytes);
    }

    /** Writes repetitions of the source to {@code out} until it holds at least {@code targetBytes}. */
    static long write(Source src, Path out, long targetBytes) throws IOException {
        if (src.frames().isEmpty()) {
            throw new IOException("no Ethernet frames found in the given captures");
        }
        long base = 1_764_000_000_000_000_000L;
        long written = 24;
        long packets = 0;
        ByteBuffer rec = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
            ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0xA1B23C4D).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(1);
            os.write(h.array());
            for (int rep = 0; written < targetBytes; rep++) {
                long repBase = base + rep * (src.spanNanos() + 1_000_000_000L);
                for (int i = 0; i < src.frames().size(); i++) {
                    byte[] f = src.frames().get(i).clone();
                    shift(f, rep);
                    long ts = repBase + src.offsetsNanos().get(i);
                    rec.clear();
                    rec.putInt((int) (ts / 1_000_000_000L)).putInt((int) (ts % 1_000_000_000L)).putInt(f.length).putInt(f.length);
                    os.write(rec.array());
                    os.write(f);
                    written += 16 + f.length;
                    packets++;
                }
            }
        }
        return packets;
    }

    /** Moves both addresses of an IPv4/IPv6 frame into repetition {@code rep}'s address space. */
    static void shift(byte[] f, int rep) {
        int off = 12;
        int type = Bytes.u16be(f, off);
        while ((type == 0x8100 || type == 0x88A8) && off + 6 <= f.length) {
            off += 4;
            type = Bytes.u16be(f, off);
        }
        int ip = off + 2;
        int add = rep & 0xFF;
        int hi = (rep >>> 8) & 0xFF;
        if (type == 0x0800 && f.length >= ip + 20) {
            // second octet and first octet of src and dst (checksums are not verified by the sensor)
            f[ip + 13] = (byte) (f[ip + 13] + add);
            f[ip + 17] = (byte) (f[ip + 17] + add);
            f[ip + 12] = (byte) (f[ip + 12] ^ hi);
            f[ip + 16] = (byte) (f[ip + 16] ^ hi);
        } else if (type == 0x86DD && f.length >= ip + 40) {
            f[ip + 8 + 2] = (byte) (f[ip + 8 + 2] + add);
            f[ip + 24 + 2] = (byte) (f[ip + 24 + 2] + add);
            f[ip + 8 + 3] = (byte) (f[ip + 8 + 3] ^ hi);
            f[ip + 24 + 3] = (byte) (f[ip + 24 + 3] ^ hi);
        }
    }
}
