package io.impacketsensor.core.capture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** All frames here are synthetic byte patterns: the reader does not look inside them. */
class PcapFileReaderTest {
    private static final long T0 = 1_764_252_202_123_456_000L; // 2025-11-27T14:03:22.123456Z

    @TempDir
    Path dir;

    private static byte[] frame(int len, int seed) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) (seed + i * 7);
        }
        return b;
    }

    private record Got(byte[] data, int wirelen, long ts, int linkType, int iface) {
    }

    private static List<Got> readAll(PcapFileReader r) {
        List<Got> out = new ArrayList<>();
        FrameSlot s = new FrameSlot();
        while (r.next(s)) {
            out.add(new Got(Arrays.copyOf(s.data, s.caplen), s.wirelen, s.tsNanos, s.linkType, s.interfaceId));
        }
        assertFalse(r.next(s), "stays at end");
        return out;
    }

    private PcapFileReader open(byte[] content) throws Exception {
        return PcapFileReader.open(Files.write(dir.resolve("t.cap"), content));
    }

    private void classicRoundTrip(ByteOrder order, boolean nanos) throws Exception {
        long ts2 = nanos ? T0 + 789 : T0 + 1000;
        byte[] a = frame(60, 1), b = frame(1514, 2), c = frame(42, 3);
        byte[] file = new PcapWriter(order, nanos, 65535, 1)
                .packet(T0, a).packet(ts2, b).packet(T0 + 2_000_000_000L, c, 0, 42, 100).toBytes();
        try (PcapFileReader r = open(file)) {
            assertFalse(r.isPcapng());
            List<Got> got = readAll(r);
            assertEquals(3, got.size());
            assertArrayEquals(a, got.get(0).data());
            assertArrayEquals(b, got.get(1).data());
            assertArrayEquals(c, got.get(2).data());
            assertEquals(T0, got.get(0).ts());
            assertEquals(ts2, got.get(1).ts());
            assertEquals(100, got.get(2).wirelen());
            assertEquals(1, got.get(0).linkType());
            assertEquals(3, r.records());
            assertEquals(60 + 1514 + 42, r.bytes());
            assertEquals(0, r.truncatedRecords());
            assertEquals(0, r.corruptBlocks());
            assertTrue(r.warnings().isEmpty());
        }
    }

    @Test
    void classicLittleEndianMicroseconds() throws Exception {
        classicRoundTrip(ByteOrder.LITTLE_ENDIAN, false);
    }

    @Test
    void classicBigEndianMicroseconds() throws Exception {
        classicRoundTrip(ByteOrder.BIG_ENDIAN, false);
    }

    @Test
    void classicLittleEndianNanoseconds() throws Exception {
        classicRoundTrip(ByteOrder.LITTLE_ENDIAN, true);
    }

    @Test
    void classicBigEndianNanoseconds() throws Exception {
        classicRoundTrip(ByteOrder.BIG_ENDIAN, true);
    }

    @Test
    void classicLinkTypeIgnoresFcsBits() throws Exception {
        byte[] file = new PcapWriter(ByteOrder.LITTLE_ENDIAN, false, 65535, 0x1000_0000 | 113)
                .packet(T0, frame(20, 0)).toBytes();
        try (PcapFileReader r = open(file)) {
            assertEquals(113, readAll(r).get(0).linkType());
        }
    }

    private void pcapngRoundTrip(ByteOrder order) throws Exception {
        byte[] a = frame(60, 1), b = frame(40, 2), c = frame(33, 3), d = frame(70, 4), e = frame(50, 5);
        long t0Micros = T0 / 1000;
        byte[] file = new PcapNgWriter().section(order)
                .iface(1, 65535, -1)                 // Ethernet, default 10^-6
                .iface(101, 65535, 9)                // raw IP, 10^-9
                .iface(113, 65535, 0x80 | 20)        // Linux SLL, 2^-20
                .block(5, new byte[28])              // Interface Statistics Block: skipped
                .epb(0, t0Micros, a, 60)
                .epb(1, T0 + 5, b, 40)
                .block(0x0BAD, new byte[8])          // custom block: skipped
                .epb(2, (T0 / 1_000_000_000L << 20) | (1 << 19), c, 33)
                .opb(0, t0Micros + 1, d)
                .spb(e, 50)
                .toBytes();
        try (PcapFileReader r = open(file)) {
            assertTrue(r.isPcapng());
            List<Got> got = readAll(r);
            assertEquals(5, got.size());
            assertArrayEquals(a, got.get(0).data());
            assertEquals(T0, got.get(0).ts());
            assertEquals(1, got.get(0).linkType());
            assertEquals(0, got.get(0).iface());
            assertArrayEquals(b, got.get(1).data());
            assertEquals(T0 + 5, got.get(1).ts());
            assertEquals(101, got.get(1).linkType());
            assertEquals(1, got.get(1).iface());
            assertArrayEquals(c, got.get(2).data());
            assertEquals(T0 / 1_000_000_000L * 1_000_000_000L + 500_000_000L, got.get(2).ts());
            assertEquals(113, got.get(2).linkType());
            assertArrayEquals(d, got.get(3).data());
            assertEquals(T0 + 1000, got.get(3).ts());
            assertArrayEquals(e, got.get(4).data());
            assertEquals(1, got.get(4).linkType(), "SPB belongs to interface 0");
            assertEquals(T0 + 1000, got.get(4).ts(), "SPB has no timestamp: carries the previous one");
            assertEquals(2, r.skippedBlocks());
            assertEquals(0, r.corruptBlocks());
            assertTrue(r.warnings().isEmpty(), r.warnings().toString());
        }
    }

    @Test
    void pcapngLittleEndianSeveralInterfaces() throws Exception {
        pcapngRoundTrip(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void pcapngBigEndianSeveralInterfaces() throws Exception {
        pcapngRoundTrip(ByteOrder.BIG_ENDIAN);
    }

    @Test
    void pcapngNewSectionSwitchesByteOrderAndForgetsInterfaces() throws Exception {
        byte[] file = new PcapNgWriter().section(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1).epb(0, 1, frame(20, 1), 20)
                .section(ByteOrder.BIG_ENDIAN).iface(101, 0, -1).epb(0, 2, frame(21, 2), 21)
                .toBytes();
        try (PcapFileReader r = open(file)) {
            List<Got> got = readAll(r);
            assertEquals(2, got.size());
            assertEquals(1, got.get(0).linkType());
            assertEquals(101, got.get(1).linkType());
            assertEquals(2000, got.get(1).ts());
        }
    }

    @Test
    void truncatedLastRecordKeepsEarlierPackets() throws Exception {
        PcapWriter w = PcapWriter.ethernet().packet(T0, frame(60, 1)).packet(T0, frame(60, 2));
        int cut = w.size();
        byte[] full = w.packet(T0, frame(100, 3)).toBytes();
        byte[] file = Arrays.copyOf(full, full.length - 30);
        try (PcapFileReader r = open(file)) {
            assertEquals(2, readAll(r).size());
            assertEquals(1, r.truncatedRecords());
            assertEquals(0, r.corruptBlocks());
            assertEquals(List.of(dir.resolve("t.cap") + ": last record truncated at byte " + cut
                    + " (needs 116 bytes, 86 left)"), r.warnings());
        }
    }

    @Test
    void truncatedRecordHeaderKeepsEarlierPackets() throws Exception {
        byte[] file = PcapWriter.ethernet().packet(T0, frame(60, 1)).raw(new byte[7]).toBytes();
        try (PcapFileReader r = open(file)) {
            assertEquals(1, readAll(r).size());
            assertEquals(1, r.truncatedRecords());
            assertTrue(r.warnings().get(0).contains("last record header truncated at byte 100"), r.warnings().toString());
        }
    }

    @Test
    void garbageAfterRecordsStopsWithCorruptWarning() throws Exception {
        byte[] junk = new byte[64];
        Arrays.fill(junk, (byte) 0xEE);
        byte[] file = PcapWriter.ethernet().packet(T0, frame(60, 1)).packet(T0, frame(60, 2)).raw(junk).toBytes();
        try (PcapFileReader r = open(file)) {
            assertEquals(2, readAll(r).size());
            assertEquals(1, r.corruptBlocks());
            assertTrue(r.warnings().get(0).contains("record at byte 176 claims"), r.warnings().toString());
        }
    }

    @Test
    void zeroLengthAndOverSnaplenRecordsAreDelivered() throws Exception {
        byte[] big = frame(3000, 9);
        byte[] file = new PcapWriter(ByteOrder.LITTLE_ENDIAN, false, 96, 1)
                .packet(T0, new byte[0], 0, 0, 60)
                .packet(T0, big)                       // 3000 > snaplen 96, and > the 2048 slot
                .packet(T0, frame(50, 1))
                .toBytes();
        try (PcapFileReader r = open(file)) {
            List<Got> got = readAll(r);
            assertEquals(3, got.size());
            assertEquals(0, got.get(0).data().length);
            assertEquals(60, got.get(0).wirelen());
            assertArrayEquals(big, got.get(1).data());
            assertEquals(1, r.zeroLengthRecords());
            assertEquals(1, r.overSnaplenRecords());
            assertEquals(0, r.corruptBlocks());
            assertEquals(1, r.warnings().size());
            assertTrue(r.warnings().get(0).contains("over the snaplen 96"), r.warnings().toString());
        }
    }

    @Test
    void pcapngCorruptBlockKeepsEarlierPackets() throws Exception {
        PcapNgWriter w = new PcapNgWriter().section(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1)
                .epb(0, 1, frame(60, 1), 60).epb(0, 2, frame(60, 2), 60);
        int at = w.size();
        byte[] file = w.epb(0, 3, frame(60, 3), 60).epb(0, 4, frame(60, 4), 60).toBytes();
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(at + 4, 13); // length not a multiple of 4
        try (PcapFileReader r = open(file)) {
            assertEquals(2, readAll(r).size());
            assertEquals(1, r.corruptBlocks());
            assertEquals(List.of(dir.resolve("t.cap") + ": block at byte " + at + " has an invalid length 13, stopping"),
                    r.warnings());
        }
    }

    @Test
    void pcapngTrailingLengthMismatchIsCorrupt() throws Exception {
        PcapNgWriter w = new PcapNgWriter().section(ByteOrder.BIG_ENDIAN).iface(1, 0, -1).epb(0, 1, frame(60, 1), 60);
        int start = w.size();
        byte[] file = w.epb(0, 2, frame(60, 2), 60).toBytes();
        ByteBuffer.wrap(file).putInt(file.length - 4, 999);
        try (PcapFileReader r = open(file)) {
            assertEquals(1, readAll(r).size());
            assertEquals(1, r.corruptBlocks());
            assertTrue(r.warnings().get(0).contains("block at byte " + start + " has a trailing length"));
        }
    }

    @Test
    void pcapngCaplenPastBlockIsCorrupt() throws Exception {
        byte[] file = new PcapNgWriter().section(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1)
                .epb(0, 1, frame(60, 1), 60).epbLying(0, 5000, frame(60, 2)).toBytes();
        try (PcapFileReader r = open(file)) {
            assertEquals(1, readAll(r).size());
            assertEquals(1, r.corruptBlocks());
            assertTrue(r.warnings().get(0).contains("claims 5000 captured bytes"), r.warnings().toString());
        }
    }

    @Test
    void pcapngUndeclaredInterfaceIsCorrupt() throws Exception {
        byte[] file = new PcapNgWriter().section(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1)
                .epb(0, 1, frame(60, 1), 60).epb(3, 1, frame(60, 2), 60).toBytes();
        try (PcapFileReader r = open(file)) {
            assertEquals(1, readAll(r).size());
            assertEquals(1, r.corruptBlocks());
            assertTrue(r.warnings().get(0).contains("names interface 3 but the section declares 1"));
        }
    }

    @Test
    void pcapngTruncatedLastBlockKeepsEarlierPackets() throws Exception {
        PcapNgWriter w = new PcapNgWriter().section(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1).epb(0, 1, frame(60, 1), 60);
        int at = w.size();
        byte[] full = w.epb(0, 2, frame(200, 2), 200).toBytes();
        try (PcapFileReader r = open(Arrays.copyOf(full, full.length - 50))) {
            assertEquals(1, readAll(r).size());
            assertEquals(1, r.truncatedRecords());
            assertTrue(r.warnings().get(0).contains("last block truncated at byte " + at), r.warnings().toString());
        }
    }

    @Test
    void garbageInsteadOfAFileIsAOneLineError() throws Exception {
        Path p = Files.write(dir.resolve("notes.txt"), "hello, this is not a capture\n".getBytes());
        PcapFormatException e = assertThrows(PcapFormatException.class, () -> PcapFileReader.open(p));
        assertEquals(p + ": not a pcap or pcapng file (unknown magic 0x68656c6c)", e.getMessage());
    }

    @Test
    void missingEmptyShortAndDirectoryAreOneLineErrors() throws Exception {
        Path missing = dir.resolve("nope.pcap");
        assertEquals(missing + ": no such file",
                assertThrows(PcapFormatException.class, () -> PcapFileReader.open(missing)).getMessage());
        Path empty = Files.write(dir.resolve("empty.pcap"), new byte[0]);
        assertEquals(empty + ": not a pcap or pcapng file (empty file)",
                assertThrows(PcapFormatException.class, () -> PcapFileReader.open(empty)).getMessage());
        Path shortHeader = Files.write(dir.resolve("short.pcap"), Arrays.copyOf(PcapWriter.ethernet().toBytes(), 20));
        assertEquals(shortHeader + ": not a pcap or pcapng file (pcap file header truncated at byte 20)",
                assertThrows(PcapFormatException.class, () -> PcapFileReader.open(shortHeader)).getMessage());
        assertEquals(dir + ": is a directory, not a capture file",
                assertThrows(PcapFormatException.class, () -> PcapFileReader.open(dir)).getMessage());
        byte[] badBom = new PcapNgWriter().section(ByteOrder.LITTLE_ENDIAN).toBytes();
        badBom[8] = 0;
        Path ng = Files.write(dir.resolve("bom.pcapng"), badBom);
        assertTrue(assertThrows(PcapFormatException.class, () -> PcapFileReader.open(ng)).getMessage()
                .startsWith(ng + ": not a pcap or pcapng file (bad pcapng byte-order magic"));
    }

    @Test
    void aFifoOrADeviceIsAOneLineErrorAndNeverBlocks() throws Exception {
        Path fifo = dir.resolve("capture.fifo");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "skipped: needs mkfifo");
        // Opening a FIFO without a writer blocks; the check must come before the open.
        assertEquals(fifo + ": not a regular file (a FIFO or device); give a capture file, or capture with 'live'",
                assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                        () -> assertThrows(PcapFormatException.class, () -> PcapFileReader.open(fifo))).getMessage());
        Path devNull = Path.of("/dev/null");
        assumeTrue(Files.exists(devNull));
        assertTrue(assertThrows(PcapFormatException.class, () -> PcapFileReader.open(devNull)).getMessage()
                .endsWith(": not a regular file (a FIFO or device); give a capture file, or capture with 'live'"));
    }

    @Test
    void smallWindowsGiveTheSameFramesAsOneMapping() throws Exception {
        PcapWriter w = PcapWriter.ethernet();
        for (int i = 0; i < 500; i++) {
            w.packet(T0 + i, frame(40 + (i * 37) % 1500, i));
        }
        Path p = w.writeTo(dir.resolve("many.pcap"));
        List<Got> whole, windowed;
        try (PcapFileReader r = PcapFileReader.open(p)) {
            whole = readAll(r);
        }
        try (PcapFileReader r = PcapFileReader.open(p, 4096)) {
            windowed = readAll(r);
        }
        assertEquals(500, whole.size());
        assertEquals(whole.size(), windowed.size());
        for (int i = 0; i < whole.size(); i++) {
            assertArrayEquals(whole.get(i).data(), windowed.get(i).data(), "frame " + i);
            assertEquals(whole.get(i).ts(), windowed.get(i).ts());
        }
    }

    /**
     * A sparse pcapng file of 4.3 GB: packets before 2 GiB, after 2 GiB and after 4 GiB, separated by
     * skipped 16-MB blocks (holes on disk, so the test needs almost no space).
     */
    @Test
    void filesOverFourGigabytesAreReadInWindows() throws IOException, PcapFormatException {
        Path p = dir.resolve("huge.pcapng");
        byte[] head = new PcapNgWriter().section(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1)
                .epb(0, 1, frame(60, 1), 60).toBytes();
        int skipLen = PcapFileReader.MAX_BLOCK;
        long target = (4L << 30) + (300L << 20);
        List<Long> packetAt = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            ch.write(ByteBuffer.wrap(head));
            long pos = head.length;
            int n = 0;
            while (pos < target) {
                ByteBuffer hdr = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0x0BAD).putInt(skipLen);
                ch.write(hdr.flip(), pos);
                ByteBuffer trl = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(skipLen);
                ch.write(trl.flip(), pos + skipLen - 4);
                pos += skipLen;
                if (++n % 32 == 0) {
                    byte[] epb = new PcapNgWriter().section(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1)
                            .epb(0, n, frame(60, n), 60).toBytes();
                    packetAt.add(pos);
                    ch.write(ByteBuffer.wrap(epb), pos);
                    pos += epb.length;
                }
            }
        }
        assertTrue(Files.size(p) > (4L << 30));
        try (PcapFileReader r = PcapFileReader.open(p)) {
            List<Got> got = readAll(r);
            assertEquals(1 + packetAt.size(), got.size());
            assertTrue(packetAt.get(packetAt.size() - 1) > (4L << 30));
            for (int i = 1; i < got.size(); i++) {
                assertArrayEquals(frame(60, i * 32), got.get(i).data(), "packet " + i);
            }
            assertTrue(r.warnings().isEmpty(), r.warnings().toString());
        }
    }
}
